"""Who is who at the desk: the one definition of "may open the desk" and "is a desk member".

* :func:`may_enter_desk` — logged in, active and ``is_staff`` (a staff role gives ``is_staff``;
  citizens never have it). This opens the desk's pages; what they show is scoped later.
* :func:`is_desk_member` — may enter the desk *and* is a superuser or holds an active membership
  with a staff role (``motcua.core.roles.STAFF_ROLES``) somewhere. An officer whose memberships all
  ended keeps the flag but is no member: the admin's dossier, payment and audit pages refuse them.
  The answer is cached on the request (the admin asks many times per page).
"""

from __future__ import annotations

from motcua.core.roles import STAFF_ROLES
from motcua.units.selectors import holds_role

_CACHE = "_motcua_desk_member"


def may_enter_desk(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
    )


def is_desk_member(request) -> bool:
    user = request.user
    if not may_enter_desk(user):
        return False
    if user.is_superuser:
        return True
    if _CACHE not in request.__dict__:
        request.__dict__[_CACHE] = holds_role(user=user, roles=STAFF_ROLES)
    return request.__dict__[_CACHE]
