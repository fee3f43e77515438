"""A fixed-window attempt counter in Django's cache (the lookup's brute-force guard).

Per-process caches (the default local-memory cache) count per process: a deployment with several
web processes needs a shared cache (Redis) in ``CACHES`` for the limit to hold across them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


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
