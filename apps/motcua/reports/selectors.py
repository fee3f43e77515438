"""Reads of the reporting side; every dossier read starts from ``dossiers_visible(user=...)``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import SimpleNamespace

from django.db.models import Q, QuerySet

from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossiers_visible, scope_unit_ids
from motcua.procedures.models import Procedure
from motcua.units.history import Structure, units_of
from motcua.units.models import Unit
from motcua.units.selectors import unit_descendants, units_in_scope

#: The reader of the command line and of the public page: the whole site, no person behind it.
#: ``dossiers_visible`` treats it as a superuser; it is never saved nor logged in.
SYSTEM_READER = SimpleNamespace(is_authenticated=True, is_active=True, is_superuser=True, pk=None)


def scope_units(
    *, unit: Unit | None, subtree: bool, structure: str = Structure.CURRENT
) -> QuerySet[Unit] | None:
    """Return the units a report is restricted to, or None for the viewer's whole scope.

    *structure* (``motcua.units.history``): ``current`` adds, transitively, the units that ended
    into the chosen ones (a new ward reports its former communes' history); ``historical`` keeps
    each unit to its own dossiers, as the structure was when they were received.
    """
    if unit is None:
        return None
    units = unit_descendants(unit=unit) if subtree else Unit.objects.filter(pk=unit.pk)
    if structure == Structure.HISTORICAL:
        return units
    return Unit.objects.filter(pk__in=units_of(units.values_list("pk", flat=True)))


def report_unit_ids(
    *, user, unit: Unit | None = None, subtree: bool = False, structure: str = Structure.CURRENT
) -> list[int] | None:
    """Return the receiving units a report of *user* counts (None: every unit), the one unit
    filter of the reporting side.

    A dossier counts for the unit that received it (see :mod:`motcua.reports.indicators`), so a
    person's reports cover the dossiers received by the units of their scope (whatever its shape:
    single units, subtrees, both), narrowed to *unit* (and its subtree) when one is chosen.
    """
    if getattr(user, "is_superuser", False):
        visible = None
    else:
        visible = scope_unit_ids(user=user) if user.is_authenticated and user.is_active else []
        if visible and len(visible) == Unit.objects.count():
            visible = None
    units = scope_units(unit=unit, subtree=subtree, structure=structure)
    if units is None:
        return visible
    chosen = list(units.values_list("pk", flat=True))
    return chosen if visible is None else sorted(set(chosen) & set(visible))


def report_dossiers(
    *, user, unit: Unit | None = None, subtree: bool = False, structure: str = Structure.CURRENT
) -> QuerySet[Dossier]:
    """Return the dossiers *user* may report on: visible to them and received or decided by a
    unit of :func:`report_unit_ids` (a boundary-free dossier counts for both: its reception for
    the receiving unit, its processing for the competent one, ``reports/indicators.py``, Units;
    :meth:`ReportScope.credited` keeps each count to its own credit)."""
    dossiers = dossiers_visible(user=user)
    ids = report_unit_ids(user=user, unit=unit, subtree=subtree, structure=structure)
    if ids is None:
        return dossiers
    # two index ranges (receiving, competent) the optimizer can merge
    return dossiers.filter(Q(unit__in=ids) | Q(competent_unit__in=ids))


def report_summaries(
    *,
    user,
    unit: Unit | None = None,
    subtree: bool = False,
    structure: str = Structure.CURRENT,
    model=None,
):
    """Return the monthly summary rows (or the rows of *model*, keyed by unit) of the units of
    :func:`report_unit_ids`."""
    from motcua.reports.models import MonthSummary

    rows = (model or MonthSummary).objects.all()
    ids = report_unit_ids(user=user, unit=unit, subtree=subtree, structure=structure)
    return rows if ids is None else rows.filter(unit__in=ids)


@dataclass(frozen=True)
class ReportScope:
    """What one report reads: the dossiers (lists, drill-down, periods the summaries do not
    serve), the summary rows of the same units, and the procedures of those units (§3.1)."""

    dossiers: QuerySet[Dossier]
    summaries: QuerySet
    procedures: QuerySet[Procedure]
    #: OfficerMonth rows of the same units (the officer ranking and evaluation figures).
    officers: QuerySet
    #: The units whose credit the counts keep to (:func:`report_unit_ids`); None: every unit.
    unit_ids: tuple[int, ...] | None = None

    def narrowed(self, **lookups) -> ReportScope:
        """Return the scope filtered by *lookups* valid on dossiers and both summaries."""
        return replace(
            self,
            dossiers=self.dossiers.filter(**lookups),
            summaries=self.summaries.filter(**lookups),
            officers=self.officers.filter(**lookups),
        )

    def with_procedures(self, procedures: QuerySet[Procedure]) -> ReportScope:
        return replace(self, procedures=procedures)

    def credited(self, w):
        """Return the window *w* keeping each count to what the scope's units are credited with
        (reception counts: the receiving unit; processing counts: the competent one)."""
        return w if self.unit_ids is None else replace(w, units=self.unit_ids)


def report_scope(
    *, user, unit: Unit | None = None, subtree: bool = False, structure: str = Structure.CURRENT
) -> ReportScope:
    """Return the :class:`ReportScope` of *user* (optionally *unit* and its subtree), read by the
    current structure or the historical one (:func:`scope_units`)."""
    from motcua.reports.models import OfficerMonth

    kw = {"user": user, "unit": unit, "subtree": subtree, "structure": structure}
    ids = report_unit_ids(**kw)
    return ReportScope(
        report_dossiers(**kw),
        report_summaries(**kw),
        report_procedures(**kw),
        report_summaries(**kw, model=OfficerMonth),
        None if ids is None else tuple(ids),
    )


def report_procedures(
    *, user, unit: Unit | None = None, subtree: bool = False, structure: str = Structure.CURRENT
):
    """Return the procedures offered by the units in *user*'s scope (or by *unit*'s subtree)."""
    visible = units_in_scope(user=user)
    units = scope_units(unit=unit, subtree=subtree, structure=structure)
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
