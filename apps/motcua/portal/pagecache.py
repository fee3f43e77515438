"""Whole-page cache of the public catalogue pages (procedure list, procedure page) for anonymous
visitors.

Rules:

* **Who**: only a GET/HEAD without a session cookie and without a pending-messages cookie is
  served from or stored in the cache: such a visitor is anonymous and has nothing of their own on
  the page. Anyone logged in (the header names their account) or holding a session gets the page
  rendered for them. The list is cached without query string or with the page number only
  (``?trang=N``); searches and filters are rendered each time.
* **No session-specific part is stored**: a cacheable view renders with a placeholder instead of
  the CSRF token (the language switch is a POST form); the placeholder is replaced by the
  visitor's own token when the page is served, and the CSRF middleware sets their cookie as usual.
  A response that sets a cookie, or touched the session, is not stored.
* **Key**: the catalogue's revision (:class:`motcua.portal.models.PublicPageRevision`), the
  language, the path and query. The revision is replaced, in the writer's transaction, on every
  save or delete of a procedure, its versions (publishing), required documents, fees, online
  form fields and rules, a sector, a unit or a unit level, and when a procedure's units change —
  whoever saves (desk, admin, import). A version published for a later moment takes effect with no
  write (:func:`motcua.procedures.selectors.procedure_current_version`): the procedure page then
  expires at that moment (``response.public_page_until``).
* **Where the revision is read**: from the shared cache (Redis, every production deployment), one
  key set by the writer after commit; with a process-local cache (the embedded default) from the
  database, one primary-key query, since another process's change never reaches this one's memory.

The middleware sits right after ``CsrfViewMiddleware``: a page served from the cache skips
authentication, sessions, OTP, audit context, messages and the rest of the stack, and keeps the
headers those layers had set (X-Frame-Options…) as recorded with the page.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone, translation

#: What a cacheable page holds where the visitor's CSRF token goes.
PLACEHOLDER = "motcua-public-page-csrf"
#: Longest a page stays in the cache (a revision change makes it unreachable before that).
TIMEOUT = 60 * 60
REVISION_KEY = "portal:pages:revision"
_QUERY = re.compile(r"^(trang=\d{1,5})?$")
_LOCAL_BACKENDS = ("LocMemCache", "DummyCache")
_READ_REVISION = "SELECT token FROM portal_publicpagerevision ORDER BY id LIMIT 1"


# --------------------------------------------------------------------------- the revision


def _shared_cache() -> bool:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return not backend.endswith(_LOCAL_BACKENDS)


def _stored_revision() -> str:
    from motcua.portal.models import PublicPageRevision

    # Read on every cached page with a process-local cache: one plain statement, no ORM compile.
    with connection.cursor() as cursor:
        cursor.execute(_READ_REVISION)
        row = cursor.fetchone()
    token = row[0] if row else None
    if token is None:
        token = PublicPageRevision.objects.create(token=uuid.uuid4().hex).token
    return token


def page_revision() -> str:
    """The catalogue's current revision (see the module docstring for where it is read)."""
    if not _shared_cache():
        return _stored_revision()
    token = cache.get(REVISION_KEY)
    if token is None:
        token = _stored_revision()
        cache.add(REVISION_KEY, token, None)  # a writer's newer token wins
    return token


def page_revision_bump(**_signal) -> None:
    """Make every cached public page stale: a new token now, in the shared cache after commit."""
    from motcua.portal.models import PublicPageRevision

    token = uuid.uuid4().hex
    if not PublicPageRevision.objects.update(token=token):
        PublicPageRevision.objects.create(token=token)
    if _shared_cache():
        transaction.on_commit(lambda: cache.set(REVISION_KEY, token, None))


# --------------------------------------------------------------------------- views and middleware


def public_page(view):
    """Mark a catalogue view cacheable: on a cache miss it renders with the CSRF placeholder."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if getattr(request, "public_page_cache", False) and hasattr(response, "context_data"):
            response.context_data = {**(response.context_data or {}), "csrf_token": PLACEHOLDER}
            response.public_page = True
        return response

    wrapper.public_page = True
    return wrapper


@lru_cache(maxsize=4096)
def _cacheable_path(urlconf, path: str) -> bool:
    """Whether *path* is served by a :func:`public_page` view (resolved once per path)."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return False
    return getattr(match.func, "public_page", False)


def _eligible(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and _QUERY.match(request.META.get("QUERY_STRING", "")) is not None
        and _cacheable_path(get_urlconf(), request.path_info)
    )


def _storable(request, response) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.cookies
        and not getattr(session, "modified", False)
        and not getattr(getattr(request, "user", None), "is_authenticated", False)
    )


def _timeout(until: datetime | None) -> int:
    if until is None:
        return TIMEOUT
    return max(0, min(TIMEOUT, int((until - timezone.now()).total_seconds())))


def _serve(request, content: bytes, headers: dict) -> HttpResponse:
    response = HttpResponse(content.replace(PLACEHOLDER.encode(), get_token(request).encode()))
    for name, value in headers.items():
        response[name] = value
    return response


class PublicPageCacheMiddleware:
    """Serve and store the pages of :func:`public_page` views; place after CsrfViewMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        key = "portal:page:{}:{}:{}?{}".format(
            page_revision(),
            translation.get_language(),
            request.path,
            request.META.get("QUERY_STRING", ""),
        )
        entry = cache.get(key)
        if entry is not None:
            return _serve(request, *entry)
        request.public_page_cache = True
        response = self.get_response(request)
        if not getattr(response, "public_page", False):
            return response
        content = response.content
        timeout = _timeout(getattr(response, "public_page_until", None))
        if _storable(request, response) and timeout > 0:
            headers = {k: v for k, v in response.items() if k.lower() != "content-length"}
            cache.set(key, (content, headers), timeout)
        response.content = content.replace(PLACEHOLDER.encode(), get_token(request).encode())
        return response
