"""Reads for the desk pages; every dossier read starts from ``dossiers_visible`` (docs/architecture.md, Scope)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from motcua.core.roles import Role
from motcua.dossiers.models import Consultation, Dossier, DossierEvent, DossierStep
from motcua.dossiers.selectors import dossier_get, dossier_search, dossiers_visible
from motcua.dossiers.states import Status
from motcua.procedures.models import Procedure
from motcua.procedures.selectors import procedure_search
from motcua.units.models import Membership, MembershipScope, Unit
from motcua.units.selectors import units_in_scope, user_memberships

_LIST_RELATED = ("procedure", "unit", "current_unit", "current_step", "current_step__assignee")


def intake_queue(*, user) -> QuerySet[Dossier]:
    """Return the online submissions awaiting intake that *user* may see, oldest first."""
    return (
        dossiers_visible(user=user)
        .filter(status=Status.SUBMITTED)
        .select_related(*_LIST_RELATED)
        .order_by("submitted_at", "pk")
    )


def desk_search(*, user, query: str, limit: int = 100) -> list[Dossier]:
    """Return up to *limit* dossiers matching *query* in the user's scope, newest first."""
    return list(
        dossier_search(user=user, query=query)
        .select_related(*_LIST_RELATED)
        .order_by("-submitted_at", "-pk")[:limit]
    )


def dossier_page(*, user, pk: int) -> Dossier:
    """Return one visible dossier with what its page shows; ``Dossier.DoesNotExist`` otherwise."""
    dossier = dossier_get(user=user, pk=pk)
    prefetch_related_objects(
        [dossier],
        "documents",
        "pauses",
        Prefetch(
            "events",
            DossierEvent.objects.select_related("actor", "on_behalf_of", "step", "to_step", "unit"),
        ),
        Prefetch(
            "steps",
            DossierStep.objects.select_related("assignee", "unit").prefetch_related(
                Prefetch(
                    "consultations",
                    Consultation.objects.select_related("unit", "answered_by").order_by("pk"),
                )
            ),
        ),
    )
    return dossier


def reception_units(*, user) -> QuerySet[Unit]:
    """Return the active units where *user* is a reception officer (may receive dossiers).

    ``units_in_scope`` gives a superuser every unit, but receiving needs the role itself
    (``dossier_receive`` checks it), so superusers get only their own reception memberships.
    """
    if user.is_superuser:
        units = Unit.objects.filter(
            memberships__user=user,
            memberships__is_active=True,
            memberships__role__name=Role.RECEPTION_OFFICER,
        ).distinct()
    else:
        units = units_in_scope(user=user, roles=[Role.RECEPTION_OFFICER])
    return units.filter(is_active=True).order_by("path")


def counter_procedures(*, unit: Unit, query: str = "", limit: int = 20) -> list[Procedure]:
    """Return active procedures received at *unit* matching *query* (code or name, no accents).

    A centre also receives the boundary-free procedures of other units (``dossiers/boundary.py``).
    """
    from motcua.dossiers.boundary import receivable_procedures

    return list(
        procedure_search(query=query, active_only=True)
        .filter(receivable_procedures(unit=unit))
        .order_by("national_code")[:limit]
    )


def counter_competent_units(*, unit: Unit, procedure: Procedure) -> QuerySet[Unit]:
    """Return the units the counter of *unit* may receive *procedure* for (the competent ones)."""
    from motcua.dossiers.boundary import competent_units

    return competent_units(procedure=procedure, receiving=unit)


def supervises(*, user) -> bool:
    """Return whether *user* sees sub-units: a membership reaching below its unit (by default
    leaders, supervisors, administrators; the scope of each role is data), or a superuser."""
    if user.is_superuser:
        return True
    remembered = user_memberships(user)
    if remembered is not None:
        return any(row[2] != MembershipScope.UNIT for row in remembered)
    return (
        Membership.objects.filter(user=user, is_active=True)
        .exclude(scope=MembershipScope.UNIT)
        .exists()
    )


def worklist_units(*, user) -> QuerySet[Unit]:
    return units_in_scope(user=user).order_by("path")


def worklist_officers(*, user):
    """Return the officers a leader may filter the worklist by: staff of the units in scope."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            is_staff=True,
            memberships__is_active=True,
            memberships__unit__in=units_in_scope(user=user).values("pk"),
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def transfer_units(*, dossier: Dossier) -> QuerySet[Unit]:
    """Return the units a dossier may be transferred to: active units offering its procedure."""
    return (
        Unit.objects.filter(is_active=True, procedures=dossier.procedure_id)
        .exclude(pk=dossier.current_unit_id)
        .order_by("path")
    )


def consult_units(*, dossier: Dossier) -> QuerySet[Unit]:
    return Unit.objects.filter(is_active=True).exclude(pk=dossier.current_unit_id).order_by("path")


def step_officers(*, unit: Unit, roles) -> QuerySet:
    """Return the officers who may be assigned a step of *unit* taken by *roles*, by name.

    The rule is the services' own (``dossiers/assignment.py``), so the dropdown offers exactly
    the officers the forward accepts.
    """
    from motcua.dossiers.assignment import step_assignable_officers

    return step_assignable_officers(unit=unit, roles=roles).order_by(
        "last_name", "first_name", "username"
    )
