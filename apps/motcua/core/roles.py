"""The roles, stored as Django groups whose names are these stable English codes.

Groups are created by data migrations (``units/migrations/0002_roles.py``, ``0003_h11_…``) and
stay editable by the site administrator (the role permission page): permissions change, code names
never do, because the scope rules rely on them.

Two levels of administration: the site administrator (``administrator``) configures the whole
site; a unit administrator (``unit_administrator``) administers only their unit and its
descendants, and never grants the site-only roles, superuser or staff status, groups or
permissions.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")
    UNIT_ADMINISTRATOR = "unit_administrator", _("Quản trị đơn vị")
    RECEPTION_OFFICER = "reception_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    UNIT_LEADER = "unit_leader", _("Lãnh đạo đơn vị")
    CLERK = "clerk", _("Văn thư")
    SUPERVISOR = "supervisor", _("Giám sát")
    CITIZEN = "citizen", _("Công dân, tổ chức")


#: Roles whose scope is their unit *and all its descendants* (docs/architecture.md, Scope); others see their unit only.
SUBTREE_ROLES = frozenset(
    {Role.UNIT_LEADER, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.UNIT_ADMINISTRATOR}
)

#: Roles only the site administrator grants: a unit administrator never hands them out, even in
#: their own subtree (administration is delegated downwards, never upwards or sideways).
SITE_ONLY_ROLES = frozenset({Role.ADMINISTRATOR})

#: Roles that work in the desk (Django admin ``is_staff``); citizens use the portal only.
STAFF_ROLES = frozenset(set(Role) - {Role.CITIZEN})


def role_label(name: str) -> str:
    """Return the Vietnamese label of a role code ("specialist" → "Chuyên viên xử lý"); a custom
    group keeps its own name."""
    return str(Role(name).label) if name in Role.values else name


def install_role_labels() -> None:
    """Show roles (auth groups) by their label wherever Django prints a group: the membership
    form's select, list columns and filters, messages. Called once from ``CoreConfig.ready``."""
    from django.contrib.auth.models import Group

    Group.__str__ = lambda self: role_label(self.name)
