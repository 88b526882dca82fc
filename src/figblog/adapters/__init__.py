"""Thin adapters that put the figure engine's work on pages of a given site generator.

Each generator gets a small adapter; the engine (``figblog.engine``) knows none of them.

- MkDocs (and forks that load MkDocs plugins, such as ProperDocs): ``figblog.mkdocs_plugin``,
  registered as the ``figblog`` plugin, with its options in ``figblog.mkdocs_config``.
- Zensical, which runs Python-Markdown extensions but no MkDocs plugins:
  :mod:`figblog.adapters.zensical`, a Markdown extension with its settings in
  :mod:`figblog.adapters.zensical_settings`, and the generator-neutral
  :mod:`figblog.adapters.published` doing the work before and during the build.
"""
