"""Budgets of each post as a reader gets it: bytes downloaded, and Lighthouse's scores.

    python benchmarks/site_budget.py [--site DIR] [--no-lighthouse] [--preset P] [--runs N]

Builds the site (strict, into a temporary folder, reusing the figure cache) unless --site
names a built one, serves it on 127.0.0.1 with gzip like the static host, then for every post:

- bytes: the sum of the response bodies Chromium receives in the light scheme, lazy images
  included (every image is scrolled into view, then the page to its bottom); budget 2 MB.
- Lighthouse (npm package in benchmarks/package.json, installed with `npm ci` when missing)
  against Debian's Chromium, mobile preset by default, the median of 3 runs per post:
  performance >= 95, accessibility 100, best practices 100; on the blog index too.
- axe-core (the engine of Lighthouse's accessibility audits) on every page in both colour
  schemes, since Lighthouse sees only the light one: no WCAG 2.1 A/AA violation.

Prints one plain line per measurement with PASS or FAIL. main() returns the number of FAILs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from figblog.sitecheck import (
    LOAD_IMAGES_JS,
    build_site,
    find_pages,
    is_post,
    keep_local,
    launch,
    serve,
)

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
BYTES_BUDGET = 2_000_000
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100}
# Besides the posts, Lighthouse measures the blog's index (its post thumbnails) and every
# notebook page (nbconvert's template: see figblog.notebook_slim).
LISTS = ["blog/"]
NOTEBOOK_MARK = 'class="jupyter-wrapper"'
LIGHTHOUSE_TIMEOUT = 240
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => [v.id, v.nodes.length]);
}"""


def _slug(post: str) -> str:
    return post.rstrip("/").rsplit("/", 1)[-1]


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def page_weight(browser: object, url: str) -> tuple[int, int, int]:
    """(body bytes, bytes on the wire, requests) for one page load in the light scheme."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    offsite: list[str] = []
    keep_local(context, offsite)
    page = context.new_page()
    bodies: list[int] = []
    wire: list[int] = []

    def finished(request: object) -> None:
        response = request.response()
        if response is None:
            return
        try:
            bodies.append(len(response.body()))
        except Exception:  # noqa: BLE001 - a body the browser discarded counts as nothing
            bodies.append(0)
        sizes = request.sizes()
        wire.append(sizes["responseBodySize"] + sizes["responseHeadersSize"])

    page.on("requestfinished", finished)
    try:
        page.goto(url, wait_until="load")
        page.evaluate(LOAD_IMAGES_JS)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
    finally:
        context.close()
    if offsite:
        print(f"  note: {len(offsite)} request(s) to other hosts were blocked: {offsite[:3]}")
    return sum(bodies), sum(wire), len(bodies)


def weights(browser: object, base: str, posts: list[str]) -> int:
    """Print the bytes line of each post; return the number over budget."""
    failures = 0
    for post in posts:
        body, wire, count = page_weight(browser, base + post)
        ok = body <= BYTES_BUDGET
        failures += not ok
        print(
            f"bytes       {_slug(post):40s} {body / 1e6:6.2f} MB in {count:3d} requests"
            f" ({wire / 1e6:.2f} MB gzipped)  budget {BYTES_BUDGET / 1e6:.1f} MB  {_verdict(ok)}",
            flush=True,
        )
    return failures


def axe(browser: object, base: str, pages: list[str]) -> int:
    """Print axe-core's WCAG A/AA violations of every page in both schemes; return FAILs.

    Lighthouse audits the light scheme only; this covers the dark one (and every page).
    """
    if not AXE.exists():
        print("axe         SKIP: benchmarks/node_modules/axe-core is not installed")
        return 0
    script = AXE.read_text(encoding="utf-8")
    failures = 0
    for scheme in ("light", "dark"):
        for url in pages:
            context = browser.new_context(color_scheme=scheme)
            try:
                page = context.new_page()
                page.goto(base + url, wait_until="load")
                page.add_script_tag(content=script)
                found = page.evaluate(AXE_RUN, AXE_TAGS)
            finally:
                context.close()
            failures += bool(found)
            ids = ", ".join(f"{rule} x{count}" for rule, count in found)
            print(
                f"axe         {url or '/':60s} {scheme:5s} {len(found):2d} rules"
                f"  {_verdict(not found)}{'  (' + ids + ')' if ids else ''}",
                flush=True,
            )
    return failures


def browser_checks(base: str, posts: list[str], pages: list[str], with_axe: bool) -> int:
    """Weights of the posts and axe over every page, in one Chromium; return FAILs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            failures = weights(browser, base, posts)
            return failures + (axe(browser, base, pages) if with_axe else 0)
        finally:
            browser.close()


