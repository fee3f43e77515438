"""Workflow steps of a dossier: opening one (unit, assignee, due moment), closing it.

The steps come from the procedure version's snapshot (``dossiers/workflow.py``); who may be
assigned is ``dossiers/assignment.py``; the assignment rule of the step (``Assignment``: manual,
round robin, least loaded) picks the officer when the one forwarding chooses nobody.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from motcua.dossiers.assignment import (
    assignment_pick,
    officer_assignable,
    step_assigned,
    step_released,
)
from motcua.dossiers.deadline_inputs import step_deadline_inputs
from motcua.dossiers.models import Consultation, Dossier, DossierStep, StepState
from motcua.dossiers.services.deadlines import _due
from motcua.dossiers.services.engine import DossierError
from motcua.dossiers.visits import visits_record
from motcua.dossiers.workflow import StepSpec, step_unit, workflow_steps
from motcua.units.history import unit_for_code
from motcua.units.models import Unit


def _auto_assignee(spec: StepSpec, unit: Unit):
    """Pick an officer by the step's rule: round robin or least loaded; manual picks nobody."""
    return assignment_pick(rule=spec.assignment, unit=unit, name=spec.name, roles=spec.roles)


def _start_step(dossier: Dossier, spec: StepSpec, moment: datetime, assignee=None) -> DossierStep:
    unit = step_unit(spec, dossier.current_unit)
    if assignee is not None and not officer_assignable(user=assignee, unit=unit, roles=spec.roles):
        raise DossierError(
            _("%(name)s không có vai trò xử lý bước “%(step)s” tại %(unit)s.")
            % {"name": assignee, "step": spec.name, "unit": unit}
        )
    step = DossierStep.objects.create(
        dossier=dossier,
        index=spec.index,
        name=spec.name,
        unit=unit,
        roles=list(spec.roles),
        actions=list(spec.actions),
        assignee=assignee or _auto_assignee(spec, unit),
        started_at=moment,
        duration_amount=spec.amount,
        duration_unit=spec.time_unit,
        due_at=_due(
            step_deadline_inputs(started_at=moment, amount=spec.amount, unit=spec.time_unit)
        ),
        required_answers=spec.required_answers,
    )
    step_assigned(step)
    visited = [step.unit_id]
    for code in spec.consult_units:
        unit = unit_for_code(code)  # a code of the version's day: follows reorganisations
        if unit is None:
            raise Unit.DoesNotExist(code)
        Consultation.objects.create(step=step, unit=unit)
        visited.append(unit.pk)
    visits_record(dossier, visited)
    dossier.current_step = step
    return step


def _close_step(dossier: Dossier, moment: datetime, state: StepState = StepState.DONE):
    step = dossier.current_step
    if step is not None and step.state == StepState.OPEN:
        step.state, step.finished_at = state, moment
        step.save(update_fields=["state", "finished_at"])
        step_released(step)
    return step


def _steps(dossier: Dossier) -> list[StepSpec]:
    return workflow_steps(dossier.procedure_version.snapshot)
