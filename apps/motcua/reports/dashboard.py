"""The manager's dashboard: indicators of a period beside the previous one, a monthly trend, a
ranking of units and the most overdue procedures and officers, each number with its list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.people import person_name
from motcua.dossiers import ontime
from motcua.dossiers.models import Dossier
from motcua.procedures.models import Procedure
from motcua.reports import indicators as ind
from motcua.reports import summary_reads
from motcua.reports.officer_summaries import credited_steps
from motcua.reports.periods import months_between, previous_period
from motcua.reports.selectors import ReportScope
from motcua.reports.summaries import next_month
from motcua.reports.summary_reads import monthly_flows
from motcua.units.models import Unit

OFFICER_LATE = "officer_late"


def drilldown(dossiers: QuerySet[Dossier], w: ind.Window, key: str, *, officer=None):
    """Return the dossiers behind a dashboard number.

    For an officer's late steps (:data:`OFFICER_LATE`) the list holds one row per late step: the
    dossier of each step of *officer* finished in *w* after its due moment (a dossier with two
    such steps is listed twice), so its length is the number shown
    (:mod:`motcua.reports.officer_summaries`, the rule).
    """
    if key == OFFICER_LATE:
        late = credited_steps(dossiers, w, officer=officer).filter(
            due_at__isnull=False, finished_at__gt=F("due_at")
        )
        # one row per step: the join on the steps is the list (no DISTINCT)
        return Dossier.objects.filter(steps__in=late.values("pk")).annotate(
            late_step=F("steps__name")
        )
    return ind.drilldown(dossiers, w, key)


def monthly_trend(scope: ReportScope, first: date, last: date, *, now=None) -> list[dict]:
    """Return per month: received, ended on time and ended late.

    A month's ended dossiers are those whose end moment falls in it, judged by the on-time rule.
    Whole months (or a month running to today) are read from the monthly summaries; a part month
    at either end of the period from the dossiers received or ended in its days (index ranges).
    """
    now = now or timezone.now()
    months = months_between(first, last)
    flows = monthly_flows(scope, first, last)
    empty = {"received": 0, "on_time": 0, "late": 0}
    # An ended dossier's end is its finished_at, so its verdict needs no pause lookup.
    late = Q(late_by_rule=True) | Q(finished_at__gt=F("due_at"))
    out = []
    for a, b in months:
        w = scope.credited(ind.window(a, b, now=now))
        whole = a.day == 1 and (b == next_month(a) - timedelta(days=1) or w.end > now)
        if whole:
            found = flows.get(a) or empty
            values = {k: found[k] or 0 for k in empty}
        else:
            ended = Q(finished_at__gte=w.start, finished_at__lt=w.at)
            ended &= ind.credit_condition(ind.PROCESSING, w)
            values = (
                ontime.counted(scope.dossiers)
                .filter(
                    Q(received_at__gte=w.start, received_at__lt=w.end)
                    | Q(finished_at__gte=w.start, finished_at__lt=w.at)
                )
                .aggregate(
                    received=Count("pk", filter=ind.COUNT_KEYS["received"].where(w)),
                    on_time=Count("pk", filter=ended & ~late),
                    late=Count("pk", filter=ended & late),
                )
            )
        out.append({"first": a, "last": b, **values})
    return out


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


def overdue_officers(scope: ReportScope, w: ind.Window, limit=10) -> list[dict]:
    """Officers with the most late steps in *w* (finished after their due moment, counted per
    step as the officer evaluation does), with their steps, on-time rate per step, average office
    time per step and supplements requested; whole months read from the officer summaries
    (:func:`motcua.reports.summary_reads.officer_counts`). Each late-step number links to the
    list of those steps' dossiers, of the same length (:func:`drilldown`)."""
    from django.contrib.auth import get_user_model

    counts = summary_reads.officer_counts(scope, w)
    ranked = sorted(
        ((o, c) for o, c in counts.items() if c["late_steps"]),
        key=lambda item: (-item[1]["late_steps"], item[0]),
    )[:limit]
    users = get_user_model().objects.in_bulk([o for o, _c in ranked])
    rows = []
    for officer, c in ranked:
        rows.append(
            {
                "assignee": officer,
                "name": person_name(users.get(officer)),
                **c,
                "step_rate": ind.rate(c["steps"] - c["late_steps"], c["steps"]),
                "avg_hours": average_hours(c["office_seconds"], c["steps"]),
            }
        )
    return rows


def average_hours(seconds: int, steps: int) -> Decimal | None:
    """Return the average office time per step in hours, 1 decimal (None without steps)."""
    if not steps:
        return None
    return (Decimal(seconds) / steps / 3600).quantize(Decimal("0.1"), ROUND_HALF_UP)


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


def dashboard(scope: ReportScope, first: date, last: date) -> Dashboard:
    """Compute the whole dashboard for *scope* (already the viewer's) and the period.

    Counts come from the monthly summaries when they serve the period
    (:mod:`motcua.reports.summary_reads`), else from the dossiers; the lists behind the numbers
    always read the dossiers.
    """
    w = scope.credited(ind.window(first, last))
    p = scope.credited(ind.window(*previous_period(first, last)))
    trend = monthly_trend(scope, first, last)
    # One grouped read gives the totals, the unit ranking and the procedures.
    grouped = summary_reads.grouped_counts(scope, w, "unit", "procedure")
    return Dashboard(
        window=w,
        previous=p,
        current=ind.with_shares(ind.combine(grouped), scope.procedures),
        before=summary_reads.indicators(scope, p),
        trend=trend,
        chart=trend_chart(trend),
        units=unit_ranking(grouped),
        procedures=overdue_procedures(grouped),
        officers=overdue_officers(scope, w),
    )
