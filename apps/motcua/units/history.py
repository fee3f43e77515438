"""Reads of a unit's history: its identity on a day, and the units of X by one structure or another.

Rules (docs/architecture.md, Units and reorganisation):

1. **Identity on a day.** A unit's name and agency code on day D are those of the
   :class:`~motcua.units.models.UnitIdentity` row with the smallest ``valid_to`` after D, or its
   current ones when no change took effect after D. Printed forms use the day of the dossier
   (its receipt), so a form reprinted after a rename shows the name the dossier was received under.
2. **Structure.** ``current``: a unit stands for itself and, transitively, every unit that ended
   into it (:class:`~motcua.units.models.UnitSuccession`): a new ward's statistics include the
   history of the communes merged into it. ``historical``: a unit stands for itself only, as the
   structure was when the dossiers were received (the old communes keep their own figures).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.units.models import Unit, UnitIdentity, UnitSuccession


class Structure(TextChoices):
    CURRENT = "current", _("Theo cơ cấu hiện nay (gồm đơn vị tiền thân)")
    HISTORICAL = "historical", _("Theo cơ cấu tại thời điểm phát sinh")


@dataclass(frozen=True)
class Identity:
    name: str
    short_name: str
    agency_code: str
    parent_id: int | None


def _day(moment: date | datetime | None) -> date | None:
    if moment is None or not isinstance(moment, datetime):
        return moment
    return timezone.localtime(moment).date()


def unit_identity_at(unit: Unit, moment: date | datetime | None) -> Identity:
    """Return *unit*'s name and code on the day of *moment* (rule 1); now when it is None."""
    current = Identity(unit.name, unit.short_name, unit.agency_code, unit.parent_id)
    day = _day(moment)
    if day is None or unit.pk is None:
        return current
    former = (
        UnitIdentity.objects.filter(unit_id=unit.pk, valid_to__gt=day)
        .order_by("valid_to", "id")
        .first()
    )
    if former is None:
        return current
    return Identity(former.name, former.short_name, former.agency_code, former.parent_id)


def predecessor_ids(unit_ids: Iterable[int]) -> set[int]:
    """Return every unit that ended into one of *unit_ids*, transitively (not the units given)."""
    found: set[int] = set()
    frontier = set(unit_ids)
    while frontier:
        step = set(
            UnitSuccession.objects.filter(successor_id__in=frontier).values_list(
                "predecessor_id", flat=True
            )
        )
        frontier = step - found - set(unit_ids)
        found |= frontier
    return found


def units_of(unit_ids: Iterable[int], *, structure: str = Structure.CURRENT) -> set[int]:
    """Return the ids of the units that *unit_ids* stand for under *structure* (rule 2)."""
    ids = set(unit_ids)
    if structure == Structure.HISTORICAL:
        return ids
    return ids | predecessor_ids(ids)


def successor_chain(unit: Unit) -> list[Unit]:
    """Return the units *unit* ended into, nearest first (for the unit page and the read-back)."""
    chain: list[Unit] = []
    seen = {unit.pk}
    frontier = [unit.pk]
    while frontier:
        rows = list(
            UnitSuccession.objects.filter(predecessor_id__in=frontier).select_related("successor")
        )
        frontier = [r.successor_id for r in rows if r.successor_id not in seen]
        seen.update(frontier)
        chain.extend(r.successor for r in rows if r.successor_id in frontier)
    return chain


def unit_for_code(code: str) -> Unit | None:
    """Return the unit that answers for agency code *code* today, or None.

    A procedure version frozen before a reorganisation names units by the codes of that day: a
    current code gives its unit; a former code (rename, re-code) gives the unit that had it; a unit
    that ended gives its principal successor, followed to the end of the chain.
    """
    unit = Unit.objects.filter(agency_code=code).first()
    if unit is None:
        former = UnitIdentity.objects.filter(agency_code=code).order_by("-valid_to").first()
        unit = former.unit if former is not None else None
    seen: set[int] = set()
    while unit is not None and unit.valid_to is not None and unit.pk not in seen:
        seen.add(unit.pk)
        succession = (
            UnitSuccession.objects.filter(predecessor=unit, is_principal=True)
            .select_related("successor")
            .first()
        )
        if succession is None:
            break
        unit = succession.successor
    return unit
