"""The sandboxed template engine that renders every form, shipped or edited in the desk.

Restrictions, each with its reason:

1. **Plain data only.** Templates see frozen dataclasses, strings, numbers, dates and tuples built
   by :mod:`motcua.printing.context` — never model instances, querysets, the request or settings —
   so an edited template cannot walk from a dossier to a password hash or call a method that
   changes data.
2. **Autoescape on, and no way to turn it off.** The engine's only built-in library is
   :data:`register` below: a whitelist of Django's tags and filters without ``{% autoescape %}``,
   ``|safe`` and ``|safeseq``. The applicant's text (name, address, notes) is always escaped, so
   ``<b>x</b><img src=x>`` prints literally instead of becoming HTML in the PDF.
3. **No libraries, no includes, no URLs.** ``{% load %}`` does not exist (``libraries={}``), nor
   ``{% include %}``, ``{% url %}``, ``{% debug %}``, ``{% csrf_token %}``, ``{% lorem %}``.
   ``{% extends %}`` is kept so a copy can extend ``base.html``; the only loader reads the shipped
   forms folder (``printing/templates/printing/forms/``), so it can reach nothing else.
4. **Debug on**, so every syntax or render error carries its line number (``template_debug``),
   which the desk shows and the log records.

WeasyPrint's side of the sandbox (no file or network access while rendering) is in
:mod:`motcua.printing.render`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from django.template import Engine, Library, Template, defaultfilters, defaulttags, loader_tags
from django.utils import timezone

from motcua.core.formats import money_vnd
from motcua.core.selectors import site_time_zone

FORMS_DIR = Path(__file__).resolve().parent / "templates" / "printing" / "forms"
LOCALE = "vi_VN"

#: Tags kept from Django's built-ins (defaulttags and loader_tags).
ALLOWED_TAGS = (
    "if",
    "for",
    "with",
    "cycle",
    "resetcycle",
    "firstof",
    "now",
    "spaceless",
    "comment",
    "filter",
    "ifchanged",
    "regroup",
    "templatetag",
    "widthratio",
    "verbatim",
    "block",
    "extends",
)
#: Filters kept from Django's built-ins; none of them can mark a value safe unescaped.
ALLOWED_FILTERS = (
    "add",
    "capfirst",
    "cut",
    "date",
    "default",
    "default_if_none",
    "dictsort",
    "dictsortreversed",
    "divisibleby",
    "escape",
    "first",
    "floatformat",
    "force_escape",
    "join",
    "last",
    "length",
    "linebreaks",
    "linebreaksbr",
    "lower",
    "make_list",
    "pluralize",
    "slice",
    "stringformat",
    "striptags",
    "time",
    "title",
    "truncatechars",
    "truncatewords",
    "upper",
    "urlencode",
    "wordcount",
    "yesno",
)

register = Library()
for _name in ALLOWED_TAGS:
    _library = loader_tags.register if _name in ("block", "extends") else defaulttags.register
    register.tags[_name] = _library.tags[_name]
for _name in ALLOWED_FILTERS:
    register.filters[_name] = defaultfilters.register.filters[_name]


# --------------------------------------------------------------------------- Vietnamese formats


def _local(value):
    if isinstance(value, datetime):
        return timezone.localtime(value, site_time_zone()) if timezone.is_aware(value) else value
    return value


@register.filter
def vn_date(value) -> str:
    """Return "03/03/2025" (dd/MM/yyyy, NĐ 30/2020 style) in the site's time zone, or ""."""
    if not isinstance(value, date):
        return ""
    return format_date(_local(value), "dd/MM/yyyy", locale=LOCALE)


@register.filter
def vn_time(value) -> str:
    """Return "09:05" in the site's time zone, or ""."""
    if not isinstance(value, datetime):
        return ""
    return format_time(_local(value), "HH:mm", locale=LOCALE)


@register.filter
def vn_datetime(value) -> str:
    """Return "09:05 03/03/2025" (compact, for tables), or ""."""
    if not isinstance(value, datetime):
        return vn_date(value)
    return f"{vn_time(value)} {vn_date(value)}"


@register.filter
def vn_moment(value) -> str:
    """Return "09 giờ 05 phút, ngày 03/03/2025" as written on form 01, or ""."""
    if not isinstance(value, datetime):
        return vn_date(value)
    clock = format_time(_local(value), "HH 'giờ' mm 'phút'", locale=LOCALE)
    return f"{clock}, ngày {vn_date(value)}"


@register.filter
def vn_long_date(value) -> str:
    """Return "ngày 03 tháng 3 năm 2025", or "ngày … tháng … năm …" when there is no date.

    NĐ 30/2020/NĐ-CP, Phụ lục I: days below 10 and the months 1 and 2 take a leading zero.
    """
    if not isinstance(value, date):
        return "ngày … tháng … năm …"
    day = _local(value)
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@register.filter
def vn_money(value) -> str:
    """Return "1.500.000 ₫" (Babel, vi_VN), or ""."""
    if value in (None, ""):
        return ""
    return money_vnd(value, locale=LOCALE)  # legal forms are Vietnamese whatever the UI language


@register.filter
def vn_number(value) -> str:
    """Return "1.500.000" with Vietnamese grouping, or ""."""
    if value in (None, ""):
        return ""
    return format_decimal(Decimal(str(value)), locale=LOCALE)


@register.filter
def two_digits(value) -> str:
    """Return "01" for 1 (quantities on forms: "Số lượng hồ sơ: 01 bộ")."""
    try:
        return f"{int(value):02d}"
    except (TypeError, ValueError):
        return ""


# --------------------------------------------------------------------------- the engine


class SandboxEngine(Engine):
    """An engine whose only built-ins are :data:`register` (see the module docstring)."""

    default_builtins = ["motcua.printing.sandbox"]


@functools.cache
def engine() -> SandboxEngine:
    return SandboxEngine(
        loaders=[
            (
                "django.template.loaders.cached.Loader",
                [("django.template.loaders.filesystem.Loader", [str(FORMS_DIR)])],
            )
        ],
        libraries={},
        autoescape=True,
        debug=True,
        string_if_invalid="",
    )


@functools.lru_cache(maxsize=64)
def compile_source(source: str) -> Template:
    """Compile an edited template (cached by its text); raises ``TemplateSyntaxError``."""
    return engine().from_string(source)


def default_template(template_name: str) -> Template:
    return engine().get_template(template_name)


def default_source(template_name: str) -> str:
    """Return the shipped source of a default form, the starting point of a desk copy."""
    return (FORMS_DIR / template_name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class TemplateProblem:
    """What went wrong in a template, for the desk and the log: message and line number."""

    message: str
    line: int | None
    during: str = ""
    excerpt: tuple[tuple[int, str], ...] = ()

    def __str__(self) -> str:
        where = f"dòng {self.line}: " if self.line else ""
        return f"{where}{self.message}"


def template_problem(exc: Exception) -> TemplateProblem:
    """Describe *exc* with the line Django's debug machinery attached to it (if any)."""
    info = getattr(exc, "template_debug", None) or {}
    excerpt = tuple(
        (number, text) for number, text in info.get("source_lines", ()) if isinstance(number, int)
    )
    message = str(info.get("message") or exc) or type(exc).__name__
    return TemplateProblem(
        message=message,
        line=info.get("line"),
        during=str(info.get("during", "")),
        excerpt=excerpt,
    )
