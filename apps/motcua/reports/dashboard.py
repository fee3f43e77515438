"""The manager's dashboard: indicators of a period beside the previous one, a monthly trend, a
ranking of units and the most overdue procedures and officers, each number with its list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.core.people import person_name
from motcua.dossiers.models import Dossier, DossierStep
from motcua.procedures.models import Procedure
from motcua.reports import indicators as ind
from motcua.reports.periods import months_between, previous_period
from motcua.units.models import Unit

OFFICER_LATE = "officer_late"


def late_steps(w: ind.Window) -> QuerySet[DossierStep]:
    """Steps late in window *w*: open in it, and past their due moment when finished or judged.

    A step's due moment already excludes paused time (the lifecycle moves it on resume).
    """
    return DossierStep.objects.filter(
        Q(started_at__lt=w.end, due_at__lt=w.at)
        & (Q(finished_at__isnull=True) | Q(finished_at__gte=w.start, finished_at__gt=F("due_at")))
    )


def officer_late_q(w: ind.Window, officer_id: int) -> Q:
    """Return the condition "has a step assigned to *officer_id* that was late in *w*"."""
    return Q(Exists(late_steps(w).filter(dossier=OuterRef("pk"), assignee_id=officer_id)))


def drilldown(dossiers: QuerySet[Dossier], w: ind.Window, key: str, *, officer=None):
    """Return the dossiers behind a dashboard number (a count, or an officer's late steps)."""
    if key == OFFICER_LATE:
        return ind.base(dossiers, w).filter(officer_late_q(w, officer))
    return ind.drilldown(dossiers, w, key)


def monthly_trend(dossiers: QuerySet[Dossier], first: date, last: date) -> list[dict]:
    """Return per month: received, ended on time and ended late (one aggregate query).

    A month's ended dossiers are those whose end moment falls in it, judged by the on-time rule.
    """
    months = months_between(first, last)
    w_all = ind.window(first, last)
    # An ended dossier's end is its finished_at, so its verdict needs no pause lookup: cheap
    # comparisons only, one scan for every month.
    late = Q(late_by_rule=True) | Q(finished_at__gt=F("due_at"))
    aggregates = {}
    for i, (a, b) in enumerate(months):
        w = ind.window(a, b)
        ended = Q(finished_at__gte=w.start, finished_at__lt=w.at)
        aggregates[f"r{i}"] = Count("pk", filter=ind.COUNT_KEYS["received"].condition(w))
        aggregates[f"ok{i}"] = Count("pk", filter=ended & ~late)
        aggregates[f"late{i}"] = Count("pk", filter=ended & late)
    values = ind.base(dossiers, w_all).aggregate(**aggregates)
    return [
        {
            "first": a,
            "last": b,
            "received": values[f"r{i}"],
            "on_time": values[f"ok{i}"],
            "late": values[f"late{i}"],
        }
        for i, (a, b) in enumerate(months)
    ]


def trend_chart(trend: list[dict]) -> str:
    """Return the JSON unfold's bar chart component reads."""
    return json.dumps(
        {
            "labels": [f"{m['first']:%m/%Y}" for m in trend],
            "datasets": [
                {"label": _("Tiếp nhận"), "data": [m["received"] for m in trend]},
                {"label": _("Kết thúc đúng hạn"), "data": [m["on_time"] for m in trend]},
                {"label": _("Kết thúc quá hạn"), "data": [m["late"] for m in trend]},
            ],
        }
    )


def _named(rows: list[dict], by: str, model) -> list[dict]:
    names = model.objects.in_bulk([r[by] for r in rows if r[by]])
    for row in rows:
        row["object"] = names.get(row[by])
    return rows


def unit_ranking(grouped: list[dict]) -> list[dict]:
    """Units by on-time rate (highest first), then by dossiers handled."""
    rows = _named(ind.combine(grouped, "unit"), "unit", Unit)
    return sorted(rows, key=lambda r: (-(r["on_time_rate"] or 0), -r["handled"]))


def overdue_procedures(grouped: list[dict], limit=10) -> list[dict]:
    """Procedures with the most dossiers ended late or pending overdue in the period."""
    rows = ind.combine(grouped, "procedure")
    rows = [r for r in rows if r["resolved_late"] + r["pending_overdue"]]
    rows.sort(key=lambda r: -(r["resolved_late"] + r["pending_overdue"]))
    return _named(rows[:limit], "procedure", Procedure)


def overdue_officers(dossiers: QuerySet[Dossier], w: ind.Window, limit=10) -> list[dict]:
    """Officers with the most dossiers in which a step assigned to them was late."""
    from django.contrib.auth import get_user_model

    rows = list(
        late_steps(w)
        .filter(dossier__in=ind.base(dossiers, w).values("pk"), assignee__isnull=False)
        .values("assignee")
        .annotate(dossiers=Count("dossier", distinct=True))
        .order_by("-dossiers", "assignee")[:limit]
    )
    users = get_user_model().objects.in_bulk([r["assignee"] for r in rows])
    for row in rows:
        row["name"] = person_name(users.get(row["assignee"]))
    return rows


@dataclass
class Dashboard:
    window: ind.Window
    previous: ind.Window
    current: dict
    before: dict
    trend: list[dict]
    chart: str
    units: list[dict]
    procedures: list[dict]
    officers: list[dict]


def dashboard(
    dossiers: QuerySet[Dossier],
    procedures: QuerySet[Procedure],
    first: date,
    last: date,
    *,
    units: QuerySet | None = None,
) -> Dashboard:
    """Compute the whole dashboard for *dossiers* (already scoped) and the period; *units*
    restricts each count to what those units are credited with (``indicators``, Units)."""
    w = ind.window(first, last, units=units)
    p = ind.window(*previous_period(first, last), units=units)
    trend = monthly_trend(dossiers, first, last)
    # One grouped scan gives the totals, the unit ranking and the procedures.
    grouped = ind.grouped_counts(dossiers, w, "unit", "procedure")
    return Dashboard(
        window=w,
        previous=p,
        current=ind.with_shares(ind.combine(grouped), procedures),
        before=ind.indicators(dossiers, p, procedures=procedures),
        trend=trend,
        chart=trend_chart(trend),
        units=unit_ranking(grouped),
        procedures=overdue_procedures(grouped),
        officers=overdue_officers(dossiers, w),
    )
