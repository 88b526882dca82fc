"""Where the site publishes a figure's files and a script's source: names that carry a hash.

Published names carry the first 8 hex digits of the sha256 of the file's bytes
(``assets/figures/loss_surface/loss-surface.3f9a12c4.light.png``,
``assets/figures/loss_surface.5be0c2d1.py``): the same bytes get the same address
on every build and machine, and a changed file a new one, so no browser or CDN
cache can show an old figure under a page that expects the new one.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from figblog.engine.facts import OutputFacts

__all__ = ["script_digest", "script_uri", "variant_uri"]


def variant_uri(
    prefix: str, script: str, theme: str, output: str, facts: OutputFacts | None
) -> str:
    """The site path of ``output`` of ``script`` in ``theme``; without ``facts``, no hash."""
    tag = f"{facts.short_hash}.{theme}" if facts else theme
    stem, dot, ext = output.rpartition(".")
    name = f"{stem}.{tag}.{ext}" if dot and "/" not in ext else f"{output}.{tag}"
    return f"{prefix}/{script.removesuffix('.py')}/{name}"


def script_digest(path: Path) -> str | None:
    """The first 8 hex digits of the sha256 of the script at ``path``; None if unreadable."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return hashlib.sha256(data).hexdigest()[:8]


def script_uri(prefix: str, script: str, digest: str | None) -> str:
    """The site path of the source of ``script``; without ``digest``, its own name."""
    stem = script.removesuffix(".py")
    return f"{prefix}/{stem}.{digest}.py" if digest else f"{prefix}/{script}"
