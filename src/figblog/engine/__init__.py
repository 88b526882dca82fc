"""The figure engine: find references, run scripts, cache what they wrote. No MkDocs here."""

# The colour schemes every figure is drawn in; figblog.plotting styles each one.
THEMES = ("light", "dark")


def narrow_name(output: str) -> str:
    """The name of ``output``'s layout for narrow screens: ``x.gif`` -> ``x.narrow.gif``.

    Here, beside THEMES, because both sides use it: the engine, which serves that file to
    phones, and figblog.plotting, which saves it (``save_layouts``).
    """
    stem, dot, ext = output.rpartition(".")
    return f"{stem}.narrow.{ext}" if dot else f"{output}.narrow"


def dense_name(output: str) -> str:
    """The name of ``output`` drawn with twice the pixels: ``x.png`` -> ``x.2x.png``.

    Screens with two or more device pixels per CSS pixel (most laptops, tablets and phones
    now) get it through ``srcset``, and the lightbox shows it: the picture is as sharp as
    the screen. Beside THEMES for the same reason as :func:`narrow_name`.
    """
    stem, dot, ext = output.rpartition(".")
    return f"{stem}.2x.{ext}" if dot else f"{output}.2x"
