"""What the blog plugin will do with posts, known before it runs: refused categories, drafts.

Categories: a post's category that the blog plugin would refuse, reported with its line and
the fix.

Material's blog plugin stops the build on a post whose category is not in its
``categories_allowed`` list, naming the post only: not the line, not the list, not that
the names are case-sensitive (``Machine Learning`` is not ``Machine learning``). The
figblog plugin's ``on_files`` runs before the blog plugin's, so it looks first and stops
the build with a message that says all of that.

Drafts: the blog plugin leaves a draft out of a build (not out of ``mkdocs serve``, with
its ``draft_on_serve``), but only in its own ``on_files``, after figblog's. So figblog asks
first, by the blog's own rules, which posts it will leave out, and neither runs nor checks
nor publishes their figures.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from mkdocs.utils.meta import get_data

__all__ = ["category_errors", "excluded_posts", "front_matter_errors", "post_errors_in"]

# The blog plugin's own reading of a post's front matter (material/plugins/blog/structure).
_POST_FRONT = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.UNICODE | re.DOTALL)
_EXAMPLE_DATE = "date: 2026-11-02"


def _posts(config: Any, files: Any) -> Iterator[tuple[Any, Any, str]]:  # noqa: ANN401
    """Each enabled blog's options, and for each of its posts, its file and its path as shown."""
    root = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
    docs = os.path.relpath(config.docs_dir, root).replace(os.sep, "/")
    for options, posts in _blogs(config):
        for file in files:
            if file.src_uri.startswith(posts) and file.src_uri.endswith(".md"):
                yield options, file, f"{docs}/{file.src_uri}"


def category_errors(config: Any, files: Any) -> list[str]:  # noqa: ANN401 - MkDocs' objects
    """``docs/<post>:<line>: ...`` for each category of a post that its blog does not allow."""
    errors: list[str] = []
    for options, file, shown in _posts(config, files):
        allowed = list(options.categories_allowed or [])
        if options.categories and allowed:
            errors += _post_errors(file.abs_src_path, shown, allowed)
    return errors


def front_matter_errors(config: Any, files: Any) -> list[str]:  # noqa: ANN401 - MkDocs' objects
    """``docs/<post>:<line>: ...`` for each post whose front matter the blog plugin refuses.

    The blog plugin stops the build on these with the post's name and Python's words
    ("Expected type: <class 'datetime.date'> ... but received: <class 'str'>"), no line
    and no fix: a post without front matter or a date, a date that is no date
    (``2026-13-02``, ``2 November 2026``), front matter that is not YAML, or categories
    that are not a list. Drafts too: the blog reads them all.
    """
    errors: list[str] = []
    for _options, file, shown in _posts(config, files):
        errors += _front_errors(file.abs_src_path, shown)
    return errors


def post_errors_in(config_file: Path) -> list[str]:
    """The same checks as the two above, from ``config_file`` alone, for another builder.

    Zensical reads mkdocs.yml (through ``INHERIT:``) and its blog plugin's options, but
    runs no MkDocs plugin: it stops on these with a traceback, without the line or the fix.
    """
    from figblog.cli_settings import TolerantLoader, plugin_entries

    settings: dict[str, Any] = {}
    seen: set[Path] = set()
    path = config_file.resolve()
    while path not in seen:  # the file, then what it inherits; the nearer setting wins
        seen.add(path)
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=TolerantLoader) or {}
        except (OSError, yaml.YAMLError):
            break  # the builder says what it cannot read
        if not isinstance(data, dict):
            break
        settings = {**data, **settings}
        parent = data.get("INHERIT")
        if not isinstance(parent, str):
            break
        path = (path.parent / parent).resolve()
    root = config_file.resolve().parent
    docs = root / str(settings.get("docs_dir") or "docs")
    errors: list[str] = []
    for name, options in plugin_entries(settings):
        if name not in ("blog", "material/blog") or not isinstance(options or {}, dict):
            continue
        options = options or {}
        if options.get("enabled", True) is False:
            continue
        blog = str(options.get("blog_dir", "blog"))
        posts = docs / str(options.get("post_dir", "{blog}/posts")).format(blog=blog).strip("/")
        allowed = options.get("categories_allowed") or []
        for post in sorted(posts.rglob("*.md")):
            shown = os.path.relpath(post, root).replace(os.sep, "/")
            found = _front_errors(str(post), shown)
            if not found and options.get("categories", True) and allowed:
                found = _post_errors(str(post), shown, [str(a) for a in allowed])
            errors += found
    return errors


