"""Tell the figure engine about files a script depends on that it cannot see being read.

The engine records every file a script opens for reading, its imports, and SQLite
databases it connects to. It cannot see what another program started by the script
reads (``subprocess``, ``os.system``): such a run is re-run on every build, unless the
script declares those files::

    from figblog.deps import declare

    declare("data/survey.csv")  # read by the program below
    subprocess.run(["mytool", "data/survey.csv", "-o", "out.png"], check=True)

``declare()`` with no files says the programs read nothing of the project. Relative
paths are taken from the project root. Outside the engine it does nothing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from figblog.paths import project_root

__all__ = ["declare"]


def declare(*paths: str | os.PathLike[str]) -> None:
    """Record ``paths`` as files this run depends on, and its record of reads as complete."""
    root = project_root()
    full = tuple(str(Path(p) if os.path.isabs(p) else root / p) for p in paths)
    sys.audit("figblog.declare", full)
