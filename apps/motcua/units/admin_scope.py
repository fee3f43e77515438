"""Who administers what: the site administrator and unit administrators.

Rules (each enforced by :mod:`motcua.units.admin_mixins` and tested in ``tests/security``):

1. A superuser or a holder of an active ``administrator`` membership is the *site administrator*:
   the whole site, roles and permissions included.
2. A ``unit_administrator`` membership administers its unit and all descendants (its subtree),
   nothing above or beside it.
3. A unit administrator grants only roles whose permissions are all among their own, never a
   site-only role, and never to themselves.
4. A unit administrator changes a user account only when every active membership of that user lies
   in their subtree and the user is neither a superuser nor a site administrator: otherwise a
   password reset would take over a wider account.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Q, QuerySet

from motcua.core.roles import SITE_ONLY_ROLES, STAFF_ROLES, Role
from motcua.units.models import Membership, Unit
from motcua.units.selectors import holds_role, units_in_scope


def _cached(request_or_user, key: str, compute):
    """Memoise per request (the admin asks the same question for every row)."""
    user = getattr(request_or_user, "user", request_or_user)
    store = user.__dict__.setdefault("_motcua_admin_scope", {})
    if key not in store:
        store[key] = compute()
    return store[key]


def is_site_administrator(user) -> bool:
    """Rule 1: superuser, or an active ``administrator`` membership."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return _cached(
        user,
        "site",
        lambda: holds_role(user=user, roles=[Role.ADMINISTRATOR]),
    )


def administered_units(user) -> QuerySet[Unit]:
    """Rule 2: every unit the user administers (all units for the site administrator)."""
    if is_site_administrator(user):
        return Unit.objects.all()
    return units_in_scope(user=user, roles=[Role.UNIT_ADMINISTRATOR])


def administered_unit_ids(user) -> set[int]:
    return _cached(
        user, "unit_ids", lambda: set(administered_units(user).values_list("pk", flat=True))
    )


def grantable_roles(user) -> QuerySet[Group]:
    """Rule 3: the roles (groups) this administrator may put in a membership.

    The built-in roles below the site administrator rank as the hierarchy says; a custom group
    counts as "up to their own" only when each of its permissions is one the administrator holds.
    """
    if is_site_administrator(user):
        return Group.objects.all()
    own = user.get_all_permissions()
    allowed = []
    for group in (
        Group.objects.exclude(name__in=list(SITE_ONLY_ROLES))
        .exclude(name__in=Role.values)
        .prefetch_related("permissions__content_type")
    ):
        needed = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        if needed <= own:
            allowed.append(group.pk)
    built_in = [role for role in Role.values if role not in SITE_ONLY_ROLES]
    return Group.objects.filter(Q(pk__in=allowed) | Q(name__in=built_in))


def users_administered(user, queryset):
    """The user accounts with a membership (active or not) in the administrator's subtree."""
    if is_site_administrator(user):
        return queryset
    in_subtree = Membership.objects.filter(user=OuterRef("pk"), unit__in=administered_units(user))
    return queryset.filter(Exists(in_subtree))


def may_change_user(admin_user, target) -> bool:
    """Rule 4."""
    if is_site_administrator(admin_user):
        return True
    if target.is_superuser or is_site_administrator(target):
        return False
    if target.pk == admin_user.pk:
        return True  # their own name, e-mail and password (the form has no flag to change)
    units = administered_unit_ids(admin_user)
    memberships = set(
        Membership.objects.filter(user=target, is_active=True).values_list("unit_id", flat=True)
    )
    return memberships <= units and Membership.objects.filter(user=target, unit__in=units).exists()


def readable_units(user) -> QuerySet[Unit]:
    """Units whose desk records the user reads: administered ones and those they work in."""
    if is_site_administrator(user):
        return Unit.objects.all()
    return units_in_scope(user=user, roles=STAFF_ROLES)
