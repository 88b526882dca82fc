"""Site files that MkDocs copies out of the figure cache, with a clear error when one is gone."""

from __future__ import annotations

import os

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

__all__ = ["CachedFile"]


class CachedFile(File):
    """A site file whose source lies in the figure cache: an output, a card, a thumbnail.

    MkDocs copies it after every page has been read. If the cache was cleaned meanwhile
    (``figblog clean``, ``rm -rf .cache``), the copy fails: that is a build error naming
    the file and what to do, where MkDocs alone would end with a traceback.
    """

    def copy_file(self, dirty: bool = False) -> None:
        """Copy the file into the site, as MkDocs does; a vanished source is a build error."""
        try:
            super().copy_file(dirty)
        except FileNotFoundError as exc:
            source = self.abs_src_path or ""
            shown = os.path.relpath(source) if source.startswith(os.getcwd() + os.sep) else source
            raise PluginError(
                f"figblog: {self.src_uri}: its file in the figure cache ({shown}) vanished "
                "during the build (was the cache cleaned meanwhile?); build again"
            ) from exc
