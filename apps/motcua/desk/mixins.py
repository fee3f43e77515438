"""Access to the desk: a logged-in, active staff member (the portal has its own mixin).

Anonymous visitors are sent to the admin login page; logged-in people who are not staff (citizens)
get 403. What a staff member may *see* is decided later by the scoped selectors, and what they may
*do* by ``dossier_action_check``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.units.desk_access import may_enter_desk


def _check(request):
    """Return a login redirect for anonymous users, raise 403 for non-staff, else None."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not may_enter_desk(user):
        raise PermissionDenied(_("Trang này chỉ dành cho cán bộ, công chức."))
    return None


def desk_required(view):
    """Decorate a function view so that only staff members reach it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return _check(request) or view(request, *args, **kwargs)

    return wrapper
