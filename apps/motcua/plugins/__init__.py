"""Plugins: a province or a vendor extends motcua with its own installable Django apps.

One contract for everything that plugs in (``docs/plugins.md``): a plugin is a Python package
found through the entry point group ``motcua.plugins``, enabled per site in
``sites/<name>/site_config.toml`` (``plugins = [...]``), and declares what it contributes in one
hooks module. The core's own apps declare their contributions through the same hooks
(:data:`motcua.plugins.discovery.CORE_HOOKS`): they are the plugins that ship enabled.
"""
