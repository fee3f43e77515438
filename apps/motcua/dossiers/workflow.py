"""Reading a dossier's workflow from its procedure version's snapshot, and routing through it.

The snapshot (``ProcedureVersion.snapshot["workflow"]``) is a list of step dicts written by
``motcua.procedures`` (see ``procedures/workflow.py``). A procedure without configured steps gets
one default step at the receiving unit for the whole processing time, so nothing is ever stuck; the
desk warns administrators about such procedures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from motcua.core import conditions, lifecycle
from motcua.core.roles import Role
from motcua.core.timeunits import TimeUnit
from motcua.dossiers.states import Action
from motcua.procedures.workflow import Assignment, UnitMode
from motcua.units.history import unit_for_code
from motcua.units.models import Unit

#: Actions a workflow step may offer: the others are reception, citizen or administrator actions.
STEP_ACTIONS = lifecycle.STEP_ACTIONS


class WorkflowError(Exception):
    """The configured workflow cannot route this dossier; the message is for the officer."""


@dataclass(frozen=True)
class StepSpec:
    index: int
    name: str
    unit_mode: str  # receiving | parent | fixed | level
    unit: str  # agency code when fixed
    level: str  # unit level code when unit_mode == "level"
    roles: tuple[str, ...]
    amount: Decimal
    time_unit: str
    actions: tuple[str, ...]
    condition: dict | None
    assignment: str  # manual | round_robin | least_loaded
    consult_units: tuple[str, ...]
    required_answers: int

    @classmethod
    def from_snapshot(cls, index: int, data: dict) -> StepSpec:
        return cls(
            index=index,
            name=data["name"],
            unit_mode=data.get("unit_mode", UnitMode.RECEIVING),
            unit=data.get("unit") or "",
            level=data.get("level") or "",
            roles=tuple(data.get("roles") or ()),
            amount=Decimal(str(data.get("amount", "0"))),
            time_unit=data.get("time_unit", TimeUnit.WORKING_DAYS),
            actions=tuple(data.get("actions") or ()),
            condition=data.get("condition") or None,
            assignment=data.get("assignment", Assignment.MANUAL),
            consult_units=tuple(data.get("consult_units") or ()),
            required_answers=int(data.get("required_answers") or 0),
        )


def workflow_steps(snapshot: dict) -> list[StepSpec]:
    """Return the steps of a procedure-version snapshot, or the single default step."""
    steps = snapshot.get("workflow") or []
    if steps:
        return [StepSpec.from_snapshot(i, s) for i, s in enumerate(steps)]
    return [
        StepSpec(
            index=0,
            name=_("Xử lý hồ sơ"),
            unit_mode=UnitMode.RECEIVING,
            unit="",
            level="",
            roles=(Role.SPECIALIST, Role.UNIT_LEADER, Role.RECEPTION_OFFICER),
            amount=Decimal(str(snapshot["procedure"]["processing_amount"])),
            time_unit=snapshot["procedure"]["processing_unit"],
            actions=tuple(a.value for a in STEP_ACTIONS if a != Action.FORWARD),
            condition=None,
            assignment=Assignment.MANUAL,
            consult_units=(),
            required_answers=0,
        )
    ]


def condition_matches(condition: dict | None, form_data: dict) -> bool:
    """Whether a step's routing condition ``{field, op, value}`` holds for the form data.

    The rules (missing data, checkboxes, numbers with a decimal comma, accent folding) are those of
    :mod:`motcua.core.conditions`, shared with the portal's show-if.
    """
    return conditions.condition_holds(condition, form_data)


def next_step_index(steps: list[StepSpec], current: int, form_data: dict) -> int | None:
    """Return the index of the next step whose condition holds, or None after the last one."""
    for spec in steps[current + 1 :]:
        if condition_matches(spec.condition, form_data):
            return spec.index
    return None


def first_step_index(steps: list[StepSpec], form_data: dict) -> int:
    for spec in steps:
        if condition_matches(spec.condition, form_data):
            return spec.index
    raise WorkflowError(_("Không có bước nào của quy trình phù hợp với dữ liệu hồ sơ."))


def step_unit(spec: StepSpec, base: Unit) -> Unit:
    """Return the handling unit of a step, relative to *base* (the dossier's current unit)."""
    if spec.unit_mode == UnitMode.FIXED:
        unit = unit_for_code(spec.unit)  # a code of the version's day: follows reorganisations
        if unit is None:
            raise WorkflowError(
                _("Không tìm thấy đơn vị %(code)s của bước “%(step)s”.")
                % {"code": spec.unit, "step": spec.name}
            )
        return unit
    if spec.unit_mode == UnitMode.PARENT:
        if base.parent_id is None:
            raise WorkflowError(_("Đơn vị %(unit)s không có đơn vị cấp trên.") % {"unit": base})
        return base.parent
    if spec.unit_mode == UnitMode.LEVEL:
        unit = base
        while unit is not None:
            if unit.level.code == spec.level:
                return unit
            unit = unit.parent
        raise WorkflowError(
            _("Không tìm thấy đơn vị cấp “%(level)s” phía trên %(unit)s.")
            % {"level": spec.level, "unit": base}
        )
    return base
