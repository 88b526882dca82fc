"""The figure engine: find references, run scripts, cache what they wrote. No MkDocs here."""
