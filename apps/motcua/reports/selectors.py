"""Reads of the reporting side; every dossier read starts from ``dossiers_visible(user=...)``."""

from __future__ import annotations

from types import SimpleNamespace

from django.db.models import Q, QuerySet

from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossiers_visible
from motcua.procedures.models import Procedure
from motcua.units.models import Unit
from motcua.units.selectors import unit_descendants, units_in_scope

#: The reader of the command line and of the public page: the whole site, no person behind it.
#: ``dossiers_visible`` treats it as a superuser; it is never saved nor logged in.
SYSTEM_READER = SimpleNamespace(is_authenticated=True, is_active=True, is_superuser=True, pk=None)


def scope_units(*, unit: Unit | None, subtree: bool) -> QuerySet[Unit] | None:
    """Return the units a report is restricted to, or None for the viewer's whole scope."""
    if unit is None:
        return None
    if subtree:
        return unit_descendants(unit=unit)
    return Unit.objects.filter(pk=unit.pk)


def report_dossiers(*, user, unit: Unit | None = None, subtree: bool = False) -> QuerySet[Dossier]:
    """Return the dossiers *user* may report on, optionally those received or decided by *unit*
    (subtree): a boundary-free dossier counts for both (``reports/indicators.py``, Units; pass
    ``scope_units`` as the window's ``units`` so each count keeps to its own credit)."""
    dossiers = dossiers_visible(user=user)
    units = scope_units(unit=unit, subtree=subtree)
    if units is not None:
        # ids read once: two index ranges (receiving, competent) the optimizer can merge
        ids = list(units.values_list("pk", flat=True))
        dossiers = dossiers.filter(Q(unit__in=ids) | Q(competent_unit__in=ids))
    return dossiers


def report_procedures(*, user, unit: Unit | None = None, subtree: bool = False):
    """Return the procedures offered by the units in *user*'s scope (or by *unit*'s subtree)."""
    visible = units_in_scope(user=user)
    units = scope_units(unit=unit, subtree=subtree)
    units = visible if units is None else units.filter(pk__in=visible.values("pk"))
    return Procedure.objects.filter(units__in=units.values("pk"))


def saved_reports_visible(*, user):
    """Return the saved reports *user* may open: their own, or shared with a role they hold
    (in any active membership) or with a unit they are an active member of."""
    from django.db.models import Q

    from motcua.reports.models import SavedReport
    from motcua.units.models import Membership

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return SavedReport.objects.none()
    if user.is_superuser:
        return SavedReport.objects.all()
    memberships = Membership.objects.filter(user=user, is_active=True)
    ids = SavedReport.objects.filter(
        Q(owner=user)
        | Q(shared_roles__in=memberships.values("role"))
        | Q(shared_units__in=memberships.values("unit"))
    ).values("pk")
    return SavedReport.objects.filter(pk__in=ids).select_related("owner")
