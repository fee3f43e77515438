"""Reads of dossiers. Every read for a person goes through :func:`dossiers_visible` (DESIGN rule 4).

Scope (DESIGN §5): a staff member sees dossiers whose receiving or current unit is in their unit
scope (their unit, or the subtree for leaders and supervisors), plus those that passed through a
step at a unit in their scope or were consulted with one; a citizen sees only their own (a citizen
role membership gives no unit scope); superusers see all; anyone else, none. Only active
memberships count: an officer who left a unit no longer sees the dossiers they handled there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone

from motcua.core.roles import STAFF_ROLES, Role
from motcua.core.text import fold
from motcua.dossiers.due_fields import DueState
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


GROUPS = ("overdue", "due_today", "due_soon", "in_time", "paused")
#: Rows listed per group on the worklist page (counts are exact whatever the size).
WORKLIST_ROWS = 500


class GroupRows(list):
    """The first rows of a worklist group, with ``total``: how many the group has in all."""

    total = 0


@dataclass
class WorklistGroups:
    overdue: list = field(default_factory=list)
    due_today: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    in_time: list = field(default_factory=list)
    paused: list = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            name: getattr(rows, "total", len(rows))
            for name in GROUPS
            if (rows := getattr(self, name)) is not None
        }


def urgency_expression(now: datetime):
    """SQL for a dossier's worklist group, read from its persisted due columns at *now*.

    The columns hold the moments the state changes (``watch_due_at``: the earlier of the dossier's
    and the open step's deadline; ``due_soon_at``), so the group is exact between two sweeps.
    """
    local = timezone.localtime(now)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    day_end = day_start + timedelta(days=1)
    return Case(
        When(due_state=DueState.PAUSED, then=Value("paused")),
        When(watch_due_at__lt=now, then=Value("overdue")),
        When(watch_due_at__gte=day_start, watch_due_at__lt=day_end, then=Value("due_today")),
        When(due_soon_at__lte=now, then=Value("due_soon")),
        default=Value("in_time"),
        output_field=CharField(),
    )


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
    rows = dossiers_visible(user=user).filter(status__in=list(OPEN - {Status.SUBMITTED}))
    rows = _actionable(user=user, rows=rows)
    if unit is not None:
        rows = rows.filter(current_unit=unit)
    if officer is not None:
        rows = rows.filter(current_step__assignee=officer)
    rows = rows.annotate(urgency=urgency_expression(now))
    totals = dict(
        rows.order_by().values_list("urgency").annotate(n=Count("pk")).values_list("urgency", "n")
    )
    listed = rows.select_related(
        "procedure", "current_unit", "current_step", "current_step__assignee"
    ).order_by("watch_due_at", "pk")
    groups = WorklistGroups()
    for name in GROUPS:
        group = GroupRows(listed.filter(urgency=name)[:WORKLIST_ROWS])
        group.total = totals.get(name, 0)
        setattr(groups, name, group)
    return groups
