"""Workflow steps of a dossier: opening one (unit, assignee, due moment), closing it.

The steps come from the procedure version's snapshot (``dossiers/workflow.py``); who may be
assigned is ``dossiers/assignment.py``; the assignment rule of the step (``Assignment``: manual,
round robin, least loaded) picks the officer when the one forwarding chooses nobody.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, F, Max, Q
from django.utils.translation import gettext as _

from motcua.dossiers.assignment import officer_assignable, step_assignable_officers
from motcua.dossiers.deadline_inputs import step_deadline_inputs
from motcua.dossiers.models import Consultation, Dossier, DossierStep, StepState
from motcua.dossiers.services.deadlines import _due
from motcua.dossiers.services.engine import DossierError
from motcua.dossiers.visits import visits_record
from motcua.dossiers.workflow import StepSpec, step_unit, workflow_steps
from motcua.procedures.workflow import Assignment
from motcua.units.history import unit_for_code
from motcua.units.models import Unit


def _auto_assignee(spec: StepSpec, unit: Unit):
    """Pick an officer by the step's rule: round robin or least loaded; manual picks nobody."""
    officers = step_assignable_officers(unit=unit, roles=spec.roles).order_by("pk")
    if spec.assignment == Assignment.LEAST_LOADED:
        # Open steps per eligible officer, counted on the (assignee, state) index: only open
        # steps are read, never an officer's whole history.
        ids = list(officers.values_list("pk", flat=True))
        load = dict(
            DossierStep.objects.filter(assignee__in=ids, state=StepState.OPEN)
            .values_list("assignee")
            .annotate(n=Count("pk"))
        )
        return (
            officers.filter(pk=min(ids, key=lambda pk: (load.get(pk, 0), pk))).first()
            if ids
            else None
        )
    if spec.assignment == Assignment.ROUND_ROBIN:
        # The officer assigned longest ago (never assigned first) at this unit and step name.
        return (
            officers.annotate(
                last=Max(
                    "dossier_steps__started_at",
                    filter=Q(dossier_steps__unit=unit, dossier_steps__name=spec.name),
                )
            )
            .order_by(F("last").asc(nulls_first=True), "pk")
            .first()
        )
    return None


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
    return step


def _steps(dossier: Dossier) -> list[StepSpec]:
    return workflow_steps(dossier.procedure_version.snapshot)