def _front_errors(path: str, shown: str) -> list[str]:
    import yaml

    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return []  # the blog plugin reports what it cannot read
    front = _POST_FRONT.match(text)
    if not front:
        return [
            f"{shown}:1: a post begins with its front matter between two '---' lines, with "
            f"at least its date ({_EXAMPLE_DATE}); this one has none"
        ]
    lines = front[1].split("\n")
    at_date = f"{shown}:{_line_of(lines, 'date')}"  # where a message about the date points

    try:
        meta = yaml.load(front[1], yaml.SafeLoader) or {}
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark else 1
        problem = exc.problem
        if exc.context and exc.context_mark and exc.context_mark.line + 2 < line:
            # An unclosed quote or bracket: the error shows where the text ran out, the
            # author wants the line where it opened.
            what = exc.context.removeprefix("while scanning ").removeprefix("while parsing ")
            problem = f"{what} that is not closed ({problem} at line {line})"
            line = exc.context_mark.line + 2
        return [f"{shown}:{line}: the front matter is not valid YAML: {problem}"]
    except (yaml.YAMLError, ValueError) as exc:  # a date YAML reads but no calendar has
        return [
            f"{at_date}: the date is no date ({exc}); write it as YYYY-MM-DD, as in {_EXAMPLE_DATE}"
        ]
    if not isinstance(meta, dict):
        return [f"{shown}:2: the front matter must be 'name: value' lines, as in {_EXAMPLE_DATE}"]
    errors = []
    date = meta.get("date")
    dates = date if isinstance(date, dict) else {"created": date}
    if date is None:
        errors.append(
            f"{at_date}: the post has no date, which the blog sorts posts by; "
            f"add one to its front matter, as in {_EXAMPLE_DATE}"
        )
    elif "created" not in dates or any(not isinstance(d, dt.date) for d in dates.values()):
        errors.append(
            f"{at_date}: the date must be written YYYY-MM-DD (or with a time, "
            f"YYYY-MM-DD HH:MM:SS), as in {_EXAMPLE_DATE}; not {date!r}"
        )
    categories = meta.get("categories")
    if categories is not None and not isinstance(categories, list):
        errors.append(
            f"{shown}:{_line_of(lines, 'categories')}: the categories must be a list, one per "
            f"line: 'categories:' then '  - {categories}' on the next line"
        )
    return errors


def excluded_posts(config: Any, files: Any) -> set[str]:  # noqa: ANN401 - MkDocs' objects
    """The ``src_uri`` of each post that a blog plugin will leave out of the site (a draft).

    Asked after the plugins' ``on_config``, where the blog decides whether drafts are shown
    (under ``mkdocs serve`` they are, by default). Its rules: ``draft: true`` leaves a post
    out; with ``draft_if_future_date``, so does a date in the future when ``draft`` is unset.
    """
    return {
        file.src_uri
        for options, file, _ in _posts(config, files)
        if not options.draft and _is_draft(file.abs_src_path, options.draft_if_future_date)
    }


def _blogs(config: Any) -> Iterator[tuple[Any, str]]:  # noqa: ANN401 - MkDocs' objects
    """Each enabled Material blog plugin's options, and its posts' folder (``blog/posts/``)."""
    for blog in config.plugins.values():
        if not type(blog).__module__.startswith("material.plugins.blog"):
            continue
        options = blog.config
        if options.get("enabled", True):
            yield options, options.post_dir.format(blog=options.blog_dir).strip("/") + "/"


def _is_draft(path: str | None, future_is_draft: bool) -> bool:
    try:
        with open(path or "", encoding="utf-8-sig") as f:
            meta = get_data(f.read())[1]
    except OSError:
        return False  # the blog plugin reports what it cannot read
    draft = meta.get("draft")
    if isinstance(draft, bool):
        return draft
    if not future_is_draft:
        return False
    created = meta.get("date")
    if isinstance(created, dict):
        created = created.get("created")
    if isinstance(created, dt.date) and not isinstance(created, dt.datetime):
        created = dt.datetime.combine(created, dt.time())
    if not isinstance(created, dt.datetime):
        return False
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)
    return created > dt.datetime.now(dt.UTC)


def _post_errors(path: str, shown: str, allowed: list[str]) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except OSError:
        return []  # the blog plugin reports what it cannot read
    front = _POST_FRONT.match(text)
    names = get_data(text)[1].get("categories") if front else None
    if not isinstance(names, list):
        return []
    lines = front[1].split("\n") if front else []
    first = _line_of(lines, "categories")
    errors = []
    for name in names:
        if not isinstance(name, str) or name in allowed:
            continue
        line = next((n for n, text in enumerate(lines, 2) if n >= first and name in text), 1)
        errors.append(
            f"{shown}:{line}: category '{name}' is not in the blog's categories_allowed "
            f"(mkdocs.yml){_meant(name, allowed)} The names must match exactly; allowed: "
            f"{', '.join(allowed)}"
        )
    return errors


def _line_of(lines: list[str], key: str) -> int:
    """The file's line of ``key:`` in front matter ``lines`` (read by ``_POST_FRONT``), or 1."""
    # The front matter starts on the file's line 2, after its '---'.
    return next((n for n, text in enumerate(lines, 2) if re.match(rf"{key}\s*:", text)), 1)


def _meant(name: str, allowed: list[str]) -> str:
    """``: did you mean 'x'?`` for the allowed name closest to ``name`` (case aside), or "."."""
    same = [a for a in allowed if a.casefold() == name.casefold()]
    close = same or difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    return f": did you mean '{close[0]}'?" if close else "."
