"""Report-builder definitions shipped by plugins (hook ``report_definitions``).

A plugin declares ``report_definitions = {key: {"name": str, "definition": {...}}}``; on a site
that enables it, each one appears in the builder's list of saved reports for everyone who may use
the builder, read-only, marked "(tiện ích: <plugin label>)", under the stable id
``plugin:<plugin>:<key>`` which the builder page and its exports accept beside a saved report's
database id. It then runs through the builder's own path (the builder form, then
:func:`motcua.reports.builder.validate` and :func:`~motcua.reports.builder.run`, which start from
``dossiers_visible(user)``), so the scoped selector applies to whoever runs it.

Nothing is stored in the database: the registry is filled at start-up from the enabled plugins,
so a disabled plugin's reports are simply gone. A definition is checked when registered — the
builder's validation, plus what the builder form can carry (no ``procedure``: a procedure is a
database id of one site, which a plugin cannot know; one aggregate, one sort, at most
``MAX_FILTERS`` filters) — and an invalid one stops start-up with one line naming the plugin and
the definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.reports import builder
from motcua.reports.forms import MAX_FILTERS

PREFIX = "plugin:"
KEY = re.compile(r"[a-z0-9_]+")


@dataclass(frozen=True)
class PluginReport:
    """One read-only report definition as an enabled plugin ships it."""

    plugin: str
    plugin_label: str
    key: str
    title: str
    definition: dict

    @property
    def pk(self) -> str:
        """The stable id the builder's ``?report=`` accepts (``plugin:<plugin>:<key>``)."""
        return f"{PREFIX}{self.plugin}:{self.key}"

    @property
    def name(self) -> str:
        """The title as listed, marked as coming from the plugin."""
        return _("%(name)s (tiện ích: %(plugin)s)") % {
            "name": self.title,
            "plugin": self.plugin_label,
        }


#: ``plugin:<plugin>:<key>`` -> the enabled plugin's definition (filled by :func:`register`).
PLUGIN_REPORTS: dict[str, PluginReport] = {}


class PluginReportError(ValueError):
    """A plugin's report definition that cannot be used; the message is one line."""


def _form_limits(definition: dict) -> list[str]:
    """What the builder form could not carry (it would be silently dropped on opening)."""
    problems = []
    if definition.get("procedure"):
        problems.append("'procedure' is a database id of one site; a plugin cannot ship it")
    if len(definition.get("aggregates") or []) > 1:
        problems.append("at most one aggregate")
    if len(definition.get("sort") or []) > 1:
        problems.append("at most one sort field")
    if len(definition.get("filters") or []) > MAX_FILTERS:
        problems.append(f"at most {MAX_FILTERS} filters")
    return problems


def register(key: str, spec, *, plugin: str, label: str) -> PluginReport:
    """Check and register *plugin*'s report *key*; raise :class:`PluginReportError` (one line)."""
    where = f"report definition {key!r}"
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise PluginReportError(f"{where}: the key must be a-z, 0-9, _")
    if not isinstance(spec, dict) or not spec.get("name") or "definition" not in spec:
        raise PluginReportError(f"{where}: needs {{'name': str, 'definition': dict}}")
    definition = spec["definition"]
    problems = _form_limits(definition) if isinstance(definition, dict) else []
    if not problems:
        try:
            builder.validate(definition)
        except builder.DefinitionError as exc:
            problems = exc.messages
    if problems:
        raise PluginReportError(f"{where}: " + " ".join("; ".join(problems).split()))
    report = PluginReport(plugin, label or plugin, key, str(spec["name"]), definition)
    PLUGIN_REPORTS[report.pk] = report
    return report


def plugin_report(report_id: str) -> PluginReport | None:
    """Return the enabled plugin's report of *report_id*, or None (unknown or disabled)."""
    return PLUGIN_REPORTS.get(report_id)


def plugin_reports() -> list[PluginReport]:
    """Every enabled plugin's report, in a stable order (listed after the saved reports)."""
    return sorted(PLUGIN_REPORTS.values(), key=lambda r: (r.plugin, r.title))
