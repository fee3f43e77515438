"""The due state of open dossiers and steps: the one place it is computed and persisted.

Rules (all in office time of the site calendar, so a weekend or a holiday never counts):

* A dossier is measured against the earlier of its ``due_at`` and the deadline of its open current
  step; after an apology (form 04) against the new date alone, which replaces every earlier
  deadline for the officer (QĐ 766 §2.1 keeps the original ``due_at`` for the indicators). A step
  is measured against its own ``due_at``.
* **paused** while the dossier waits for a supplement or is suspended (the clock is stopped,
  Nghị định 61/2018 Điều 19 and the pause rules of :mod:`motcua.core.deadlines`);
* **overdue** once that moment has passed; ``overdue_since`` is the deadline and
  ``overdue_office_hours`` the whole office hours elapsed since it (kept current by the sweep);
* **due soon** once at most the threshold of office hours remains: the procedure's
  :class:`~motcua.notifications.models.EscalationPolicy`, else the site's policy, else
  ``due_soon_hours`` of ``site_config.toml`` (16 h, two working days, by default). No legal text
  fixes this threshold: it is site data;
* **in time** otherwise; blank ("not tracked") for closed dossiers and steps and for online
  submissions still waiting for intake.

The lifecycle calls :func:`due_state_apply` inside every transition; as time passes the sweep
(:mod:`motcua.jobs.sweep`) moves rows forward with set-based UPDATEs over the stored moments
(:func:`due_states_advance`), so both write the same columns by the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, IntegerField, Q, Value
from django.db.models.functions import Coalesce, Floor, Greatest

from motcua.core.selectors import site_calendar
from motcua.dossiers.due_fields import DueState
from motcua.dossiers.models import Dossier, DossierStep, StepState
from motcua.dossiers.states import OPEN, PAUSED, Status

DEFAULT_DUE_SOON_HOURS = 16
_US = 1_000_000
FIELDS = (
    "due_state",
    "due_state_since",
    "watch_due_at",
    "due_soon_at",
    "due_position",
    "overdue_since",
    "overdue_office_hours",
)


def office_seconds(moment: datetime, calendar=None) -> int:
    """Return the office-time position of *moment* in seconds (only differences matter)."""
    return (calendar or site_calendar()).position(moment) // _US


def due_soon_threshold(procedure_id: int | None) -> timedelta:
    """Return the "due soon" threshold in office time for a procedure (policy → site → config)."""
    from motcua.notifications.models import EscalationPolicy

    hours = dict(
        EscalationPolicy.objects.filter(
            Q(procedure_id=procedure_id) | Q(procedure__isnull=True), due_soon_hours__isnull=False
        ).values_list("procedure_id", "due_soon_hours")
    )
    value = hours.get(procedure_id, hours.get(None))
    if value is None:
        value = int(settings.SITE.extra.get("due_soon_hours", DEFAULT_DUE_SOON_HOURS))
    return timedelta(hours=value)


@dataclass(frozen=True)
class DueFields:
    due_state: str
    watch_due_at: datetime | None
    due_soon_at: datetime | None
    due_position: int | None
    overdue_since: datetime | None
    overdue_office_hours: int

    def crossing(self, now: datetime) -> datetime:
        """The moment the row entered its state (the crossed deadline, or *now*)."""
        if self.due_state == DueState.OVERDUE and self.watch_due_at:
            return self.watch_due_at
        if self.due_state == DueState.DUE_SOON and self.due_soon_at:
            return min(self.due_soon_at, now)
        return now


def due_fields(
    *, watch: datetime | None, tracked: bool, paused: bool, threshold: timedelta, now: datetime
) -> DueFields:
    """Compute the due columns of one row (pure, apart from the cached site calendar)."""
    if not tracked:
        return DueFields(DueState.NONE, None, None, None, None, 0)
    calendar = site_calendar()
    position = office_seconds(watch, calendar) if watch else None
    soon = None
    if watch is not None:
        lead = threshold // timedelta(microseconds=1)
        soon = calendar.moment_at(max(calendar.position(watch) - lead, 1))
    if paused:
        return DueFields(DueState.PAUSED, watch, soon, position, None, 0)
    if watch is not None and watch < now:
        hours = max(office_seconds(now, calendar) - position, 0) // 3600
        return DueFields(DueState.OVERDUE, watch, soon, position, watch, hours)
    if soon is not None and soon <= now:
        return DueFields(DueState.DUE_SOON, watch, soon, position, None, 0)
    return DueFields(DueState.IN_TIME, watch, soon, position, None, 0)


def _assign(row, fields: DueFields, now: datetime) -> list[str]:
    changed = [name for name in FIELDS[2:] if getattr(row, name) != getattr(fields, name)]
    if row.due_state != fields.due_state:
        row.due_state_since = fields.crossing(now) if fields.due_state else None
        changed += ["due_state", "due_state_since"]
    for name in FIELDS[2:]:
        setattr(row, name, getattr(fields, name))
    row.due_state = fields.due_state
    return changed


def _dossier_watch(dossier: Dossier, step: DossierStep | None) -> datetime | None:
    if dossier.apology_due_at:  # the new date of form 04 replaces every earlier deadline
        return dossier.apology_due_at
    dues = [dossier.due_at]
    if step is not None:
        dues.append(step.due_at)
    dues = [d for d in dues if d is not None]
    return min(dues) if dues else None


def due_state_apply(*, dossier: Dossier, now: datetime) -> None:
    """Bring the due columns of *dossier* (saved) and its steps up to date after a change.

    Called by the lifecycle inside the transition's transaction, after the dossier row is saved.
    Escalation levels no longer crossed (the deadline moved back) are cleared.
    """
    tracked = dossier.status in OPEN and dossier.status != Status.SUBMITTED
    paused = dossier.status in PAUSED
    threshold = due_soon_threshold(dossier.procedure_id)
    step = dossier.current_step
    if step is not None and step.state != StepState.OPEN:
        step = None
    fields = due_fields(
        watch=_dossier_watch(dossier, step),
        tracked=tracked,
        paused=paused,
        threshold=threshold,
        now=now,
    )
    changed = _assign(dossier, fields, now)
    if changed:
        Dossier.objects.filter(pk=dossier.pk).update(**{n: getattr(dossier, n) for n in FIELDS})
    closed = DossierStep.objects.filter(dossier_id=dossier.pk).exclude(due_state=DueState.NONE)
    if step is not None:
        closed = closed.exclude(pk=step.pk)
        step_fields = due_fields(
            watch=step.due_at, tracked=tracked, paused=paused, threshold=threshold, now=now
        )
        if _assign(step, step_fields, now):
            DossierStep.objects.filter(pk=step.pk).update(**{n: getattr(step, n) for n in FIELDS})
    closed.update(
        due_state=DueState.NONE,
        due_state_since=None,
        watch_due_at=None,
        due_soon_at=None,
        due_position=None,
        overdue_since=None,
        overdue_office_hours=0,
    )
    from motcua.notifications.escalation import firings_clear_uncrossed

    firings_clear_uncrossed(dossier=dossier, now=now)


def overdue_hours_expression(position_now: int):
    """SQL for the whole office hours a row is overdue at the office position *position_now*."""
    return Greatest(
        Coalesce(
            Floor((Value(position_now) - F("due_position")) / Value(3600)),
            Value(0),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def due_states_advance(
    model, *, state: str, first_pk: int, last_pk: int, now: datetime, position_now: int
) -> int:
    """Move the rows in state *state* with pk in [first_pk, last_pk] to their state at *now*.

    Set-based: a few UPDATEs over the stored moments, each touching only rows whose state (or,
    for overdue rows, whole overdue hours) changes. Returns the number of rows written.
    """
    rows = model.objects.filter(due_state=state, pk__gte=first_pk, pk__lte=last_pk)
    hours = overdue_hours_expression(position_now)
    written = 0
    if state in (DueState.IN_TIME, DueState.DUE_SOON):
        written += rows.filter(watch_due_at__lt=now).update(
            due_state=DueState.OVERDUE,
            due_state_since=F("watch_due_at"),
            overdue_since=F("watch_due_at"),
            overdue_office_hours=hours,
        )
    if state == DueState.IN_TIME:
        written += rows.filter(due_soon_at__lte=now).update(
            due_state=DueState.DUE_SOON, due_state_since=F("due_soon_at")
        )
    if state == DueState.DUE_SOON:  # the deadline moved later outside a transition
        written += rows.filter(Q(due_soon_at__gt=now) | Q(due_soon_at__isnull=True)).update(
            due_state=DueState.IN_TIME, due_state_since=Value(now)
        )
    if state == DueState.OVERDUE:
        later = rows.filter(Q(watch_due_at__gte=now) | Q(watch_due_at__isnull=True))
        written += later.filter(due_soon_at__lte=now).update(
            due_state=DueState.DUE_SOON,
            due_state_since=Value(now),
            overdue_since=None,
            overdue_office_hours=0,
        )
        written += later.update(
            due_state=DueState.IN_TIME,
            due_state_since=Value(now),
            overdue_since=None,
            overdue_office_hours=0,
        )
        written += rows.exclude(overdue_office_hours=hours).update(overdue_office_hours=hours)
    return written


def due_states_refresh(*, dossier_ids, now: datetime | None = None) -> int:
    """Recompute the due columns of the given dossiers and their steps (after their deadlines
    were rewritten outside a transition, e.g. by the recompute that follows a calendar change).
    """
    from django.utils import timezone

    now = now or timezone.now()
    count = 0
    for dossier in Dossier.objects.filter(pk__in=dossier_ids).select_related("current_step"):
        due_state_apply(dossier=dossier, now=now)
        count += 1
    return count
