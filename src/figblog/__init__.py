"""figblog: a blog whose figures are drawn by Python scripts at build time."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
