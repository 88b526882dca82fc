"""Run a function once a module has been imported: now if it is loaded, else when it is.

Used inside a run's process, where importing is the expensive part: the theme waits
for the script's own ``import matplotlib``, and the text measuring for matplotlib's
figure and animation modules, so a script that never draws pays for neither.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

__all__ = ["after_import"]


class _Then:
    """A meta path finder that has ``then`` run right after module ``name`` is executed.

    It finds nothing itself: it asks the finders after it for the module's spec and
    wraps the spec's loader, then leaves ``sys.meta_path`` (once is enough).
    """

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name = name
        self.then = then

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        """The spec the other finders give ``name``, its loader wrapped when it is ours."""
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find is not None else None
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run_module = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run_module(module)
            self.then(module)

        loader.exec_module = exec_module
        return spec


def after_import(name: str, then: Callable[[ModuleType], None]) -> None:
    """Call ``then(module)`` once module ``name`` has been imported: at once if it has been.

    A module that fails to import is not passed to ``then``.
    """
    module = sys.modules.get(name)
    if module is not None:
        then(module)
    else:
        sys.meta_path.insert(0, _Then(name, then))
