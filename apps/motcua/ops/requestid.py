"""One request id per web request, in every log line it causes — in the web process and in the jobs.

Rule: the id is the proxy's ``X-Request-ID`` when it is a plain token (letters, digits, ``-_.:``,
at most 64 characters; nginx sets ``$request_id``, ``deploy/nginx.conf``), otherwise a new UUID4.
It is sent back in the response's ``X-Request-ID`` header, put on every log record
(:class:`RequestIdFilter`, field ``request_id``) and stored in the ``meta`` of each job the request
enqueues (:func:`motcua.jobs.queue.job_enqueue`), so a worker's log lines about that job carry the
same id. Outside a request or job the field is ``"-"``.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
_TOKEN = re.compile(r"^[A-Za-z0-9\-_.:]{1,64}$")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("motcua_request_id", default="")


def current_request_id() -> str:
    """The id of the request (or of the job's originating request) being served; '' if none."""
    value = _current.get()
    if value:
        return value
    try:
        from rq import get_current_job

        job = get_current_job()
    except Exception:  # no RQ context (web process, command)
        return ""
    return str((job.meta or {}).get("request_id", "")) if job is not None else ""


class RequestIdMiddleware:
    """Take or make the request id, keep it for the request's duration, return it in a header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(HEADER, "")
        request_id = offered if _TOKEN.match(offered) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Add ``record.request_id`` (``"-"`` when there is none) for the log formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True
