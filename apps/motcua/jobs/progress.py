"""Long work started from the desk, run as a job with progress (done / total, rate, ETA).

:func:`task_request` records a :class:`~motcua.jobs.models.TaskRun` and enqueues its function
when the caller's transaction commits (inline on the embedded default). The function receives the
run's id, calls :func:`task_claim` (which marks it running and returns it, or None if another
worker has it), reports each batch with :func:`task_advance` (which also beats the heart) and ends
with :func:`task_finish`. The work itself must be idempotent and resumable by construction (its
candidate set shrinks as it goes), because a run whose worker died is started again by
:func:`tasks_resume` (scheduled) once its heart stops beating for :data:`STALE_AFTER`.
"""

from __future__ import annotations

from datetime import datetime, timedelta  # noqa: F401

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from motcua.core.progress import Rate, rate_of
from motcua.jobs.models import TaskRun
from motcua.jobs.queue import job_enqueue

STALE_AFTER = timedelta(minutes=3)
Status = TaskRun.Status


def _start(task_id: int) -> None:
    task = TaskRun.objects.get(pk=task_id)
    job_enqueue(import_string(task.func), task_id)


def task_request(*, func: str, label: str, actor=None, params=None, total=None) -> TaskRun:
    """Record a queued task and start it after the commit; return it."""
    task = TaskRun.objects.create(
        func=func,
        label=label[:255],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        params=params or {},
        total=total,
    )
    transaction.on_commit(lambda: _start(task.pk), robust=True)
    return task


def task_claim(task_id: int) -> TaskRun | None:
    """Mark the task running (from queued, or from a stale run); None if it is not claimable."""
    now = timezone.now()
    claimable = Q(status=Status.QUEUED) | Q(
        status=Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    )
    claimed = TaskRun.objects.filter(claimable, pk=task_id).update(
        status=Status.RUNNING, heartbeat_at=now
    )
    if not claimed:
        return None
    TaskRun.objects.filter(pk=task_id, started_at__isnull=True).update(started_at=now)
    return TaskRun.objects.get(pk=task_id)


def task_advance(task: TaskRun, *, done: int = 0, failed: int = 0, error: str = "") -> None:
    """Add a batch's counts (atomic increments) and beat the heart."""
    TaskRun.objects.filter(pk=task.pk).update(
        done=F("done") + done, failed=F("failed") + failed, heartbeat_at=timezone.now()
    )
    if error:
        task.refresh_from_db(fields=["errors"])
        TaskRun.objects.filter(pk=task.pk).update(errors=[*task.errors, error[:500]][-50:])


def task_finish(task: TaskRun) -> None:
    task.refresh_from_db(fields=["failed"])
    TaskRun.objects.filter(pk=task.pk).update(
        status=Status.FAILED if task.failed else Status.DONE, finished_at=timezone.now()
    )


def tasks_resume() -> int:
    """Scheduled: start again the tasks whose worker died (or whose enqueue was lost)."""
    stale = timezone.now() - STALE_AFTER
    rows = TaskRun.objects.filter(
        Q(status=Status.RUNNING, heartbeat_at__lt=stale)
        | Q(status=Status.QUEUED, created_at__lt=stale)
    ).values_list("pk", flat=True)
    count = 0
    for pk in rows:
        _start(pk)
        count += 1
    return count


def task_progress(task: TaskRun, now: datetime | None = None) -> Rate:
    return rate_of(
        done=task.done + task.failed,
        total=task.total,
        started_at=task.started_at,
        finished_at=task.finished_at,
        running=task.status == Status.RUNNING,
        now=now,
    )
