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

from motcua.core.rows_update import rows_update
from motcua.core.selectors import site_calendar
from motcua.dossiers.due_fields import DueState
from motcua.dossiers.models import Dossier, DossierStep, StepState
from motcua.dossiers.states import OPEN, PAUSED, Status

DEFAULT_DUE_SOON_HOURS = 16
_US = 1_000_000
#: ``due_next_position`` of a live row that will never change by itself (no deadline).
NEVER = 2**62
HOUR = 3600
FIELDS = (
    "due_state",
    "due_state_since",
    "watch_due_at",
    "due_soon_at",
    "due_position",
    "overdue_since",
    "overdue_office_hours",
    "due_next_position",
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
    due_next_position: int | None = None

    def crossing(self, now: datetime) -> datetime:
        """The moment the row entered its state (the crossed deadline, or *now*)."""
        if self.due_state == DueState.OVERDUE and self.watch_due_at:
            return self.watch_due_at
        if self.due_state == DueState.DUE_SOON and self.due_soon_at:
            return min(self.due_soon_at, now)
        return now


def due_fields(
    *,
    watch: datetime | None,
    tracked: bool,
    paused: bool,
    threshold: timedelta,
    now: datetime,
    calendar=None,
) -> DueFields:
    """Compute the due columns of one row (pure, apart from the cached site calendar; a batch
    passes *calendar* once, since checking the cache's revision is a query)."""
    if not tracked:
        return DueFields(DueState.NONE, None, None, None, None, 0)
    calendar = calendar or site_calendar()
    position = office_seconds(watch, calendar) if watch else None
    soon = None
    if watch is not None:
        lead = threshold // timedelta(microseconds=1)
        soon = calendar.moment_at(max(calendar.position(watch) - lead, 1))
    if paused:
        return DueFields(DueState.PAUSED, watch, soon, position, None, 0)
    if watch is None or position is None or soon is None:
        return DueFields(DueState.IN_TIME, None, None, None, None, 0, NEVER)
    if watch < now:
        hours = max(office_seconds(now, calendar) - position, 0) // HOUR
        return DueFields(
            DueState.OVERDUE, watch, soon, position, watch, hours, position + HOUR * (hours + 1)
        )
    if soon <= now:
        return DueFields(DueState.DUE_SOON, watch, soon, position, None, 0, position)
    return DueFields(
        DueState.IN_TIME, watch, soon, position, None, 0, office_seconds(soon, calendar)
    )


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


#: The due columns of a row that is no longer tracked (closed dossier or step).
CLEARED = {
    "due_state": DueState.NONE,
    "due_state_since": None,
    "watch_due_at": None,
    "due_soon_at": None,
    "due_position": None,
    "overdue_since": None,
    "overdue_office_hours": 0,
    "due_next_position": None,
}


def _assign_dossier_and_step(dossier: Dossier, threshold: timedelta, now: datetime, calendar=None):
    """Set the due columns of *dossier* and of its open current step on the instances; return
    (dossier changed, the open step or None, step changed)."""
    tracked = dossier.status in OPEN and dossier.status != Status.SUBMITTED
    paused = dossier.status in PAUSED
    step = dossier.current_step
    if step is not None and step.state != StepState.OPEN:
        step = None
    fields = due_fields(
        watch=_dossier_watch(dossier, step),
        tracked=tracked,
        paused=paused,
        threshold=threshold,
        now=now,
        calendar=calendar,
    )
    dossier_changed = bool(_assign(dossier, fields, now))
    step_changed = False
    if step is not None:
        step_fields = due_fields(
            watch=step.due_at,
            tracked=tracked,
            paused=paused,
            threshold=threshold,
            now=now,
            calendar=calendar,
        )
        step_changed = bool(_assign(step, step_fields, now))
    return dossier_changed, step, step_changed


def due_state_apply(*, dossier: Dossier, now: datetime) -> None:
    """Bring the due columns of *dossier* (saved) and its steps up to date after a change.

    Called by the lifecycle inside the transition's transaction, after the dossier row is saved.
    Escalation levels no longer crossed (the deadline moved back) are cleared.
    """
    changed, step, step_changed = _assign_dossier_and_step(
        dossier, due_soon_threshold(dossier.procedure_id), now
    )
    if changed:
        Dossier.objects.filter(pk=dossier.pk).update(**{n: getattr(dossier, n) for n in FIELDS})
    closed = DossierStep.objects.filter(dossier_id=dossier.pk).exclude(due_state=DueState.NONE)
    if step is not None:
        closed = closed.exclude(pk=step.pk)
        if step_changed:
            DossierStep.objects.filter(pk=step.pk).update(**{n: getattr(step, n) for n in FIELDS})
    closed.update(**CLEARED)
    from motcua.notifications.escalation import firings_clear_uncrossed

    firings_clear_uncrossed(dossier=dossier, now=now)


def overdue_hours_expression(position_now: int):
    """SQL for the whole office hours a row is overdue at the office position *position_now*."""
    return Greatest(
        Coalesce(
            Floor((Value(position_now) - F("due_position")) / Value(HOUR)),
            Value(0),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _next_hour(hours):
    """SQL: the position of the next whole overdue hour, given the hours expression."""
    return F("due_position") + (hours + Value(1)) * Value(HOUR)


def due_states_advance(model, *, state: str, ids, now: datetime, position_now: int) -> int:
    """Move the rows *ids* that are in state *state* to their state at *now*.

    Set-based: a few UPDATEs over the stored moments, each touching only rows whose state (or,
    for overdue rows, whole overdue hours) changes, each setting the row's next sweep position.
    Rows whose next position is not known yet get it (:func:`due_next_fill`). Returns the number
    of rows whose state or overdue hours were written.
    """
    rows = model.objects.filter(due_state=state, pk__in=list(ids))
    hours = overdue_hours_expression(position_now)
    written = 0
    if state in (DueState.IN_TIME, DueState.DUE_SOON):
        written += rows.filter(watch_due_at__lt=now).update(
            due_state=DueState.OVERDUE,
            due_state_since=F("watch_due_at"),
            overdue_since=F("watch_due_at"),
            overdue_office_hours=hours,
            due_next_position=_next_hour(hours),
        )
    if state == DueState.IN_TIME:
        written += rows.filter(due_soon_at__lte=now).update(
            due_state=DueState.DUE_SOON,
            due_state_since=F("due_soon_at"),
            due_next_position=F("due_position"),
        )
    if state == DueState.DUE_SOON:  # the deadline moved later outside a transition
        written += rows.filter(Q(due_soon_at__gt=now) | Q(due_soon_at__isnull=True)).update(
            due_state=DueState.IN_TIME, due_state_since=Value(now), due_next_position=None
        )
    if state == DueState.OVERDUE:
        later = rows.filter(Q(watch_due_at__gte=now) | Q(watch_due_at__isnull=True))
        written += later.filter(due_soon_at__lte=now).update(
            due_state=DueState.DUE_SOON,
            due_state_since=Value(now),
            overdue_since=None,
            overdue_office_hours=0,
            due_next_position=F("due_position"),
        )
        written += later.update(
            due_state=DueState.IN_TIME,
            due_state_since=Value(now),
            overdue_since=None,
            overdue_office_hours=0,
            due_next_position=None,
        )
        written += rows.exclude(overdue_office_hours=hours).update(
            overdue_office_hours=hours, due_next_position=_next_hour(hours)
        )
    due_next_fill(model, ids=ids)
    return written


def due_next_fill(model, *, ids) -> int:
    """Give the live rows *ids* that have none their next sweep position; return how many.

    Due soon rows get their ``due_position``, overdue rows the position of their next whole
    overdue hour, the others (in time, or without a deadline position) the office position of
    ``due_soon_at`` (never, without one). One read of the rows concerned, then one write of the
    batch as a derived table joined on the id (:func:`motcua.core.rows_update.rows_update`; a
    ``CASE`` per row made this step most of a catch-up pass's time).
    """
    pending = list(
        model.objects.filter(
            pk__in=list(ids),
            due_next_position__isnull=True,
            due_state__in=[DueState.IN_TIME, DueState.DUE_SOON, DueState.OVERDUE],
        ).values_list("pk", "due_state", "due_position", "overdue_office_hours", "due_soon_at")
    )
    if not pending:
        return 0
    calendar = site_calendar()
    positions: dict = {None: NEVER}  # a batch repeats its moments: each converted once
    values = []
    for pk, state, position, hours, soon in pending:
        if state == DueState.DUE_SOON and position is not None:
            values.append((pk, position))
        elif state == DueState.OVERDUE and position is not None:
            values.append((pk, position + (hours + 1) * HOUR))
        else:
            if soon not in positions:
                positions[soon] = office_seconds(soon, calendar)
            values.append((pk, positions[soon]))
    return rows_update(model, ["due_next_position"], values)


def _thresholds(procedure_ids) -> dict[int | None, timedelta]:
    return {pk: due_soon_threshold(pk) for pk in set(procedure_ids)}


def due_states_refresh(
    *,
    dossier_ids,
    now: datetime | None = None,
    dossier_due: dict[int, datetime] | None = None,
    step_due: dict[int, datetime] | None = None,
) -> int:
    """Recompute the due columns of the given dossiers and their steps (after their deadlines
    were rewritten outside a transition, e.g. by the recompute that follows a calendar change,
    or to fill them for dossiers that have none, see ``manage.py due_states_rebuild``).

    *dossier_due* and *step_due* give new ``due_at`` moments (by dossier and by step id) that are
    written with the due columns they lead to, in the same statement (the calendar recompute).

    Same rules as :func:`due_state_apply`, for a batch at once: one read, then only the rows
    whose values change written with one statement per table
    (:func:`motcua.core.rows_update.rows_update`), closed steps cleared with one UPDATE, and the
    escalation firings no longer crossed cleared per level. Returns the number of dossiers read.
    """
    from django.utils import timezone

    from motcua.notifications.escalation import firings_clear_uncrossed_many

    now = now or timezone.now()
    dossier_due = dossier_due or {}
    step_due = dict(step_due or {})
    dossiers = list(
        Dossier.objects.filter(pk__in=list(dossier_ids))
        .select_related("current_step")
        .only(
            "pk",
            "status",
            "procedure_id",
            "due_at",
            "apology_due_at",
            *FIELDS,
            *[f"current_step__{name}" for name in ("state", "due_at", *FIELDS)],
        )
    )
    if not dossiers:
        return 0
    thresholds = _thresholds(d.procedure_id for d in dossiers)
    calendar = site_calendar()
    dossier_rows, step_rows, open_steps = [], [], []
    for dossier in dossiers:
        moved = dossier.pk in dossier_due and dossier.due_at != dossier_due[dossier.pk]
        if moved:
            dossier.due_at = dossier_due[dossier.pk]
        step = dossier.current_step
        step_moved = step is not None and step.pk in step_due
        if step_moved:
            new_due = step_due.pop(step.pk)
            step_moved = step.due_at != new_due
            step.due_at = new_due
        changed, step, step_changed = _assign_dossier_and_step(
            dossier, thresholds[dossier.procedure_id], now, calendar
        )
        if changed or moved:
            dossier_rows.append(_row(dossier))
        if step is not None:
            open_steps.append(step.pk)
        if step_changed or step_moved:
            step_rows.append(_row(dossier.current_step))
    rows_update(Dossier, WRITTEN, dossier_rows)
    rows_update(DossierStep, WRITTEN, step_rows)
    # steps given that are not their dossier's current step: the moment alone
    rows_update(DossierStep, ["due_at"], list(step_due.items()))
    DossierStep.objects.filter(dossier_id__in=[d.pk for d in dossiers]).exclude(
        due_state=DueState.NONE
    ).exclude(pk__in=open_steps).update(**CLEARED)
    firings_clear_uncrossed_many(dossier_ids=[d.pk for d in dossiers], now=now)
    return len(dossiers)


#: The columns :func:`due_states_refresh` writes: the deadline and the due columns it leads to.
WRITTEN = ("due_at", *FIELDS)


def _row(instance) -> tuple:
    return (instance.pk, *[getattr(instance, name) for name in WRITTEN])
