"""Who may be assigned a workflow step: one rule for the desk's dropdown and the services.

An officer may be given a step when they are active and hold one of the step's roles through an
active membership in the step's unit itself. A subtree membership of a parent unit lets a leader
act on the step (``permissions.py`` rule 2) but does not put them on the unit's roster, so they
are neither offered in the dropdown nor picked by round robin or least-loaded assignment.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import QuerySet


def step_assignable_officers(*, unit, roles: Iterable[str]) -> QuerySet:
    """Return the officers who may be assigned a step of *unit* taken by *roles* (unordered)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__unit=unit,
            memberships__is_active=True,
            memberships__role__name__in=list(roles),
        )
        .distinct()
    )


def officer_assignable(*, user, unit, roles: Iterable[str]) -> bool:
    """Return whether *user* may be assigned a step of *unit* taken by *roles*."""
    return step_assignable_officers(unit=unit, roles=roles).filter(pk=user.pk).exists()
