"""Run numpy's matrix products on one thread for a while.

On a small machine shared with other jobs (the figure engine runs scripts side by
side), OpenBLAS threads that wait for a busy core can make a training step ten times
slower. One thread per process is fast and steady, and gives the same floating-point
sums on every run. numpy has no switch for this, so we call the setter of the
OpenBLAS that numpy's wheels bundle; where it cannot be found this does nothing.
"""

from __future__ import annotations

import ctypes
import glob
import os
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

__all__ = ["one_blas_thread"]

_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads",
)
_GETTERS = (
    "scipy_openblas_get_num_threads64_",
    "scipy_openblas_get_num_threads",
    "openblas_get_num_threads",
)


def _openblas() -> tuple[ctypes._CFuncPtr, ctypes._CFuncPtr] | None:
    libs_dir = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    for path in sorted(glob.glob(os.path.join(libs_dir, "*openblas*"))):
        try:
            lib = ctypes.CDLL(path)  # already loaded by numpy: this returns the same library
        except OSError:
            continue
        for set_name, get_name in zip(_SETTERS, _GETTERS, strict=True):
            setter, getter = getattr(lib, set_name, None), getattr(lib, get_name, None)
            if setter is not None and getter is not None:
                setter.argtypes, getter.restype = [ctypes.c_int], ctypes.c_int
                return setter, getter
    return None


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Within the block, numpy's BLAS uses one thread; the previous count is restored after."""
    funcs = _openblas()
    if funcs is None:
        yield
        return
    setter, getter = funcs
    before = getter()
    setter(1)
    try:
        yield
    finally:
        setter(before)
