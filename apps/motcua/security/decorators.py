"""Access rules for pages outside the desk's model pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from motcua.units.admin_scope import is_site_administrator


def site_administrator_required(view):
    """Let only the site administrator (superuser or ``administrator`` role) in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_site_administrator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
