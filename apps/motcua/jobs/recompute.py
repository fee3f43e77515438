"""The job that recomputes open deadlines after calendar changes (see
:mod:`motcua.core.recompute_jobs` for the queue, the merging and the progress shown)."""

from __future__ import annotations

import logging
from datetime import timedelta
from inspect import signature

from django.utils import timezone

from motcua.core import deadline_sources
from motcua.core.models import DeadlineRecomputation

log = logging.getLogger(__name__)

LOCK = "deadline_recompute"
LEASE = timedelta(minutes=2)
BATCH_SIZE = 500
Status = DeadlineRecomputation.Status


def recompute_enqueue() -> None:
    from motcua.jobs.queue import job_enqueue

    job_enqueue(recompute_pending)


def _next_run() -> DeadlineRecomputation | None:
    running = DeadlineRecomputation.objects.filter(status=Status.RUNNING).order_by("pk").first()
    if running is not None:
        return running
    return DeadlineRecomputation.objects.filter(status=Status.QUEUED).order_by("pk").first()


def _total(changed_from=None) -> int | None:
    counts = [getattr(s, "count", None) for s in deadline_sources.registered()]
    if any(c is None for c in counts):
        return None
    total = 0
    for count in counts:
        narrowed = changed_from is not None and "changed_from" in signature(count).parameters
        total += count(changed_from=changed_from) if narrowed else count()  # type: ignore[misc]
    return total


def recompute_pending(*, batch_size: int = BATCH_SIZE, lease: timedelta = LEASE) -> int:
    """The job: work off the interrupted and queued runs; return how many runs it finished.

    Safe to run twice or concurrently (the lease makes the second do nothing; the first looks
    for newly queued runs again after releasing it).
    """
    from motcua.core.selectors import site_calendar, site_calendar_clear
    from motcua.core.services import deadlines_recompute
    from motcua.jobs.locks import lease_release, lease_renew, lease_take

    finished = 0
    while True:
        token = lease_take(LOCK, lease=lease)
        if token is None:
            log.info("deadline recompute: another job holds the lease")
            return finished
        try:
            while (run := _next_run()) is not None:
                if run.status == Status.QUEUED:
                    run.status = Status.RUNNING
                    run.started_at = timezone.now()
                    run.total = _total(run.changed_from)
                    run.save(update_fields=["status", "started_at", "total"])
                else:
                    log.info("deadline recompute: resuming run %s at %s", run.pk, run.cursor)
                site_calendar_clear()  # the newest calendar, whatever this process cached

                def between_batches(current, token=token) -> bool:
                    lease_renew(LOCK, token, lease=lease)
                    return not DeadlineRecomputation.objects.filter(
                        status=Status.QUEUED, pk__gt=current.pk
                    ).exists()

                deadlines_recompute(
                    calendar=site_calendar(),
                    run=run,
                    batch_size=batch_size,
                    between_batches=between_batches,
                )
                finished += 1
        finally:
            lease_release(LOCK, token)
        # A run queued between our last look and the release found the lease taken: take it.
        if not DeadlineRecomputation.objects.filter(status=Status.QUEUED).exists():
            return finished
