"""The ``figblog`` plugin's options in mkdocs.yml, and the checks their types cannot make.

MkDocs checks each option's type as it loads mkdocs.yml. Whether a number is
in range, the site prefix a folder inside the site and the figures folder there
at all, :func:`check_options` checks when the plugin's ``on_config`` calls it,
with a PluginError that says how to fix the value. The Zensical adapter takes
the same options with the same defaults, so a site means the same to both.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError

from figblog.engine.showable import PHONE_WIDTH

__all__ = ["FiguresConfig", "check_options"]

_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


class FiguresConfig(Config):
    """Options of the ``figblog`` plugin in mkdocs.yml."""

    enabled = c.Type(bool, default=True)
    """Run figure scripts; when off, references are left as they are."""
    figures_dir = c.Type(str, default="figures")
    """Folder of figure scripts, relative to mkdocs.yml; references start with its name."""
    cache_dir = c.Type(str, default=".cache/figblog")
    """Where script outputs are cached, relative to mkdocs.yml."""
    jobs = c.Type(int, default=0)
    """How many scripts run at once; 0 means one per CPU."""
    timeout = c.Type((int, float), default=600)
    """Seconds a script (or a notebook cell) may run before it is stopped and reported."""
    watch = c.ListOfItems(c.Type(str), default=["src", "data"])
    """Folders besides docs/ and figures/ that `mkdocs serve` watches (shared code, data)."""
    site_prefix = c.Type(str, default="assets/figures")
    """Where in the built site the figure files are published."""
    max_output_mb = c.Type((int, float), default=5)
    """A referenced output over this many MB is a warning (strict builds fail); 0: no limit."""
    min_text_px = c.Type((int, float), default=5)
    """A picture whose smallest text is under this many px on a phone is a warning; 0: no check."""
    narrow_width = c.Type((int, float), default=600)
    """Screens up to this many CSS px get a figure's narrow layout (`x.narrow.png`)."""
    verbose = c.Type(bool, default=False)
    """Log every line the scripts print (`mkdocs build -v` does too); else only a failure's."""
    site_image = c.Type(str, default="")
    """The picture of the social card of pages that are not posts: figures/x.py#y.png."""


def check_options(opts: FiguresConfig, root: Path) -> None:
    """Raise PluginError, saying how to fix it, for an option the plugin cannot use.

    ``root`` is the folder of mkdocs.yml, where the figures folder must be.
    """
    # Written as "not (x >= 0)": YAML's .nan and .inf are floats too, and NaN fails no "< 0".
    if not 0 <= opts.jobs < math.inf:
        raise PluginError("figblog: 'jobs' must be 0 (one per CPU) or a positive number")
    if not 0 < opts.timeout < math.inf:
        raise PluginError(
            f"figblog: 'timeout' must be a positive number of seconds, not {opts.timeout!r}"
        )
    if not 0 <= opts.max_output_mb < math.inf:
        raise PluginError("figblog: 'max_output_mb' must be 0 (no limit) or a positive number")
    if not 0 <= opts.min_text_px < math.inf:
        raise PluginError("figblog: 'min_text_px' must be 0 (no check) or a positive number")
    if not PHONE_WIDTH <= opts.narrow_width < math.inf:
        raise PluginError(
            f"figblog: 'narrow_width' must be at least {PHONE_WIDTH} (CSS px, a phone's width: "
            f"the narrow layouts are for phones), not {opts.narrow_width!r}"
        )
    prefix = opts.site_prefix.strip("/")
    parts = prefix.split("/")
    if (
        not prefix
        or "\\" in prefix
        or any(part in ("", ".", "..") for part in parts)
        or not all(_SAFE_SEGMENT.fullmatch(part) for part in parts)
    ):
        raise PluginError(
            f"figblog: 'site_prefix' must be a folder path inside the site, like "
            f"'assets/figures' (letters, digits, '-', '_', '.'), not {opts.site_prefix!r}"
        )
    if opts.enabled and not (root / opts.figures_dir).is_dir():
        raise PluginError(
            f"figblog: the figures folder '{opts.figures_dir}' does not exist next to "
            f"mkdocs.yml ({root}); create it or set 'figures_dir' to the right folder"
        )
