"""The figure engine: find references, run scripts, cache what they wrote. No MkDocs here."""

# The colour schemes every figure is drawn in; figblog.plotting styles each one.
THEMES = ("light", "dark")
