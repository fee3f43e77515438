"""Writes to the unit tree and to memberships (docs/architecture.md: services write, selectors read).

``Unit.save()`` already keeps the materialized path correct (see :mod:`motcua.units.models`), so the
desk's forms and the XLSX import save models directly after their own validation. Code outside a
form (jobs, commands, the API, other apps) calls these services, which validate first.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from motcua.units.models import Membership, Unit, UnitLevel


@transaction.atomic
def unit_create(
    *,
    agency_code: str,
    name: str,
    level: UnitLevel,
    parent: Unit | None = None,
    **fields,
) -> Unit:
    """Create a unit after full validation (agency code pattern and uniqueness, level order)."""
    unit = Unit(agency_code=agency_code, name=name, level=level, parent=parent, **fields)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, **fields) -> Unit:
    """Change a unit's fields (``parent`` included: that moves it) after full validation."""
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean()
    unit.save()
    return unit


def unit_move(*, unit: Unit, new_parent: Unit | None) -> Unit:
    """Move *unit* (with its subtree) under *new_parent*; ``None`` makes it a root.

    Raises ``ValidationError`` when *new_parent* is the unit itself or one of its descendants.
    """
    return unit_update(unit=unit, parent=new_parent)


@transaction.atomic
def unit_rebuild_paths() -> int:
    """Recompute every unit's ``path`` and ``depth`` from the parent links; return how many changed.

    Needed after ``loaddata`` (which bypasses ``Unit.save()``) or a manual SQL repair.
    """
    rows = list(Unit.objects.select_for_update().values_list("pk", "parent_id", "path", "depth"))
    children = defaultdict(list)
    for pk, parent_id, _path, _depth in rows:
        children[parent_id].append(pk)
    computed: dict[int, tuple[str, int]] = {}
    stack = [(pk, "/", 0) for pk in children[None]]
    while stack:
        pk, prefix, depth = stack.pop()
        path = f"{prefix}{pk}/"
        computed[pk] = (path, depth)
        stack.extend((child, path, depth + 1) for child in children[pk])
    changed = [
        Unit(pk=pk, path=computed[pk][0], depth=computed[pk][1])
        for pk, _parent, path, depth in rows
        if pk in computed and computed[pk] != (path, depth)
    ]
    Unit.objects.bulk_update(changed, ["path", "depth"], batch_size=500)
    return len(changed)


@transaction.atomic
def membership_create(*, user, unit: Unit, role, scope: str = "", is_active: bool = True):
    """Give *user* a *role* (a ``Group``) in *unit*; a blank scope takes the role's default."""
    membership = Membership(user=user, unit=unit, role=role, scope=scope, is_active=is_active)
    membership.full_clean()
    membership.save()
    return membership
