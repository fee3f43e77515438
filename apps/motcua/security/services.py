"""Writes of the security log (see :mod:`motcua.security.models`)."""

from __future__ import annotations

from typing import Any

from motcua.security.client_ip import client_ip
from motcua.security.models import SecurityEvent


def security_event_record(
    *,
    kind: str,
    user=None,
    username: str = "",
    actor=None,
    request=None,
    data: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Append one event; the address and page come from *request* when there is one."""
    if user is not None and not getattr(user, "pk", None):
        user = None
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or getattr(user, "username", "") or "")[:150],
        actor=actor,
        ip=client_ip(request)[:45] if request is not None else "",
        path=(request.path[:255] if request is not None else ""),
        data=data or {},
    )
