"""Reads of the reporting side; every dossier read starts from ``dossiers_visible(user=...)``."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossiers_visible
from motcua.procedures.models import Procedure
from motcua.units.models import Unit
from motcua.units.selectors import unit_descendants, units_in_scope


def scope_units(*, unit: Unit | None, subtree: bool) -> QuerySet[Unit] | None:
    """Return the units a report is restricted to, or None for the viewer's whole scope."""
    if unit is None:
        return None
    if subtree:
        return unit_descendants(unit=unit)
    return Unit.objects.filter(pk=unit.pk)


def report_dossiers(*, user, unit: Unit | None = None, subtree: bool = False) -> QuerySet[Dossier]:
    """Return the dossiers *user* may report on, optionally those received by *unit* (subtree)."""
    dossiers = dossiers_visible(user=user)
    units = scope_units(unit=unit, subtree=subtree)
    if units is not None:
        dossiers = dossiers.filter(unit__in=units.values("pk"))
    return dossiers


def report_procedures(*, user, unit: Unit | None = None, subtree: bool = False):
    """Return the procedures offered by the units in *user*'s scope (or by *unit*'s subtree)."""
    units = scope_units(unit=unit, subtree=subtree)
    if units is None:
        units = units_in_scope(user=user)
    return Procedure.objects.filter(units__in=units.values("pk"))
