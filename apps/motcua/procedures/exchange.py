"""A procedure's workflow and online form as spreadsheet cells (export, and import back).

The catalogue export (:class:`~motcua.procedures.resources.ProcedureResource`) carries, besides
the documents and fees, two JSON columns: "Quy trình xử lý" (the steps, as frozen in a version's
``workflow`` part: units by agency code, levels by code, roles by code) and "Tờ khai trực tuyến"
(the portal form's fields, by :mod:`motcua.portal.exchange`). An exported file imports back
unchanged; an edited one is checked like the desk's editor checks it (each step's own rules and
what the engine would refuse, ``workflow_rules``) before anything is saved.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from motcua.procedures.workflow import WorkflowStep, workflow_part
from motcua.procedures.workflow_rules import StepDraft, workflow_errors
from motcua.units.models import Unit, UnitLevel


def cell_data(value) -> list:
    """The JSON of a cell as data (``[]`` when empty or unreadable), to compare rows."""
    try:
        data = json.loads(str(value)) if value not in (None, "") else []
    except ValueError:
        return [None]
    return data if isinstance(data, list) else [None]


def workflow_text(procedure) -> str:
    """The steps as one JSON cell (empty when the procedure has none)."""
    steps = workflow_part(procedure)
    return json.dumps(steps, ensure_ascii=False) if steps else ""


def json_list(value, what) -> list[dict]:
    if value is None or str(value).strip() == "":
        return []
    try:
        data = json.loads(str(value))
    except ValueError as exc:
        raise ValueError(
            _("Cột %(what)s không đọc được (JSON sai ở vị trí %(pos)s).")
            % {"what": what, "pos": getattr(exc, "pos", "?")}
        ) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValueError(_("Cột %(what)s phải là một danh sách.") % {"what": what})
    return data


def parse_workflow(value) -> list[WorkflowStep]:
    """Return unsaved steps (with ``_roles`` and ``_consult_units`` to set after saving), or raise
    ValueError with every problem in Vietnamese."""
    what = _("“Quy trình xử lý”")
    steps, problems = [], []
    for index, item in enumerate(json_list(value, what), start=1):
        where = _("Bước %(n)s") % {"n": index}
        condition = item.get("condition") or {}
        try:
            amount = Decimal(str(item.get("amount", "1")))
        except InvalidOperation:
            problems.append(_("%(where)s: thời gian xử lý không phải là số.") % {"where": where})
            continue
        step = WorkflowStep(
            order=item.get("order", index),
            name=str(item.get("name", "")),
            unit_mode=item.get("unit_mode", "receiving"),
            duration_amount=amount,
            duration_unit=item.get("time_unit", "working_days"),
            actions=list(item.get("actions") or []),
            condition_field=condition.get("field", ""),
            condition_op=condition.get("op", ""),
            condition_value=str(condition.get("value", "")),
            assignment=item.get("assignment", "manual"),
            required_answers=item.get("required_answers", 0),
        )
        if item.get("unit"):
            step.unit = Unit.objects.filter(agency_code=item["unit"]).first()
            if step.unit is None:
                problems.append(
                    _("%(where)s: không có đơn vị mã “%(code)s”.")
                    % {"where": where, "code": item["unit"]}
                )
        if item.get("level"):
            step.level = UnitLevel.objects.filter(code=item["level"]).first()
            if step.level is None:
                problems.append(
                    _("%(where)s: không có cấp đơn vị mã “%(code)s”.")
                    % {"where": where, "code": item["level"]}
                )
        step._roles = list(Group.objects.filter(name__in=item.get("roles") or []))
        if len(step._roles) != len(set(item.get("roles") or [])):
            problems.append(_("%(where)s: có vai trò không tồn tại.") % {"where": where})
        codes = item.get("consult_units") or []
        step._consult_units = list(Unit.objects.filter(agency_code__in=codes))
        if len(step._consult_units) != len(set(codes)):
            problems.append(
                _("%(where)s: có đơn vị được xin ý kiến không tồn tại.") % {"where": where}
            )
        try:
            step.full_clean(exclude=["procedure"])
        except ValidationError as exc:
            problems += [f"{where}: {m}" for m in exc.messages]
        steps.append(step)
    problems += workflow_errors([StepDraft(s.order, s.name, frozenset(s.actions)) for s in steps])
    if problems:
        raise ValueError(" ".join(str(p) for p in problems))
    return steps


def workflow_replace(procedure, steps: list[WorkflowStep]) -> None:
    """Replace the procedure's steps by *steps* (from :func:`parse_workflow`)."""
    procedure.steps.all().delete()
    for step in steps:
        step.procedure = procedure
        step.save()
        step.roles.set(step._roles)
        step.consult_units.set(step._consult_units)
