"""The recomputation of open deadlines after a calendar change, run as a queued job with progress.

A calendar change (a holiday added or removed, office hours, the weekly days, a year imported)
does not recompute anything inside the administrator's request: :func:`recompute_request` writes
a *queued* :class:`~motcua.core.models.DeadlineRecomputation` (or merges the change into the one
already waiting, so a burst of edits costs one run) and enqueues the job when the
transaction commits (inline on the embedded default, :func:`motcua.jobs.queue.job_enqueue`).

The job (:mod:`motcua.jobs.recompute`, enqueued through :data:`enqueue_hook`) takes the lease ``deadline_recompute`` (one runner at a time), then works off the runs in
order: an interrupted *running* run first (a killed worker: it resumes after its last committed
batch, from the run's cursor), then the oldest queued one. Each batch of 500 items commits on its
own with one UPDATE of the due moments, its audit rows and the run's counters, so no lock is held
longer than a batch and desk actions go on meanwhile. When a newer change is queued while a run
works, the run stops at the end of its batch as *superseded* and the queued run recomputes every
open deadline with the newest calendar: no change is lost and no work is repeated for nothing.
The schedule (``jobs/schedule.py``) calls the job every five minutes too, so a queued run whose
enqueue was lost (Redis down at commit time) or whose worker died still finishes.

A change that touches known days (a holiday or a make-up working day added, edited or removed, a
year imported without touching the settings) carries the first of those days: the run stores the
earliest (:attr:`~motcua.core.models.DeadlineRecomputation.changed_from`) and the sources read only
the deadlines whose count can reach it (due on or after it, or paused). A deadline counted from its
start to its due moment never looks at a later day, so those left out would not move: the result
is the full recomputation's. A change to office hours, weekly days or the day rule carries no day
and rechecks every open deadline. A run superseded while it works hands its day to the queued run,
so what it did not reach is read again. The narrowing trusts the stored due moments: one left
wrong by a failed batch (recorded in the run's audit) is read again by the next run whose day is
before it, or by a run without a day.

The calendar page shows :func:`recompute_progress` (done / total, rate, estimated end).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from motcua.core.models import DeadlineRecomputation
from motcua.core.selectors import site_calendar_row

log = logging.getLogger(__name__)

Status = DeadlineRecomputation.Status


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def _earliest(*days: date | None) -> date | None:
    """The first of the changed days; None (every deadline) when any change has no day."""
    return None if any(day is None for day in days) else min(days)  # type: ignore[type-var]


def recompute_request(
    *, actor=None, reason: str = "", changed_from: date | None = None
) -> DeadlineRecomputation:
    """Queue a recomputation, merged into the one already waiting; return the queued run.

    *changed_from* is the first calendar day the change touches (None: it touches no single day,
    e.g. office hours). Must be called in the transaction that changed the calendar: the run is
    visible and the job starts only if that transaction commits.
    """
    with transaction.atomic():
        waiting = (
            DeadlineRecomputation.objects.select_for_update()
            .filter(status=Status.QUEUED)
            .order_by("pk")
            .first()
        )
        # the running run will stop as superseded: what it has not reached is read by this one
        running = DeadlineRecomputation.objects.filter(status=Status.RUNNING).values_list(
            "changed_from", flat=True
        )
        changed_from = _earliest(changed_from, *running)
        row = site_calendar_row()
        revision = row.revision if row else ""
        if waiting is not None:
            reasons = f"{waiting.reason}; {reason}" if reason else waiting.reason
            waiting.reason = reasons if len(reasons) <= 255 else reasons[:254] + "…"
            waiting.requests += 1
            waiting.calendar_revision = revision
            waiting.actor = _actor(actor) or waiting.actor
            waiting.changed_from = _earliest(waiting.changed_from, changed_from)
            waiting.save(
                update_fields=["reason", "requests", "calendar_revision", "actor", "changed_from"]
            )
            run = waiting
        else:
            run = DeadlineRecomputation.objects.create(
                actor=_actor(actor),
                reason=(reason or "")[:255],
                status=Status.QUEUED,
                calendar_revision=revision,
                changed_from=changed_from,
            )
    transaction.on_commit(recompute_kick, robust=True)
    return run


#: Set by the jobs app (``JobsConfig.ready``): puts :func:`motcua.jobs.recompute.recompute_pending`
#: on the queue (core knows nothing of the queue; without it the run waits for the schedule).
enqueue_hook: Callable[[], None] | None = None


def recompute_kick() -> None:
    if enqueue_hook is None:
        log.warning("deadline recompute queued, but no job runner is installed")
        return
    enqueue_hook()


@dataclass(frozen=True)
class Progress:
    """What the calendar page shows of one run."""

    run: DeadlineRecomputation
    done: int
    total: int | None
    percent: int | None
    rate: float | None  # items per second
    eta: datetime | None

    @property
    def active(self) -> bool:
        return self.run.status in (Status.QUEUED, Status.RUNNING)


def recompute_progress(run: DeadlineRecomputation, now: datetime | None = None) -> Progress:
    """Done / total, rate and estimated end of *run* (from its counters and start time)."""
    from motcua.core.progress import rate_of

    rate = rate_of(
        done=run.checked,
        total=run.total,
        started_at=run.started_at,
        finished_at=run.finished_at,
        running=run.status == Status.RUNNING,
        now=now,
    )
    return Progress(run, rate.done, rate.total, rate.percent, rate.rate, rate.eta)


def recompute_recent(limit: int = 3) -> list[Progress]:
    """The latest runs (queued and running first) with their progress, for the calendar page."""
    runs = list(
        DeadlineRecomputation.objects.filter(status__in=[Status.QUEUED, Status.RUNNING]).order_by(
            "pk"
        )
    )
    runs += list(
        DeadlineRecomputation.objects.exclude(status__in=[Status.QUEUED, Status.RUNNING]).order_by(
            "-pk"
        )[: max(limit - len(runs), 1)]
    )
    now = timezone.now()
    return [recompute_progress(run, now) for run in runs]
