"""The workflow diagram ("Sơ đồ quy trình") shown in the desk, drawn from snapshot-format steps.

One renderer serves the live procedure page (``workflow_part(procedure)``) and the frozen version
page (``version.snapshot["workflow"]``), so an administrator sees exactly what a dossier will follow.
The steps are drawn as ordered cards in one column, each headed by its handling unit (its lane),
joined by arrows: it reads top to bottom on a phone as well as on a desktop. Every value is escaped
(``format_html``); only this module's own markup is trusted.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from motcua.core.roles import Role
from motcua.core.timeunits import duration_text
from motcua.procedures.workflow import (
    Assignment,
    ConditionOp,
    StepAction,
    UnitMode,
    office_hours_of,
    workflow_duration_error,
)

_BOX = (
    "border:1px solid rgba(128,128,128,.35);border-radius:.5rem;padding:.75rem;"
    "display:flex;gap:.75rem;align-items:flex-start;max-width:100%;box-sizing:border-box"
)
_BADGE = (
    "flex:0 0 2rem;height:2rem;border-radius:9999px;background:rgba(99,102,241,.18);"
    "display:flex;align-items:center;justify-content:center;font-weight:600"
)
_LANE = (
    "display:inline-block;font-size:.75rem;padding:.1rem .5rem;border-radius:.25rem;"
    "background:rgba(128,128,128,.15);margin-bottom:.25rem;overflow-wrap:anywhere"
)
_ROW = "display:flex;flex-wrap:wrap;gap:0 .5rem;margin:.15rem 0"
_TERM = "opacity:.7;min-width:7rem"
_ARROW = "text-align:center;font-size:1.25rem;line-height:1.5rem;opacity:.6;max-width:40rem"


def _amount_text(amount) -> str:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    return f"{value.normalize():f}"


def _duration_text(amount, unit: str) -> str:
    return duration_text(amount, unit)


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _names(steps: list[dict]) -> tuple[dict[str, str], dict[str, str]]:
    """Return {agency code: unit name} and {level code: level name} for the steps, in 2 queries."""
    from motcua.units.models import Unit, UnitLevel

    codes = {s.get("unit") for s in steps} | {c for s in steps for c in s.get("consult_units", [])}
    codes.discard("")
    codes.discard(None)
    levels = {s.get("level") for s in steps} - {"", None}
    units = dict(Unit.objects.filter(agency_code__in=codes).values_list("agency_code", "name"))
    level_names = dict(UnitLevel.objects.filter(code__in=levels).values_list("code", "name"))
    return units, level_names


def _lane(step: dict, units: dict[str, str], levels: dict[str, str]) -> str:
    mode = step.get("unit_mode") or UnitMode.RECEIVING
    if mode == UnitMode.FIXED:
        code = step.get("unit") or ""
        return units.get(code, code) or _("(chưa chọn đơn vị)")
    if mode == UnitMode.LEVEL:
        code = step.get("level") or ""
        return _("Đơn vị cấp “%(level)s” gần nhất") % {"level": levels.get(code, code)}
    return _label(UnitMode, mode)


def _row(term: str, value) -> SafeString:
    return format_html(
        '<div style="{}"><dt style="{}">{}</dt><dd style="margin:0;min-width:0;'
        'overflow-wrap:anywhere">{}</dd></div>',
        _ROW,
        _TERM,
        term,
        value,
    )


def _step_card(number: int, step: dict, units, levels) -> SafeString:
    roles = ", ".join(_label(Role, r) for r in step.get("roles") or []) or "—"
    actions = ", ".join(_label(StepAction, a) for a in _ordered_actions(step)) or "—"
    rows = [
        _row(_("Vai trò"), roles),
        _row(_("Thời gian"), _duration_text(step.get("amount", "0"), step.get("time_unit", ""))),
        _row(_("Thao tác"), actions),
    ]
    assignment = step.get("assignment") or Assignment.MANUAL
    rows.append(_row(_("Phân công"), _label(Assignment, assignment)))
    condition = step.get("condition")
    if condition:
        rows.append(
            _row(
                _("Điều kiện"),
                format_html(
                    "{} <code>{}</code> {} <code>{}</code> {}",
                    _("chỉ khi"),
                    condition.get("field", ""),
                    _label(ConditionOp, condition.get("op", "")),
                    condition.get("value", ""),
                    _("(không thỏa thì bỏ qua bước này)"),
                ),
            )
        )
    consulted = step.get("consult_units") or []
    if consulted:
        needed = step.get("required_answers") or len(consulted)
        rows.append(
            _row(
                _("Xin ý kiến song song"),
                format_html(
                    "{} — {}",
                    _("cần %(n)s/%(m)s đơn vị trả lời") % {"n": needed, "m": len(consulted)},
                    ", ".join(units.get(code, code) for code in consulted),
                ),
            )
        )
    return format_html(
        '<li style="{}" data-step="{}"><span style="{}">{}</span>'
        '<div style="flex:1 1 auto;min-width:0">'
        '<span style="{}">{}</span>'
        '<div style="font-weight:600;overflow-wrap:anywhere">{}</div>'
        '<dl style="margin:.25rem 0 0;font-size:.875rem">{}</dl></div></li>',
        _BOX,
        number,
        _BADGE,
        number,
        _LANE,
        _lane(step, units, levels),
        step.get("name", ""),
        # Safe: every row was built by format_html above.
        mark_safe("".join(rows)),
    )


def _ordered_actions(step: dict) -> list[str]:
    given = list(step.get("actions") or [])
    known = [a for a in StepAction.values if a in given]
    return known + [a for a in given if a not in known]


def _summary(steps: list[dict], processing: tuple | None) -> SafeString:
    if processing is None:
        return mark_safe("")
    amount, unit = processing
    durations = [
        (Decimal(str(s.get("amount", "0"))), s.get("time_unit", ""), bool(s.get("condition")))
        for s in steps
    ]
    plain = sum((office_hours_of(a, u) for a, u, c in durations if not c), Decimal(0))
    branches = [office_hours_of(a, u) for a, u, c in durations if c]
    total = plain + (max(branches) if branches else Decimal(0))
    text = _("Tổng thời gian các bước: %(total)s giờ làm việc; thời hạn giải quyết: %(limit)s.") % {
        "total": _amount_text(total),
        "limit": _duration_text(amount, unit),
    }
    error = workflow_duration_error(
        SimpleNamespace(processing_amount=Decimal(str(amount)), processing_unit=unit), durations
    )
    if error:
        return format_html(
            '<p style="margin:.5rem 0 0">{}</p>'
            '<p role="alert" style="margin:.25rem 0 0;color:#dc2626;font-weight:600">{}</p>',
            text,
            error,
        )
    return format_html('<p style="margin:.5rem 0 0">{}</p>', text)


def workflow_diagram_html(steps: list[dict], *, processing: tuple | None = None) -> SafeString:
    """Return the HTML diagram of *steps* (snapshot format), in order, with arrows between.

    *processing* is ``(amount, time unit)`` of the procedure: when given, the total of the steps is
    compared with it (the same rule as the desk's validation).
    """
    if not steps:
        return format_html(
            '<p style="max-width:40rem">{}</p>',
            _(
                "Chưa cấu hình bước nào: hồ sơ sẽ đi qua một bước mặc định tại đơn vị tiếp nhận, "
                "trong toàn bộ thời hạn giải quyết."
            ),
        )
    units, levels = _names(steps)
    ordered = sorted(enumerate(steps), key=lambda pair: (pair[1].get("order", 0), pair[0]))
    arrow = format_html('<li aria-hidden="true" style="{}">↓</li>', _ARROW)
    cards = [_step_card(n, step, units, levels) for n, (_i, step) in enumerate(ordered, start=1)]
    return format_html(
        '<div class="motcua-workflow" style="max-width:40rem;width:100%">'
        '<ol style="list-style:none;margin:0;padding:0">{}</ol>{}</div>',
        mark_safe(arrow.join(cards)),  # cards and arrow come from format_html
        _summary(steps, processing),
    )
