"""What a change to the watched files means for the served site, for the serve fast path.

The fast path (:mod:`figblog.serve_fast`) may patch the built pages only when
the change touched figure inputs alone and the scripts it made stale still
write the same text and draw the same files at the same sizes. These checks
decide that apart from the patching: they say which scripts to run again, or
raise PatchError saying why the site has to be built again instead.
"""

from __future__ import annotations

import os

from mkdocs.config.defaults import MkDocsConfig

from figblog.engine.render import Renderer
from figblog.engine.sitepatch import PatchError
from figblog.serve_watch import is_scratch
from figblog.values import VALUES_FILE

__all__ = ["check_same_text", "stale_scripts"]


def stale_scripts(
    cfg: MkDocsConfig, renderer: Renderer, code_dirs: tuple[str, ...], changed: set[str]
) -> set[str]:
    """The scripts that read a changed file; PatchError if a page may change otherwise.

    ``renderer`` is the last build's, ``code_dirs`` the folders whose code keys
    mkdocs-jupyter's cache (real paths, each ending with a separator).
    """
    engine = renderer.engine
    # Real paths on both sides: the watched paths may run through a symlink, the engine's not.
    docs = os.path.realpath(cfg.docs_dir) + os.sep
    config_file = os.path.realpath(cfg.config_file_path or "")
    notebooks = cfg.plugins.get("mkdocs-jupyter") is not None
    readers: dict[str, set[str]] = {}
    for (script, _theme), outcome in renderer.outcomes.items():
        readers.setdefault(os.path.realpath(engine.script_path(script)), set()).add(script)
        if outcome.entry is not None:
            for dep in outcome.entry.manifest.get("deps", {}):
                readers.setdefault(os.path.realpath(engine.root / dep), set()).add(script)
    scripts: set[str] = set()
    for path in sorted(map(os.path.realpath, changed)):
        rel = os.path.relpath(path, engine.root)
        if path not in readers and is_scratch(path):
            continue  # an editor's swap or backup file: nothing reads it
        if path == config_file or path.startswith(docs):
            raise PatchError(f"{rel} changed")
        if notebooks and path.endswith(".py") and path.startswith(code_dirs):
            raise PatchError(f"{rel} changed and notebook pages may import it")
        if path not in readers:
            raise PatchError(f"{rel} changed, which no figure script read in its last good run")
        scripts |= readers[path]
    for script in scripts:
        for theme in engine.themes:
            outcome = renderer.outcomes.get((script, theme))
            if outcome is None or outcome.entry is None:
                rel = engine.script_rel(script)
                # A script that did not exist then never ran: it took no time.
                was = "had failed" if outcome is not None and outcome.seconds else "is new"
                raise PatchError(f"{rel} {was}")
    return scripts


def check_same_text(old: Renderer, new: Renderer, script: str) -> None:
    """PatchError unless the script's pages need nothing but new image bytes."""
    rel = old.engine.script_rel(script)
    for theme in old.engine.themes:
        before = old.outcomes[script, theme].entry
        after = new.outcomes[script, theme].entry
        assert before is not None and after is not None  # failures were turned away
        if before.outputs != after.outputs:
            raise PatchError(f"{rel} now writes {', '.join(after.outputs) or 'nothing'}")
        for name in after.outputs:
            if name.endswith(".md") or name == VALUES_FILE:
                # Hashes from the manifests: the old entry's files may be gone (pruned).
                if before.facts(name).sha256 != after.facts(name).sha256:
                    raise PatchError(f"{rel} wrote new text in {name}")
            elif before.facts(name).pixels != after.facts(name).pixels:
                raise PatchError(f"{rel} drew {name} at a new size")
