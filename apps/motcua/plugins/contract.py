"""The hooks a plugin may declare, read from its hooks module (Frappe's ``hooks.py`` idea).

A hooks module is plain data: names, dotted paths and lists, importable before Django is set up
(the settings read it to build ``INSTALLED_APPS``), so the contributions themselves are imported
only when the registries are filled (:mod:`motcua.plugins.registry`). Every module-level name that
does not start with ``_`` must be one of :data:`HOOKS` or :data:`IDENTITY`; a name the contract
forbids (:data:`FORBIDDEN`) or does not know stops start-up with one line, so a typo never
silently drops a contribution.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType

from packaging.specifiers import InvalidSpecifier, SpecifierSet


class PluginError(Exception):
    """A plugin that cannot be used on this site; the message is one line naming the plugin."""


#: What identifies a plugin (``name`` and ``requires_motcua`` are required outside the core).
IDENTITY = {
    "name": "the name a site enables it by (letters, digits, _)",
    "label": "what the desk and ``plugins list`` show",
    "app": "the Django app (dotted path) added to INSTALLED_APPS when enabled; None: none",
    "version": "the plugin's version (defaults to its distribution's version)",
    "requires_motcua": "the motcua versions it supports, a PEP 440 specifier such as '>=0.1,<0.2'",
    "core": "True only for the core's own apps: always enabled, cannot be disabled",
}

#: Every hook, with what its value is (docs/plugins.md explains each one).
HOOKS = {
    "scheduled_jobs": "list of motcua.jobs.schedule.ScheduledJob (periodic jobs)",
    "payment_providers": "{provider name: dotted path of a PaymentProvider class}",
    "notification_channels": "{channel kind: dotted path of a Channel class}",
    "outbox_handlers": "{outbox topic: dotted path of a handler function}",
    "form_field_kinds": "{kind: {'label': str, 'builder': dotted path, 'required_message': str}}",
    "deadline_sources": "list of dotted paths of DeadlineSource classes",
    "snapshot_parts": "{part name: dotted path of a function(procedure) -> JSON value}",
    "desk_menu": "list of {'title', 'icon', 'url_name'} entries for the desk's sidebar",
    "urls": "dotted path of a URLconf, mounted at /plugins/<name>/",
    "patches": "list of dotted module paths with execute(), run once each, after the core's",
    "fixtures": "list of fixture files (paths relative to the plugin app) loaded when enabled",
    "print_templates": "{legal form code '01'..'07': template file, relative to the hooks module}",
    "report_definitions": "{key: {'name': str, 'definition': report builder definition}}",
}

#: Hooks a plugin may never declare: the lifecycle's transition table and the scoped selector
#: are the core's (docs/architecture.md); a plugin acts through the public services only.
FORBIDDEN = {
    "transitions": "the transition table belongs to motcua.core.lifecycle",
    "lifecycle": "the transition table belongs to motcua.core.lifecycle",
    "actions": "lifecycle actions are declared in motcua.core.lifecycle only",
    "selectors": "dossier reads go through motcua.dossiers.selectors.dossiers_visible",
    "dossiers_visible": "dossier reads go through motcua.dossiers.selectors.dossiers_visible",
    "middleware": "a plugin cannot change the request pipeline",
    "settings": "a plugin cannot change the settings; use the site config",
}

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True)
class Plugin:
    """One plugin as declared by its hooks module."""

    name: str
    hooks_module: str
    label: str = ""
    app: str | None = None
    version: str = ""
    requires_motcua: str = ""
    core: bool = False
    distribution: str = ""
    hooks: dict = field(default_factory=dict, compare=False, repr=False)

    def get(self, hook: str, default=None):
        return self.hooks.get(hook, default)

    def supports(self, motcua_version: str) -> bool:
        """Whether this plugin declares support for *motcua_version* (the core always does)."""
        if self.core:
            return True
        return SpecifierSet(self.requires_motcua).contains(motcua_version, prereleases=True)


def read_hooks(
    module: ModuleType | str, *, distribution: str = "", dist_version: str = ""
) -> Plugin:
    """Return the :class:`Plugin` a hooks module declares; :class:`PluginError` if it is unsound."""
    if isinstance(module, str):
        try:
            module = importlib.import_module(module)
        except ImportError as exc:
            raise PluginError(f"plugin hooks module {module!r} cannot be imported: {exc}") from None
    where = f"plugin hooks {module.__name__}"
    values = {k: v for k, v in vars(module).items() if not k.startswith("_")}
    values = {k: v for k, v in values.items() if not isinstance(v, ModuleType)}
    values = {k: v for k, v in values.items() if not (isinstance(v, type) or callable(v))}
    for key in values:
        if key in FORBIDDEN:
            raise PluginError(f"{where}: '{key}' is not allowed ({FORBIDDEN[key]})")
        if key not in HOOKS and key not in IDENTITY and key != "annotations":
            raise PluginError(f"{where}: unknown hook '{key}' (see docs/plugins.md)")
    name = values.get("name")
    if not isinstance(name, str) or not name or not set(name) <= _NAME_CHARS:
        raise PluginError(f"{where}: 'name' must be lower-case letters, digits or _")
    core = bool(values.get("core", False))
    requires = values.get("requires_motcua", "")
    if not core:
        if not isinstance(requires, str) or not requires.strip():
            raise PluginError(f"plugin {name}: 'requires_motcua' is missing (e.g. '>=0.1,<0.2')")
        try:
            SpecifierSet(requires)
        except InvalidSpecifier:
            raise PluginError(
                f"plugin {name}: 'requires_motcua' is not a version specifier: {requires!r}"
            ) from None
    hooks = {k: v for k, v in values.items() if k in HOOKS}
    return Plugin(
        name=name,
        hooks_module=module.__name__,
        label=str(values.get("label") or name),
        app=values.get("app"),
        version=str(values.get("version") or dist_version or ""),
        requires_motcua=requires,
        core=core,
        distribution=distribution,
        hooks=hooks,
    )
