"""What the monitoring page and the health endpoint read: queues, workers, the last sweep."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils import timezone

from motcua.jobs.sweep import STALE_AFTER, sweep_last_success


@dataclass
class QueueState:
    name: str
    queued: int
    started: list = field(default_factory=list)
    failed: list = field(default_factory=list)


@dataclass
class FailedJob:
    id: str
    func: str
    ended_at: object
    error: str


def queues_state(*, failed_limit: int = 50) -> list[QueueState]:
    """Each RQ queue with its waiting count, running jobs and the latest failed jobs."""
    import django_rq
    from rq.job import Job

    states = []
    for name in settings.RQ_QUEUES:
        queue = django_rq.get_queue(name)
        failed_ids = queue.failed_job_registry.get_job_ids()[-failed_limit:]
        failed = []
        for job in Job.fetch_many(failed_ids, connection=queue.connection):
            if job is None:
                continue
            error = (job.exc_info or "").strip().splitlines()
            failed.append(
                FailedJob(job.id, job.func_name, job.ended_at, error[-1] if error else "")
            )
        started = [
            job
            for job in Job.fetch_many(
                queue.started_job_registry.get_job_ids(), connection=queue.connection
            )
            if job is not None
        ]
        states.append(QueueState(name, queue.count, started, failed))
    return states


def failed_job_retry(*, queue_name: str, job_id: str) -> bool:
    """Put one failed job back on its queue; return whether it was there."""
    import django_rq

    queue = django_rq.get_queue(queue_name)
    if job_id not in queue.failed_job_registry.get_job_ids():
        return False
    queue.failed_job_registry.requeue(job_id)
    return True


def workers_count() -> int:
    import django_rq
    from rq import Worker

    return len(Worker.all(connection=django_rq.get_connection("default")))


@dataclass(frozen=True)
class SweepStatus:
    finished_at: object
    stale: bool


def sweep_status(now=None) -> SweepStatus:
    """The last finished sweep and whether it is older than 15 minutes (scheduler or workers down)."""
    last = sweep_last_success()
    now = now or timezone.now()
    if last is None:
        return SweepStatus(None, True)
    return SweepStatus(last.finished_at, now - last.finished_at > STALE_AFTER)


def health() -> tuple[bool, dict]:
    """Check the database, Redis and workers (when jobs are queued) and the sweep's freshness."""
    report: dict = {"inline_jobs": settings.MOTCUA_JOBS_INLINE}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = "ok"
    except Exception as exc:  # reported, not raised: this is the health endpoint
        report["database"] = f"error: {exc}"
    if not settings.MOTCUA_JOBS_INLINE:
        try:
            report["workers"] = workers_count()
            report["redis"] = "ok"
        except Exception as exc:
            report["redis"] = f"error: {exc}"
            report["workers"] = 0
    status = sweep_status()
    report["last_sweep"] = status.finished_at.isoformat() if status.finished_at else None
    report["sweep_stale"] = status.stale
    ok = (
        report["database"] == "ok"
        and (settings.MOTCUA_JOBS_INLINE or (report.get("redis") == "ok" and report["workers"] > 0))
        and not status.stale
    )
    report["ok"] = ok
    return ok, report
