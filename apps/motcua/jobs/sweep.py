"""The due-state sweep (every 5 minutes): moves open dossiers and steps on as time passes.

Set-based: for each table and each live state it walks the rows in keyset batches on the index
``(due_state, id)`` and runs :func:`motcua.dossiers.due_state.due_states_advance` (a few UPDATEs
that write only rows whose state changes), then fires the escalation levels crossed in the batch.
Each batch is its own transaction: a batch that fails is rolled back, recorded in the run's
``errors`` and left for the next run; a worker killed mid-run loses nothing (committed batches
stay, the open one rolls back) and the next run finishes the work. A lease
(:mod:`motcua.jobs.locks`) makes a run that overlaps another do nothing. Running twice is harmless:
the second run finds nothing to change and every firing is unique per crossing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
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


def _batches(model, state: str, batch_size: int):
    last = 0
    while True:
        ids = list(
            model.objects.filter(due_state=state, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return
        last = ids[-1]
        yield ids[0], ids[-1]


def due_sweep(*, batch_size: int = BATCH_SIZE, lease: timedelta = LEASE) -> dict:
    """Run one sweep; return its counts (``skipped`` when another run holds the lease)."""
    from motcua.notifications.escalation import levels_fire
    from motcua.notifications.letters import apology_drafts_prepare

    token = lease_take(LOCK, lease=lease)
    if token is None:
        log.info("due sweep skipped: another run holds the lease")
        return {"skipped": True}
    now = timezone.now()
    position_now = office_seconds(now)
    run = SweepRun.objects.create(started_at=now)
    try:
        for model in (Dossier, DossierStep):
            for state in LIVE_STATES:
                for first, last in _batches(model, state, batch_size):
                    run.batches += 1
                    try:
                        with transaction.atomic():
                            changed = due_states_advance(
                                model,
                                state=state,
                                first_pk=first,
                                last_pk=last,
                                now=now,
                                position_now=position_now,
                            )
                            run.changed += changed
                            # Levels and letters follow a change of state, or (overdue rows)
                            # the passing of time; an unchanged batch of earlier states has none.
                            if model is Dossier and (changed or state == DueState.OVERDUE):
                                run.fired += levels_fire(
                                    first_pk=first, last_pk=last, now=now, position_now=position_now
                                )
                                apology_drafts_prepare(first_pk=first, last_pk=last, now=now)
                    except Exception as exc:  # per-batch isolation; the next run retries it
                        log.exception(
                            "due sweep batch %s %s %s-%s failed", model, state, first, last
                        )
                        run.errors.append(
                            {
                                "table": model._meta.model_name,
                                "state": state,
                                "first": first,
                                "last": last,
                                "error": f"{type(exc).__name__}: {exc}"[:500],
                            }
                        )
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
