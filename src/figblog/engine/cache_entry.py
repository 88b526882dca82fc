"""One stored run of the cache: its key, its folder and the manifest that describes it.

The manifest lists the run's outputs and, for each, the facts rendering needs
(sha256, length, pixel size), so that a warm build never opens a picture again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from figblog.engine.facts import OutputFacts, file_facts

__all__ = ["Entry"]


@dataclass(frozen=True)
class Entry:
    """One stored run: its key, folder and manifest."""

    key: str
    path: Path
    manifest: dict[str, Any]
    # Facts read from the manifest, or computed for entries stored before it carried them.
    _measured: dict[str, OutputFacts] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def out(self) -> Path:
        """The folder holding the run's output files."""
        return self.path / "out"

    @property
    def outputs(self) -> list[str]:
        """Output file names, relative to :attr:`out`, sorted."""
        return list(self.manifest["outputs"])

    def facts(self, name: str) -> OutputFacts:
        """Hash, length and pixel size of output ``name``, from the manifest when it has them.

        An entry stored by an older engine has no ``files`` in its manifest; its
        facts are measured from the file, once per :class:`Entry`. Raises OSError
        only when the output cannot be read at all.
        """
        if name not in self._measured:
            files = self.manifest.get("files")
            known = OutputFacts.from_json(files.get(name)) if isinstance(files, dict) else None
            self._measured[name] = known if known is not None else file_facts(self.out / name)
        return self._measured[name]
