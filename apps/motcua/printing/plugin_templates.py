"""Print templates shipped by plugins (hook ``print_templates``): a layer between the site-wide
desk copy and the shipped default.

Resolution of a legal form's layout (:func:`motcua.printing.render.render_html`): the issuing
unit's desk copy, its nearest ancestor's, the site-wide desk copy (``PrintTemplate``), then the
template of an enabled plugin registered here, then the default shipped in
``printing/templates/printing/forms/``. A plugin's template is compiled by the same sandbox as a
desk copy (:mod:`motcua.printing.sandbox`: no ``{% load %}``, ``{% include %}``, ``|safe``) when
it is registered, so a broken one stops start-up instead of failing at the counter; at print time
it still falls back to the shipped default on any error, like a desk copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from motcua.printing import sandbox
from motcua.printing.registry import FORMS


@dataclass(frozen=True)
class PluginTemplate:
    """One form's layout as a plugin ships it."""

    code: str
    plugin: str
    path: Path
    source: str


#: Form code -> the enabled plugin's template (filled by :func:`register`; one per form).
PLUGIN_TEMPLATES: dict[str, PluginTemplate] = {}


class PluginTemplateError(ValueError):
    """A plugin's template that cannot be used; the message is one line."""


def register(code: str, path: Path, *, plugin: str) -> PluginTemplate:
    """Check and register *plugin*'s template file *path* for form *code*.

    Raises :class:`PluginTemplateError` (one line, naming the form, file and line) when the form
    code is not one of the legal forms, the file cannot be read, or the sandbox refuses it.
    """
    if code not in FORMS:
        raise PluginTemplateError(
            f"print template {code!r}: no such form (forms: {', '.join(sorted(FORMS))})"
        )
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PluginTemplateError(f"print template {code} ({path}): {exc.strerror}") from None
    try:
        sandbox.compile_source(source)
    except Exception as exc:  # noqa: BLE001 - any refusal of the sandbox is reported in one line
        problem = " ".join(str(sandbox.template_problem(exc)).split())
        raise PluginTemplateError(f"print template {code} ({path.name}): {problem}") from None
    template = PluginTemplate(code=code, plugin=plugin, path=path, source=source)
    PLUGIN_TEMPLATES[code] = template
    return template


def plugin_template_for(code: str) -> PluginTemplate | None:
    """Return the enabled plugin's template of form *code*, or None (the shipped default)."""
    return PLUGIN_TEMPLATES.get(code)
