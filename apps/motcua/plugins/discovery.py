"""Which plugins are installed (entry point group ``motcua.plugins``) and which a site enables.

Read by the settings before Django is set up: nothing here imports Django. A site enables
plugins by name in its config (``plugins = ["postal", "sms_gateway"]``); the core's apps
(:data:`CORE_HOOKS`) are always on. :func:`enabled_plugins` raises :class:`PluginError` with one
line — the settings print it and exit with status 2, like a site config error — when an enabled
plugin is not installed, is unsound, or does not support this motcua version.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from motcua.plugins.contract import Plugin, PluginError, read_hooks

#: Entry point group a plugin package declares its hooks module in (``name = "pkg.hooks"``).
ENTRY_POINT_GROUP = "motcua.plugins"

#: The core's apps that contribute through the contract: plugins that ship enabled.
CORE_HOOKS = (
    "motcua.jobs.hooks",
    "motcua.procedures.hooks",
    "motcua.dossiers.hooks",
    "motcua.integrations.hooks",
    "motcua.notifications.hooks",
    "motcua.portal.hooks",
)


def motcua_version() -> str:
    """The running motcua's version: its installed distribution's, else ``pyproject.toml``'s."""
    try:
        return metadata.version("motcua")
    except metadata.PackageNotFoundError:
        pyproject = Path(__file__).resolve().parents[3] / "pyproject.toml"
        return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]


def core_plugins() -> list[Plugin]:
    return [read_hooks(path) for path in CORE_HOOKS]


def _entry_points() -> dict:
    """The entry points of the group, by name (the first on ``sys.path`` wins, as for imports)."""
    found: dict = {}
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, entry)
    return found


def _load(entry) -> Plugin:
    dist = entry.dist
    plugin = read_hooks(
        entry.value,
        distribution=dist.name if dist else "",
        dist_version=dist.version if dist else "",
    )
    if plugin.name != entry.name:
        raise PluginError(
            f"plugin {entry.name}: its hooks module {entry.value} declares name {plugin.name!r}"
        )
    if plugin.core:
        raise PluginError(f"plugin {entry.name}: only the core's own apps may say core = True")
    return plugin


def installed_names() -> list[str]:
    """The names of the plugins installed in this Python environment (nothing is imported)."""
    return sorted(_entry_points())


def installed_plugins(*, broken: dict | None = None) -> dict[str, Plugin]:
    """Every installed plugin, by name (the core's not included).

    A plugin whose hooks cannot be read is left out and its one-line error put in *broken*: it
    stops only the sites that enable it (:func:`enabled_plugins`).
    """
    found: dict[str, Plugin] = {}
    for name, entry in _entry_points().items():
        try:
            found[name] = _load(entry)
        except PluginError as exc:
            if broken is not None:
                broken[name] = str(exc)
    return found


def enabled_plugins(names, *, version: str | None = None) -> list[Plugin]:
    """Return the core's plugins then those enabled by *names* (a site's ``plugins`` list).

    Raise :class:`PluginError` (one line) for a name not installed or a version not supported.
    """
    version = version or motcua_version()
    entries = _entry_points()
    chosen = []
    for name in names:
        if name not in entries:
            known = ", ".join(sorted(entries)) or "none"
            raise PluginError(
                f"plugin {name!r} is enabled but not installed (installed: {known}); "
                f"pip install it or run: manage.py plugins disable {name}"
            )
        plugin = _load(entries[name])
        if not plugin.supports(version):
            raise PluginError(
                f"plugin {name} {plugin.version} supports motcua {plugin.requires_motcua}, "
                f"this is motcua {version}: upgrade the plugin or disable it "
                f"(manage.py plugins disable {name})"
            )
        chosen.append(plugin)
    return [*core_plugins(), *chosen]
