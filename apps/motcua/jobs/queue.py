"""Put work on the queue, or run it inline on the embedded default.

django-rq still connects to Redis when ``ASYNC=False`` (docs/stack.md), so the embedded default
(no ``redis_url`` in the site config) has its own switch: ``settings.MOTCUA_JOBS_INLINE`` runs the
function in-process, right away, with the same arguments a worker would get.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)


def job_enqueue(func: Callable[..., Any], *args: Any, queue: str = "default", **kwargs: Any) -> Any:
    """Run *func* on the RQ queue *queue*, or inline when jobs are inline; return the job/result."""
    if settings.MOTCUA_JOBS_INLINE:
        log.debug("running %s inline", getattr(func, "__name__", func))
        return func(*args, **kwargs)
    import django_rq

    from motcua.ops.requestid import current_request_id

    # The request id follows the job into the worker's log lines (motcua.ops.requestid).
    meta = {"request_id": current_request_id()} if current_request_id() else None
    return django_rq.get_queue(queue).enqueue(func, *args, meta=meta, **kwargs)
