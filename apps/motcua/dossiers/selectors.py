"""Reads of dossiers. Every read for a person goes through :func:`dossiers_visible` (docs/architecture.md, Scope).

Scope (docs/architecture.md, Scope): a staff member sees dossiers whose receiving or current unit is in their unit
scope (their unit, or the subtree for leaders and supervisors), plus those that passed through a
step at a unit in their scope or were consulted with one; a citizen sees only their own (a citizen
role membership gives no unit scope); superusers see all; anyone else, none. Only active
memberships count: an officer who left a unit no longer sees the dossiers they handled there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.core.deadlines import remaining_office_time
from motcua.core.roles import STAFF_ROLES, Role
from motcua.core.selectors import site_calendar
from motcua.core.text import fold
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import OPEN, Status
from motcua.units.selectors import units_in_scope


def dossiers_visible(*, user) -> QuerySet[Dossier]:
    """Return the dossiers *user* may see; the base of every list, page, search and export."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Dossier.objects.none()
    if user.is_superuser:
        return Dossier.objects.all()
    scope = units_in_scope(user=user, roles=STAFF_ROLES).values("pk")
    # A step's assignee always holds a role in the step's unit, so ``steps__unit`` covers
    # "assigned to them" (a fixed-unit step elsewhere) while their membership lasts.
    condition = (
        Q(applicant_user=user)
        | Q(unit__in=scope)
        | Q(current_unit__in=scope)
        | Q(steps__unit__in=scope)
        | Q(steps__consultations__unit__in=scope)
    )
    ids = Dossier.objects.filter(condition).values("pk")
    return Dossier.objects.filter(pk__in=ids)


def dossier_get(*, user, pk: int) -> Dossier:
    """Return one dossier visible to *user*, or raise ``Dossier.DoesNotExist``."""
    return (
        dossiers_visible(user=user)
        .select_related(
            "unit",
            "current_unit",
            "procedure",
            "procedure_version",
            "current_step",
            "current_step__assignee",
            "current_step__unit",
        )
        .get(pk=pk)
    )


def dossier_search(*, user, query: str) -> QuerySet[Dossier]:
    """Search by code, applicant name, ID number, tax code or phone, within the user's scope."""
    folded = fold(query)
    visible = dossiers_visible(user=user)
    if not folded:
        return visible.none()
    terms = folded.split()
    for term in terms:
        visible = visible.filter(search_text__contains=term)
    return visible


@dataclass
class WorklistGroups:
    overdue: list = field(default_factory=list)
    due_today: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    in_time: list = field(default_factory=list)
    paused: list = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            name: len(getattr(self, name))
            for name in ("overdue", "due_today", "due_soon", "in_time", "paused")
        }


def _urgency(due: datetime | None, now: datetime, calendar) -> str:
    if due is None:
        return "in_time"
    if due < now:
        return "overdue"
    if timezone.localdate(due) == timezone.localdate(now):
        return "due_today"
    # "Due within 2 working days": at most two working days' office time remains.
    if remaining_office_time(calendar, now=now, due=due) <= 2 * calendar.day_office_time:
        return "due_soon"
    return "in_time"


def _actionable(*, user, rows: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Keep the dossiers waiting for *user*: leaders and supervisors keep their whole scope.

    An officer's own work is: steps assigned to them or to someone who delegated to them today,
    open unassigned steps at a unit where they work, open consultations with their unit, and for
    reception officers the results waiting to be returned at their counter.
    """
    if not getattr(user, "is_authenticated", False):
        return rows.none()
    if (
        user.is_superuser
        or units_in_scope(user=user, roles=[Role.UNIT_LEADER, Role.SUPERVISOR]).exists()
    ):
        return rows
    from motcua.dossiers.permissions import delegators_of

    my_units = units_in_scope(user=user, roles=STAFF_ROLES).values("pk")
    counters = units_in_scope(user=user, roles=[Role.RECEPTION_OFFICER]).values("pk")
    mine = rows.filter(
        Q(current_step__assignee=user)
        | Q(current_step__assignee__in=delegators_of(user))
        | Q(current_step__assignee__isnull=True, current_step__unit__in=my_units)
        | Q(
            current_step__consultations__unit__in=my_units,
            current_step__consultations__answered_at=None,
        )
        | Q(status=Status.RESULT_READY, current_unit__in=counters)
    ).values("pk")
    return rows.filter(pk__in=mine)


def worklist(*, user, unit=None, officer=None, now: datetime | None = None) -> WorklistGroups:
    """Group the open dossiers *user* must act on by urgency of the earlier of step and dossier due.

    Officers get their own work (see :func:`_actionable`); leaders and supervisors (subtree scope)
    get their units' dossiers, optionally filtered by unit or officer. Online submissions waiting
    for intake are on the intake queue, not here. After an apology (form 04) the new date counts
    for the officer; the KPIs keep the original due_at.
    """
    now = now or timezone.now()
    calendar = site_calendar()
    rows = (
        dossiers_visible(user=user)
        .filter(status__in=list(OPEN - {Status.SUBMITTED}))
        .select_related("procedure", "current_unit", "current_step", "current_step__assignee")
        .order_by("due_at")
    )
    rows = _actionable(user=user, rows=rows)
    if unit is not None:
        rows = rows.filter(current_unit=unit)
    if officer is not None:
        rows = rows.filter(current_step__assignee=officer)
    groups = WorklistGroups()
    for dossier in rows[:2000]:
        if dossier.status in (Status.SUPPLEMENT_REQUESTED, Status.SUSPENDED):
            groups.paused.append(dossier)
            continue
        step = dossier.current_step
        step_due = step.due_at if step is not None and step.state == "open" else None
        dues = [d for d in (dossier.apology_due_at or dossier.due_at, step_due) if d]
        getattr(groups, _urgency(min(dues) if dues else None, now, calendar)).append(dossier)
    return groups
