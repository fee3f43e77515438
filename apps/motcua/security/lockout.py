"""The page shown to a locked-out login (django-axes ``AXES_LOCKOUT_CALLABLE``), in Vietnamese."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

from motcua.security.models import SecurityEventKind
from motcua.security.services import security_event_record


def lockout_response(request, credentials, *args, **kwargs):
    """Answer 429 with the cool-off time; record the lock-out once per blocked attempt."""
    username = str((credentials or {}).get("username", "") or "")
    security_event_record(kind=SecurityEventKind.LOCKOUT, username=username, request=request)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # A plain response: axes returns it from its middleware, where nothing renders a template.
    return render(request, "security/lockout.html", {"minutes": minutes}, status=429)
