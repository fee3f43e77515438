"""Readiness of one web process for the load balancer, and the figures monitoring reads.

Each check returns ``(ok, detail)``; none raises. What makes a web process *not ready* (503, the
load balancer stops sending it requests) is what it cannot serve without:

* ``database`` — the primary answers ``SELECT 1``;
* ``redis`` — when the site has Redis (queues, cache, sessions): it answers ``PING``;
* ``storage`` — the file store (local folder or object store) answers a lookup.

Reported but not failing readiness (another process's trouble, or one the site survives):

* ``replica`` — its lag in seconds (``null`` when unreachable: the reads go to the primary);
* ``last_sweep`` / ``sweep_stale`` — the scheduler and the workers (``/health/jobs/`` fails on it);
* ``queues`` — jobs waiting per RQ queue, ``workers`` — workers registered in Redis;
* ``outbox_pending`` — messages still to deliver.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection

#: The object looked up in the store (absent is fine: the answer proves the store is reachable).
STORAGE_PROBE = "health/probe"


def _timed(check):
    started = time.monotonic()
    ok, detail = check()
    return ok, detail, round((time.monotonic() - started) * 1000, 1)


def database_check() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as exc:
        connection.close_if_unusable_or_obsolete()
        return False, f"error: {exc.__class__.__name__}"


def redis_check() -> tuple[bool, str]:
    if not settings.SITE.redis_url:
        return True, "not configured"
    try:
        import django_rq

        django_rq.get_connection("default").ping()
        return True, "ok"
    except Exception as exc:
        return False, f"error: {exc.__class__.__name__}"


def storage_check() -> tuple[bool, str]:
    from django.core.files.storage import default_storage

    try:
        default_storage.exists(STORAGE_PROBE)
        return True, "ok"
    except Exception as exc:
        return False, f"error: {exc.__class__.__name__}"


def queue_depths() -> dict[str, int] | None:
    """Jobs waiting per queue; None when jobs run inline or Redis does not answer."""
    if settings.MOTCUA_JOBS_INLINE:
        return None
    try:
        import django_rq

        return {name: django_rq.get_queue(name).count for name in settings.RQ_QUEUES}
    except Exception:
        return None


def outbox_pending() -> int | None:
    from motcua.integrations.models import OutboxMessage

    try:
        return OutboxMessage.objects.filter(delivered_at__isnull=True).count()
    except Exception:
        return None


def readiness() -> tuple[bool, dict]:
    """Run the checks; return (ready, report) — the body of ``/health/ready/``."""
    from motcua.jobs import monitor
    from motcua.ops.replica import replica_configured, replica_lag

    report: dict = {"checks": {}}
    ready = True
    for name, check in (
        ("database", database_check),
        ("redis", redis_check),
        ("storage", storage_check),
    ):
        ok, detail, ms = _timed(check)
        report["checks"][name] = {"ok": ok, "detail": detail, "ms": ms}
        ready = ready and ok
    if replica_configured():
        report["replica_lag_seconds"] = replica_lag()
    if report["checks"]["database"]["ok"]:
        status = monitor.sweep_status()
        report["last_sweep"] = status.finished_at.isoformat() if status.finished_at else None
        report["sweep_stale"] = status.stale
        report["outbox_pending"] = outbox_pending()
    report["queues"] = queue_depths()
    report["ready"] = ready
    return ready, report
