"""Each user's memberships read once per read-only request (``units.selectors``)."""

from __future__ import annotations

from motcua.units.selectors import memberships_remembered

#: Requests that change nothing: their permission checks all see the same memberships.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class MembershipsRememberedMiddleware:
    """A GET/HEAD request reads the user's active memberships once; the next request reads them
    again, so a change made by an administrator applies from the next page on. A request that
    may write (POST…) reads them as each check asks, as before."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS:
            return self.get_response(request)
        with memberships_remembered():
            return self.get_response(request)
