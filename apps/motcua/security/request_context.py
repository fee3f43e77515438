"""The request being served, for audit hooks that Django calls without one.

Django's ``password_changed`` hook (see :mod:`motcua.security.audit`) receives the user whose
password changed, never who changed it. :class:`RequestContextMiddleware` keeps the current
request in a context variable for the length of the request, so the hook can record the actor
(an administrator resetting an officer's password) and the address. Outside a request (shell,
management command, job) there is none.
"""

from __future__ import annotations

from contextvars import ContextVar

_current: ContextVar = ContextVar("motcua_current_request", default=None)


def current_request():
    """Return the request being served in this context, or None."""
    return _current.get()


class RequestContextMiddleware:
    """Place after ``AuthenticationMiddleware`` (the hook reads ``request.user``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
