"""The site's own gauges in the Prometheus export, read at scrape time (one indexed query each).

``motcua_up{check}`` (1/0 per readiness check), ``motcua_queue_jobs{queue}`` (jobs waiting),
``motcua_outbox_pending`` (messages to deliver), ``motcua_sweep_age_seconds`` (since the last
finished due sweep) and ``motcua_replica_lag_seconds`` (absent without a replica, -1 unreachable).
django-prometheus adds the request, response and latency counters of the web process.
"""

from __future__ import annotations

import threading

from django.utils import timezone
from prometheus_client.core import REGISTRY, GaugeMetricFamily

_registered = threading.Lock()
_done: list[bool] = []


class SiteCollector:
    def collect(self):
        from motcua.jobs.monitor import sweep_status
        from motcua.ops import health
        from motcua.ops.replica import replica_configured, replica_lag

        up = GaugeMetricFamily("motcua_up", "Readiness checks (1 ok, 0 failing)", labels=["check"])
        checks = {
            "database": health.database_check,
            "redis": health.redis_check,
            "storage": health.storage_check,
        }
        results = {name: check()[0] for name, check in checks.items()}
        for name, ok in results.items():
            up.add_metric([name], 1 if ok else 0)
        yield up
        depths = health.queue_depths()
        if depths is not None:
            queued = GaugeMetricFamily("motcua_queue_jobs", "Jobs waiting", labels=["queue"])
            for name, count in depths.items():
                queued.add_metric([name], count)
            yield queued
        if results["database"]:
            pending = health.outbox_pending()
            if pending is not None:
                yield GaugeMetricFamily(
                    "motcua_outbox_pending", "Outbox messages to deliver", value=pending
                )
            status = sweep_status()
            if status.finished_at is not None:
                age = (timezone.now() - status.finished_at).total_seconds()
                yield GaugeMetricFamily(
                    "motcua_sweep_age_seconds", "Seconds since the last due sweep", value=age
                )
        if replica_configured():
            lag = replica_lag()
            yield GaugeMetricFamily(
                "motcua_replica_lag_seconds",
                "Replica delay behind the primary (-1 unreachable)",
                value=-1 if lag is None else lag,
            )


def site_collector_register() -> None:
    """Register :class:`SiteCollector` once per process."""
    with _registered:
        if not _done:
            REGISTRY.register(SiteCollector())
            _done.append(True)
