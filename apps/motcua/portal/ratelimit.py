"""A fixed-window attempt counter in Django's cache (the lookup's brute-force guard).

The counters live in the site's cache, which is Redis whenever the site has a Redis URL (every
production deployment), so the limit holds across all web processes and machines; the local-memory
cache of the embedded default counts per process. Limits apply per client address and per dossier
code; the address comes from the trusted proxy header only (:mod:`motcua.security.client_ip`), so
citizens behind one reverse proxy do not share one counter and nobody escapes it by forging one.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from motcua.security.client_ip import client_ip


def client_address(request) -> str:
    """Return the address a request's attempts are counted under."""
    return client_ip(request)


def lookup_limits() -> tuple[int, int]:
    """Return (attempts, window in seconds); site config ``portal_lookup_attempts`` / ``_minutes``."""
    extra = settings.SITE.extra or {}
    attempts = int(extra.get("portal_lookup_attempts", 10))
    minutes = int(extra.get("portal_lookup_minutes", 10))
    return attempts, minutes * 60


def attempt(keys: list[str], *, limit: int, window: int) -> bool:
    """Count one attempt under every key; return False when any key is over *limit*."""
    allowed = True
    for key in keys:
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
            count = 1
        allowed = allowed and count <= limit
    return allowed
