"""Read replica: reports, dashboards and exports read from it; everything else uses the primary.

Rules (docs/deploy.md §8):

1. Only a request whose path starts with one of ``settings.MOTCUA_REPLICA_PATHS`` (the report
   pages, the public progress dashboard, the desk's exports) and whose method is GET/HEAD reads
   from the ``replica`` database alias — and only when the site configures one. Writes always go
   to the primary (``default``), and so does every read outside such a request: a desk page that
   shows a dossier just changed never reads a copy that may be behind.
2. *Read your own writes*: after a person's request that changed something (any POST/PUT/PATCH/
   DELETE that did not fail), that person's reads stay on the primary for
   ``[database] replica_pin_seconds`` (default 10 s), remembered in the session
   (and a cookie for anonymous visitors), so an officer who has just received a dossier sees it in
   the report he opens next.
3. A replica more than ``[database] replica_max_lag_seconds`` (default 30 s) behind, or one that
   does not answer, is not used: the reads go to the primary (checked at most every 5 seconds per
   process, :func:`replica_lag`).

:class:`ReplicaRouter` is the Django database router; :class:`ReplicaMiddleware` decides per
request; :func:`reading_replica` can be used around a command's or job's read (an export job).
"""

from __future__ import annotations

import contextlib
import contextvars
import time

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_KEY = "motcua_primary_until"
PIN_COOKIE = "motcua_primary_until"
_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "motcua_use_replica", default=False
)
_LAG_CACHE: dict[str, float] = {}
_LAG_CHECK_EVERY = 5.0


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_lag() -> float | None:
    """Seconds the replica is behind the primary (0 on a plain second server); None = unreachable.

    MariaDB answers ``SHOW REPLICA STATUS`` (``Seconds_Behind_Master``) on a replica; a server that
    is not a replica returns no row, which counts as 0 (a copy kept otherwise, or the tests).
    """
    if not replica_configured():
        return None
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "mysql":
                cursor.execute("SHOW REPLICA STATUS")
                row = cursor.fetchone()
                if row is None:
                    return 0.0
                names = [c[0] for c in cursor.description]
                lag = dict(zip(names, row, strict=False)).get("Seconds_Behind_Master")
                return None if lag is None else float(lag)
            cursor.execute("SELECT 1")
            return 0.0
    except Exception:  # reported as unreachable; the caller falls back to the primary
        connection.close_if_unusable_or_obsolete()
        return None


def replica_usable() -> bool:
    """Whether the replica answers and is within the allowed lag (cached for 5 s per process)."""
    if not replica_configured():
        return False
    now = time.monotonic()
    if now - _LAG_CACHE.get("checked", -1e9) > _LAG_CHECK_EVERY:
        lag = replica_lag()
        _LAG_CACHE["lag"] = -1.0 if lag is None else lag
        _LAG_CACHE["checked"] = now
    lag = _LAG_CACHE["lag"]
    return 0 <= lag <= settings.MOTCUA_REPLICA_MAX_LAG_SECONDS


@contextlib.contextmanager
def reading_replica():
    """Send the reads inside the block to the replica when one is configured and usable."""
    token = _use_replica.set(replica_usable())
    try:
        yield
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    """Reads inside :func:`reading_replica` go to ``replica``; everything else to ``default``."""

    def db_for_read(self, model, **hints):
        return REPLICA if _use_replica.get() and replica_configured() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica receives the schema by replication


def _pinned_until(request) -> float:
    session = getattr(request, "session", None)
    value = session.get(PIN_KEY, 0) if session is not None else 0
    try:
        return max(float(value or 0), float(request.COOKIES.get(PIN_COOKIE, 0) or 0))
    except ValueError:
        return float(value or 0)


def wants_replica(request) -> bool:
    """Rule 1 and 2: a replica path, a safe method, no recent write by this person."""
    if request.method not in ("GET", "HEAD"):
        return False
    if not any(request.path.startswith(p) for p in settings.MOTCUA_REPLICA_PATHS):
        return False
    return time.time() >= _pinned_until(request)


class ReplicaMiddleware:
    """Route a report/dashboard/export request's reads to the replica; pin writers to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        if wants_replica(request):
            with reading_replica():
                response = self.get_response(request)
        else:
            response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            until = time.time() + settings.MOTCUA_REPLICA_PIN_SECONDS
            session = getattr(request, "session", None)
            if session is not None:
                session[PIN_KEY] = until
            response.set_cookie(
                PIN_COOKIE,
                f"{until:.0f}",
                max_age=settings.MOTCUA_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
