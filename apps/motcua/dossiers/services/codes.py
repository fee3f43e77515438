"""Dossier codes: ``{agency code}-{yymmdd}-{seq:04d}``, one gap-free sequence per unit and day."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.utils import timezone

from motcua.dossiers.models import DossierCodeCounter
from motcua.units.models import Unit


def _next_code(unit: Unit, moment: datetime) -> str:
    """Return the next code ``{agency code}-{yymmdd}-{seq:04d}`` for *unit* on *moment*'s day.

    Gap-free and safe under concurrent receptions: the counter row is locked until the receiving
    transaction ends, and rolls back with it (a refused reception uses no number).
    """
    day = timezone.localtime(moment).date()
    if not DossierCodeCounter.objects.filter(unit=unit, day=day).exists():
        # An upsert, not INSERT + catch IntegrityError: on InnoDB a duplicate-key error leaves a
        # shared lock on the row, and two receptions holding it both wait for the exclusive lock
        # below (deadlock, seen with 20 concurrent first receptions of a day). The upsert takes
        # the exclusive lock at once; the no-op update keeps ``last``.
        target = (
            ["unit", "day"] if connection.features.supports_update_conflicts_with_target else None
        )
        DossierCodeCounter.objects.bulk_create(
            [DossierCodeCounter(unit=unit, day=day)],
            update_conflicts=True,
            unique_fields=target,
            update_fields=["day"],
        )
    counter = DossierCodeCounter.objects.select_for_update().get(unit=unit, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{unit.agency_code}-{day:%y%m%d}-{counter.last:04d}"
