"""The due-state sweep (every 5 minutes): moves open dossiers and steps on as time passes.

Driven by the rows that must change: every live row carries ``due_next_position``, the office
position at which its state next changes (due soon, overdue, next whole overdue hour), so for
each table and each live state a pass reads only the rows whose moment is reached (or not yet
known), through the index ``(due_state, due_next_position)``, in batches of ids. For each batch
:func:`motcua.dossiers.due_state.due_states_advance` runs a few set-based UPDATEs that write only
rows whose state changes, then the escalation levels crossed and the draft apologies of the
batch's dossiers are written. A cheap guard pass (index-only scan of the due-soon and overdue
rows) catches rows whose deadline moved later outside a transition. A pass at steady state thus
costs a handful of index range reads whatever the number of dossiers.

Each batch is its own transaction: a batch that fails is rolled back, recorded in the run's
``errors`` and left for the next run; a worker killed mid-run loses nothing (committed batches
stay, the open one rolls back) and the next run finishes the work. A lease
(:mod:`motcua.jobs.locks`) makes a run that overlaps another do nothing. Running twice is harmless:
the second run finds nothing to change and every firing is unique per crossing.

An "overdue by N working days" level is crossed on an hour tick of the row when the office day
is a whole number of hours (the default 8 h); otherwise it fires at the next whole overdue hour,
at most an office hour late.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.dossiers.due_fields import DueState
from motcua.dossiers.due_state import due_states_advance, office_seconds
from motcua.dossiers.models import Dossier, DossierStep
from motcua.jobs.locks import lease_release, lease_renew, lease_take
from motcua.jobs.models import SweepRun
from motcua.reports.summaries import summaries_roll

log = logging.getLogger(__name__)

LOCK = "due_sweep"
LEASE = timedelta(minutes=2)
BATCH_SIZE = 5000
#: A sweep older than this on the dashboard means the scheduler or the workers are down.
STALE_AFTER = timedelta(minutes=15)
LIVE_STATES = (DueState.IN_TIME, DueState.DUE_SOON, DueState.OVERDUE)


def _moved_later(state: str, now: datetime) -> Q | None:
    """Guard: rows of *state* whose deadline moved later outside a transition (index-only)."""
    if state == DueState.DUE_SOON:
        return Q(due_state=state) & (Q(due_soon_at__gt=now) | Q(due_soon_at__isnull=True))
    if state == DueState.OVERDUE:
        return Q(due_state=state) & (Q(watch_due_at__gte=now) | Q(watch_due_at__isnull=True))
    return None


def _by_id(queryset, size: int) -> Iterator[list]:
    """Keyset batches of ids in id order (for conditions whose index ends with the id)."""
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        last = ids[-1]
        yield ids


def _reached(model, state: str, position_now: int, size: int) -> Iterator[list]:
    """Batches of the rows of *state* whose next position is reached, in the order of the
    index ``(due_state, due_next_position, id)`` (keyset on both), so MariaDB reads the index
    range and stops at the batch size instead of walking the table by id."""
    after: tuple[int, int] | None = None
    while True:
        rows = model.objects.filter(due_state=state, due_next_position__lte=position_now)
        if after is not None:
            rows = rows.filter(
                Q(due_next_position__gt=after[0]) | Q(due_next_position=after[0], pk__gt=after[1])
            )
        batch = list(
            rows.order_by("due_next_position", "pk").values_list("due_next_position", "pk")[:size]
        )
        if not batch:
            return
        after = batch[-1]
        yield [pk for _position, pk in batch]


def _batches(model, state: str, now: datetime, position_now: int, size: int) -> Iterator[list]:
    """Yield lists of at most *size* ids of rows of *state* that may change now: rows whose
    next position is not known yet, rows whose position is reached, the guard's rows.

    Rows leave these sets as their batch is advanced (new state or a later next moment); a row
    that stays (its moment is reached in office time but not yet on the clock, e.g. at night)
    is passed by the keyset, so a pass always ends.
    """
    unknown = model.objects.filter(due_state=state, due_next_position__isnull=True)
    yield from _by_id(unknown, size)
    yield from _reached(model, state, position_now, size)
    guard = _moved_later(state, now)
    if guard is not None:
        yield from _by_id(model.objects.filter(guard), size)


def _batch_advance(run, model, state, ids, now, position_now) -> None:
    """Advance one batch in its own transaction; record the error and go on if it fails."""
    from motcua.notifications.escalation import levels_fire
    from motcua.notifications.letters import apology_drafts_prepare

    run.batches += 1
    try:
        with transaction.atomic():
            run.changed += due_states_advance(
                model, state=state, ids=ids, now=now, position_now=position_now
            )
            # Levels and letters follow a change of state or an overdue hour's tick: exactly
            # the rows of this batch.
            if model is Dossier:
                run.fired += levels_fire(ids=ids, now=now, position_now=position_now)
                apology_drafts_prepare(ids=ids, now=now)
    except Exception as exc:  # per-batch isolation; the next run retries it
        log.exception("due sweep batch %s %s %s…%s failed", model, state, ids[0], ids[-1])
        run.errors.append(
            {
                "table": model._meta.model_name,
                "state": state,
                "first": ids[0],
                "last": ids[-1],
                "error": f"{type(exc).__name__}: {exc}"[:500],
            }
        )


def due_sweep(*, batch_size: int = BATCH_SIZE, lease: timedelta = LEASE) -> dict:
    """Run one sweep; return its counts (``skipped`` when another run holds the lease)."""
    token = lease_take(LOCK, lease=lease)
    if token is None:
        log.info("due sweep skipped: another run holds the lease")
        return {"skipped": True}
    now = timezone.now()
    position_now = office_seconds(now)
    run = SweepRun.objects.create(started_at=now)
    try:
        for model in (Dossier, DossierStep):
            # Overdue first: a row that becomes overdue in this pass is not read twice.
            for state in reversed(LIVE_STATES):
                for ids in _batches(model, state, now, position_now, batch_size):
                    _batch_advance(run, model, state, ids, now, position_now)
                    lease_renew(LOCK, token, lease=lease)
        summaries_roll(now=now)  # a month has ended: the open dossiers' stocks move on
        run.outcome = SweepRun.Outcome.PARTIAL if run.errors else SweepRun.Outcome.DONE
        run.finished_at = timezone.now()
        run.save()
    finally:
        lease_release(LOCK, token)
    return {
        "skipped": False,
        "batches": run.batches,
        "changed": run.changed,
        "fired": run.fired,
        "errors": len(run.errors),
    }


def sweep_last_success():
    """The last sweep that finished (with or without failed batches), or None."""
    return (
        SweepRun.objects.filter(outcome__in=[SweepRun.Outcome.DONE, SweepRun.Outcome.PARTIAL])
        .order_by("-finished_at")
        .first()
    )


def sweep_is_stale(now=None) -> bool:
    last = sweep_last_success()
    return last is None or (now or timezone.now()) - last.finished_at > STALE_AFTER