def ensure_lighthouse() -> Path | None:
    """The Lighthouse binary, installed from benchmarks/package-lock.json when missing."""
    if LIGHTHOUSE.exists():
        return LIGHTHOUSE
    npm = shutil.which("npm")
    if npm is None:
        print("lighthouse  SKIP: npm is not installed")
        return None
    print("lighthouse  installing: npm ci --prefix benchmarks", flush=True)
    done = subprocess.run(
        [npm, "ci", "--prefix", str(HERE), "--no-audit", "--no-fund"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0 or not LIGHTHOUSE.exists():
        print(f"lighthouse  SKIP: npm ci failed:\n{done.stderr[-2000:]}")
        return None
    return LIGHTHOUSE


def lighthouse_report(binary: Path, url: str, preset: str, out: Path) -> dict:
    """Run Lighthouse once on ``url``; return its JSON report."""
    cmd = [
        str(binary),
        url,
        "--output=json",
        f"--output-path={out}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=performance,accessibility,best-practices",
        "--quiet",
    ]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=LIGHTHOUSE_TIMEOUT)
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url}:\n{done.stderr[-2000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def failing_audits(report: dict, category: str) -> list[str]:
    """Ids of the audits that cost ``category`` points, worst first."""
    refs = report["categories"][category]["auditRefs"]
    audits = report["audits"]
    bad = [
        (ref["weight"] * (1 - audits[ref["id"]]["score"]), ref["id"])
        for ref in refs
        if ref["weight"] > 0 and audits[ref["id"]].get("score") not in (None, 1)
    ]
    return [audit for _, audit in sorted(bad, reverse=True)]


def _median_report(binary: Path, url: str, preset: str, out: Path, runs: int) -> dict:
    """The run with the median performance score: one run is noisy on a shared machine."""
    reports = [lighthouse_report(binary, url, preset, out) for _ in range(runs)]
    reports.sort(key=lambda r: r["categories"]["performance"]["score"] or 0)
    return reports[len(reports) // 2]


def scores(base: str, posts: list[str], preset: str, work: Path, runs: int) -> int:
    """Print the Lighthouse line of each post and category; return the number of FAILs."""
    binary = ensure_lighthouse()
    if binary is None:
        return 0
    failures = 0
    for post in posts:
        out = work / f"{_slug(post)}.json"
        try:
            report = _median_report(binary, base + post, preset, out, runs)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            failures += 1
            print(f"lighthouse  {_slug(post):40s} FAIL: {exc}")
            continue
        for category, target in TARGETS.items():
            score = round(100 * (report["categories"][category]["score"] or 0))
            ok = score >= target
            failures += not ok
            why = "" if ok else "  (" + ", ".join(failing_audits(report, category)[:6]) + ")"
            print(
                f"lighthouse  {_slug(post):40s} {category:15s} {score:3d}  target >= {target}"
                f"  {_verdict(ok)}{why}",
                flush=True,
            )
    return failures


def main(argv: list[str] | None = None) -> int:
    """Measure every post; print the lines; return how many measurements FAILed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site to measure (default: build one)")
    parser.add_argument(
        "--no-lighthouse", action="store_true", help="measure bytes only (no Lighthouse, no axe)"
    )
    parser.add_argument("--preset", choices=("mobile", "desktop"), default="mobile")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per post (median)")
    args = parser.parse_args([] if argv is None else argv)

    with tempfile.TemporaryDirectory(prefix="site-budget-") as tmp:
        work = Path(tmp)
        site = args.site or build_site(work / "site")
        posts = [p for p in find_pages(site) if is_post(p)]
        if not posts:
            print("site_budget: the site has no posts")
            return 0
        with serve(site, compress=True) as base:
            with_tools = not args.no_lighthouse and ensure_lighthouse() is not None
            failures = browser_checks(base, posts, find_pages(site), with_tools)
            if with_tools:
                pages = find_pages(site)
                notebooks = [
                    p for p in pages if NOTEBOOK_MARK in (site / p / "index.html").read_text()
                ]
                measured = posts + [p for p in LISTS if p in pages] + notebooks
                failures += scores(base, measured, args.preset, work, max(1, args.runs))
    print(f"site_budget: {len(posts)} posts, {failures} FAIL")
    return failures


if __name__ == "__main__":
    sys.exit(1 if main(sys.argv[1:]) else 0)
