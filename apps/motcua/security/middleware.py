"""Officer sessions end after a configurable idle time (site config ``security.staff_idle_minutes``).

Desk accounts reach every dossier of their units: a desk left open in a public reception hall must
not stay signed in. Citizens' portal sessions keep Django's normal lifetime. The last-seen time is
written at most once a minute, so a busy officer does not rewrite the session on every click.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from motcua.security.otp import otp_required

LAST_SEEN_KEY = "motcua_last_seen"


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        idle = settings.MOTCUA_STAFF_IDLE_MINUTES * 60
        if idle and user is not None and user.is_authenticated and user.is_staff:
            now = int(time.time())
            last = request.session.get(LAST_SEEN_KEY)
            if last is not None and now - int(last) > idle:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if last is None or now - int(last) >= 60:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class OTPRequiredMiddleware:
    """Send a desk account whose role needs a second factor to the code page until it passes.

    Runs after django-otp's ``OTPMiddleware`` (which sets ``user.is_verified``). Only the second
    factor page itself, signing out, static files and the language switch stay reachable.
    """

    EXEMPT = ("/security/", "/admin/logout/", "/static/", "/i18n/", "/tai-khoan/dang-xuat/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.EXEMPT)
            and not user.is_verified()
            and otp_required(user)
        ):
            return redirect(
                f"{reverse('security:otp')}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)
