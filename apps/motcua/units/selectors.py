"""Reads of the unit tree and of who may act where (docs/architecture.md, Scope).

These are the basis of the scoped dossier selector (docs/architecture.md, Scope): a person's scope is the union of
their active memberships, each covering its unit, or its unit and all descendants when the
membership's scope is ``subtree``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Q, QuerySet

from motcua.units.models import Membership, MembershipScope, Unit


def _fresh_path(unit: Unit) -> str:
    """Return the unit's path as stored now (the instance may predate a move)."""
    return Unit.objects.values_list("path", flat=True).get(pk=unit.pk)


def unit_descendants(*, unit: Unit, include_self: bool = True) -> QuerySet[Unit]:
    """Return the units below *unit* (and *unit* itself unless ``include_self=False``)."""
    units = Unit.objects.filter(path__startswith=_fresh_path(unit))
    if not include_self:
        units = units.exclude(pk=unit.pk)
    return units


def unit_ancestors(*, unit: Unit) -> list[Unit]:
    """Return the ancestors of *unit*, root first, without *unit* itself."""
    current = Unit(path=_fresh_path(unit))
    ids = current.ancestor_ids
    by_id = Unit.objects.select_related("level").in_bulk(ids)
    return [by_id[pk] for pk in ids]


def _active_memberships(user, roles: Iterable[str] | None):
    memberships = Membership.objects.filter(user=user, is_active=True)
    if roles is not None:
        memberships = memberships.filter(role__name__in=list(roles))
    return memberships


#: user id -> the user's active memberships as (unit id, unit path, scope, role name), read once
#: per request while :func:`memberships_remembered` is active.
_memberships: ContextVar[dict | None] = ContextVar("motcua_memberships", default=None)


@contextmanager
def memberships_remembered() -> Iterator[None]:
    """Within the block, each user's active memberships are read once (one query).

    For one read-only request (``units.middleware``): a desk page asks who the user is in five
    places (desk access, the sidebar's roles, the scope of the dossier selector, reception's
    units, the actions of a dossier), each answer identical. A write to a membership or a unit
    in the block forgets what was read (``units.apps``).
    """
    token = _memberships.set({})
    try:
        yield
    finally:
        _memberships.reset(token)


def memberships_forget(**_signal) -> None:
    """Forget the memberships read in the current block (a membership or a unit changed)."""
    memo = _memberships.get()
    if memo is not None:
        memo.clear()


def user_memberships(user, roles: Iterable[str] | None = None) -> list[tuple] | None:
    """The user's active memberships (unit id, unit path, scope, role name), through *roles* if
    given, from the block's memo; None outside :func:`memberships_remembered` (query instead)."""
    memo = _memberships.get()
    if memo is None:
        return None
    if user.pk not in memo:
        memo[user.pk] = list(
            _active_memberships(user, None).values_list(
                "unit_id", "unit__path", "scope", "role__name"
            )
        )
    rows = memo[user.pk]
    if roles is None:
        return list(rows)
    wanted = set(roles)
    return [row for row in rows if row[3] in wanted]


def units_in_scope(*, user, roles: Iterable[str] | None = None) -> QuerySet[Unit]:
    """Return every unit the user may work in, optionally only through the given role names.

    Superusers get all units; anonymous or inactive users and users without an active membership
    get none. Inactive *units* stay in scope: their old dossiers must remain visible.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    condition = Q()
    unit_ids = []
    rows = user_memberships(user, roles)
    if rows is None:
        rows = _active_memberships(user, roles).values_list(
            "unit_id", "unit__path", "scope", "role__name"
        )
    for unit_id, path, scope, _role in rows:
        if scope == MembershipScope.ALL:
            return Unit.objects.all()
        if scope == MembershipScope.SUBTREE:
            condition |= Q(path__startswith=path)
        else:
            unit_ids.append(unit_id)
    if unit_ids:
        condition |= Q(pk__in=unit_ids)
    if not condition:
        return Unit.objects.none()
    return Unit.objects.filter(condition)


def holds_role(*, user, roles: Iterable[str] | None = None) -> bool:
    """Whether :func:`units_in_scope` has any unit: an active membership (through *roles*)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
        return units_in_scope(user=user, roles=roles).exists()
    rows = user_memberships(user, roles)
    if rows is None:
        return units_in_scope(user=user, roles=roles).exists()
    return bool(rows)  # every membership's scope holds at least its own unit


_remembered: ContextVar[dict | None] = ContextVar("motcua_roles_remembered", default=None)


@contextmanager
def roles_remembered() -> Iterator[None]:
    """Within the block, :func:`user_roles_in_unit` reads each (user, unit) once.

    For one transaction that checks the same person's right several times (a reception and its
    start): memberships do not change under it.
    """
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def user_roles_in_unit(*, user, unit: Unit) -> set[str]:
    """Return the role (group) names the user holds in *unit*.

    A role counts when held directly in the unit, or through a ``subtree`` membership in one of
    its ancestors. Superuser status is not a role: callers check ``is_superuser`` themselves.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    memo = _remembered.get()
    if memo is None:
        return _roles_in_unit(user, unit)
    key = (user.pk, unit.pk)
    if key not in memo:
        memo[key] = frozenset(_roles_in_unit(user, unit))
    return set(memo[key])


def _roles_in_unit(user, unit: Unit) -> set[str]:
    current = Unit(pk=unit.pk, path=_fresh_path(unit))
    rows = user_memberships(user)
    if rows is not None:
        ancestors = set(current.ancestor_ids)
        return {
            role
            for unit_id, _path, scope, role in rows
            if unit_id == unit.pk
            or (scope == MembershipScope.SUBTREE and unit_id in ancestors)
            or scope == MembershipScope.ALL
        }
    memberships = _active_memberships(user, None).filter(
        Q(unit_id=unit.pk)
        | Q(unit_id__in=current.ancestor_ids, scope=MembershipScope.SUBTREE)
        | Q(scope=MembershipScope.ALL)
    )
    return set(memberships.values_list("role__name", flat=True))
