"""Fill the core's registries from every active plugin's hooks — the one way anything registers.

:func:`install` runs once per process from ``motcua.plugins``'s ``ready()`` (the last app), over
``settings.MOTCUA_PLUGINS``: the core's own plugins first, then the site's enabled ones. Each hook
feeds one registry, which the rest of the code reads as before:

==========================  ============================================================
hook                        registry
==========================  ============================================================
scheduled_jobs              :func:`motcua.jobs.schedule.active_schedule`
payment_providers           ``motcua.integrations.payments.base.PROVIDER_CLASSES``
notification_channels       ``motcua.notifications.channels.CHANNELS``
outbox_handlers             ``motcua.integrations.outbox.HANDLERS``
form_field_kinds            ``motcua.portal.forms.builders`` (``BUILDERS``, ``EXTRA_KINDS``)
deadline_sources            :mod:`motcua.core.deadline_sources`
snapshot_parts              :mod:`motcua.procedures.snapshot`
desk_menu, urls             the settings' sidebar and ``config/urls.py``
patches, fixtures           ``manage.py run_patches`` and ``manage.py plugins enable``
print_templates             ``motcua.printing.plugin_templates.PLUGIN_TEMPLATES``
report_definitions          ``motcua.reports.plugin_reports.PLUGIN_REPORTS``
==========================  ============================================================

Two plugins contributing the same name (a job, a channel kind, a topic …) stop start-up: a
plugin extends, it never silently replaces the core or another plugin.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from motcua.plugins.contract import PluginError


def _claim(owners: dict, kind: str, key: str, plugin) -> None:
    if key in owners and owners[key] != plugin.name:
        raise ImproperlyConfigured(
            f"plugin {plugin.name}: {kind} {key!r} is already contributed by {owners[key]}"
        )
    owners[key] = plugin.name


def _package_dir(plugin) -> Path:
    """The folder of *plugin*'s hooks module, which file paths in its hooks are relative to."""
    module = sys.modules.get(plugin.hooks_module) or importlib.import_module(plugin.hooks_module)
    return Path(module.__file__ or "").parent


def install(plugins=None) -> dict[str, dict[str, str]]:
    """Register every contribution of *plugins* (default: this site's); return who owns what."""
    from motcua.core import deadline_sources
    from motcua.integrations.outbox import outbox_handler
    from motcua.integrations.payments import base as payments
    from motcua.notifications.channels import register_channel
    from motcua.portal.forms.builders import register_kind
    from motcua.printing import plugin_templates
    from motcua.procedures.snapshot import register_snapshot_part
    from motcua.reports import plugin_reports

    plugins = settings.MOTCUA_PLUGINS if plugins is None else plugins
    owners: dict[str, dict[str, str]] = {}

    def claim(kind: str, key: str, plugin) -> None:
        _claim(owners.setdefault(kind, {}), kind, key, plugin)

    for plugin in plugins:
        try:
            for job in plugin.get("scheduled_jobs", []):
                claim("scheduled job", job.name, plugin)
            for name, path in plugin.get("payment_providers", {}).items():
                claim("payment provider", name, plugin)
                payments.PROVIDER_CLASSES[name] = path
            for kind, path in plugin.get("notification_channels", {}).items():
                claim("notification channel", kind, plugin)
                register_channel(kind, import_string(path)())
            for topic, path in plugin.get("outbox_handlers", {}).items():
                claim("outbox topic", topic, plugin)
                outbox_handler(topic)(import_string(path))
            for kind, spec in plugin.get("form_field_kinds", {}).items():
                claim("form field kind", kind, plugin)
                register_kind(
                    kind,
                    label=spec["label"],
                    builder=import_string(spec["builder"]),
                    required_message=spec.get("required_message"),
                )
            for path in plugin.get("deadline_sources", []):
                source = import_string(path)()
                claim("deadline source", source.name, plugin)
                deadline_sources.register(source)
            for name, path in plugin.get("snapshot_parts", {}).items():
                claim("snapshot part", name, plugin)
                register_snapshot_part(name)(import_string(path))
            for code, relative in plugin.get("print_templates", {}).items():
                claim("print template", code, plugin)
                plugin_templates.register(code, _package_dir(plugin) / relative, plugin=plugin.name)
            for key, spec in plugin.get("report_definitions", {}).items():
                claim("report definition", key, plugin)
                plugin_reports.register(key, spec, plugin=plugin.name, label=plugin.label)
        except (ImportError, KeyError, TypeError, ValueError, PluginError) as exc:
            raise ImproperlyConfigured(f"plugin {plugin.name}: {exc}") from exc
    return owners


#: How ``plugins list`` names one contribution of each hook.
_NOUNS = {
    "scheduled_jobs": "job",
    "payment_providers": "payment provider",
    "notification_channels": "channel",
    "outbox_handlers": "outbox topic",
    "form_field_kinds": "form field kind",
    "deadline_sources": "deadline source",
    "snapshot_parts": "snapshot part",
    "desk_menu": "desk menu",
    "urls": "pages",
    "patches": "patch",
    "fixtures": "fixture",
    "print_templates": "print template",
    "report_definitions": "report definition",
}


def contributions(plugins) -> dict[str, list[str]]:
    """What each plugin contributes, by hook, as names (``manage.py plugins list``; no imports)."""
    result: dict[str, list[str]] = {}
    for plugin in plugins:
        names: list[str] = []
        for hook, value in plugin.hooks.items():
            noun = _NOUNS.get(hook, hook)
            if hook == "scheduled_jobs":
                names += [f"{noun} {job.name} ({job.cron})" for job in value]
            elif hook == "urls":
                names.append(f"{noun} /plugins/{plugin.name}/")
            elif hook == "desk_menu":
                names += [f"{noun} {entry['title']}" for entry in value]
            elif hook == "deadline_sources":
                names += [f"{noun} {path.rsplit('.', 1)[-1]}" for path in value]
            else:
                names += [f"{noun} {key}" for key in value]
        result[plugin.name] = names
    return result
