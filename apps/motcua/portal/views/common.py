"""Helpers shared by the portal's views: the login requirement (files: :mod:`motcua.core.serving`)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse


def portal_login_required(view):
    """Send anonymous visitors to the portal's login page (not the desk's)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        return view(request, *args, **kwargs)

    return wrapper
