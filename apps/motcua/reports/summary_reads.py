"""Read the QĐ 766 counts of a period from the monthly summaries (fast path of the dashboard).

A period is served by the summaries when it starts on the first of a month and ends on the last
day of a month or has not ended yet (today or later): then, with M1 … M2 its months,

- flows (received, ended on time / late, with a result …) are the sums of the rows of M1 … M2
  (nothing happens after now, so a month not over yet holds exactly the events up to now);
- handled = still being processed at the end of the month before M1 (a stock row) + received;
  dissatisfied = the same stock's dissatisfied + dissatisfied received (§2.1, §5.4);
- pending in time / overdue = the stock rows of M2 when it has ended, else the dossiers open
  now judged now (an indexed read of the open dossiers only, by ``finished_at IS NULL``).

Any other period is computed from the dossiers by :mod:`motcua.reports.indicators` (the direct
formula); both give the same numbers (``tests/reports/test_summaries.py``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from motcua.dossiers import ontime
from motcua.dossiers.models import Channel
from motcua.reports import indicators as ind
from motcua.reports.selectors import ReportScope
from motcua.reports.summaries import (
    COLUMNS,
    STOCKS,
    entries_lagging,
    next_month,
    previous_month,
)

#: The flow columns of a summary row (summed over months); the others are month-end stocks.
FLOWS = tuple(c for c in COLUMNS if c not in STOCKS)


def served(w: ind.Window, *, now: datetime | None = None) -> bool:
    """Return whether the summaries give the counts of window *w* (see the module docstring):
    whole months (or up to now), and no stock left behind by a month that ended since the last
    due sweep rolled them (:func:`~motcua.reports.summaries.summaries_roll`)."""
    now = now or timezone.now()
    whole_months = next_month(w.date_to.replace(day=1)) - timedelta(days=1) == w.date_to
    aligned = w.date_from.day == 1 and w.start <= now and (whole_months or w.end > now)
    return aligned and not entries_lagging(now=now).exists()


def _key(row: dict, by: tuple[str, ...]) -> tuple:
    return tuple(row[name] for name in by)


def _group(rows, by: tuple[str, ...], **aggregates) -> list[dict]:
    """Return *aggregates* grouped by *by* (one row when empty); aggregate names may be those of
    the summed columns (they are aliased in SQL, the ORM refuses an alias equal to a field)."""
    aliased = {f"x_{name}": value for name, value in aggregates.items()}
    found = [rows.aggregate(**aliased)] if not by else rows.values(*by).annotate(**aliased)
    return [
        {name.removeprefix("x_") if name.startswith("x_") else name: v for name, v in r.items()}
        for r in (found if not by else found.order_by())
    ]


def _live_pending(dossiers, w: ind.Window, by: tuple[str, ...]) -> list[dict]:
    """Pending in time / overdue now: the dossiers not ended at ``w.at``, judged then, counted
    for the unit that processes them (the competent unit; ``indicators``, Units)."""
    at = w.at
    late = ontime.late_condition(at)
    open_now = (
        ontime.counted(dossiers)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=at), received_at__lt=at)
        .exclude(finished_at__isnull=True, returned_at__lt=at)
        .filter(ind.credit_condition(ind.PROCESSING, w))
    )
    if "unit" in by:  # grouped by the processing unit, named "unit" like the summary rows
        open_now = open_now.annotate(processing_unit=ind.PROCESSING_UNIT)
        grouped = [name if name != "unit" else "processing_unit" for name in by]
        rows = _group(
            open_now,
            tuple(grouped),
            pending_in_time=Count("pk", filter=~late),
            pending_overdue=Count("pk", filter=late),
        )
        for row in rows:
            row["unit"] = row.pop("processing_unit")
        return rows
    return _group(
        open_now,
        by,
        pending_in_time=Count("pk", filter=~late),
        pending_overdue=Count("pk", filter=late),
    )


def grouped_counts(scope: ReportScope, w: ind.Window, *by: str, now=None) -> list[dict]:
    """Return the raw counts of :data:`~motcua.reports.indicators.COUNTS` (and the §2.2 sums)
    grouped by *by* (``unit``, ``procedure``, ``channel``), like
    :func:`motcua.reports.indicators.grouped_counts`, from the summaries when they serve *w*."""
    now = now or timezone.now()
    w = scope.credited(w)
    if not served(w, now=now):
        if not by:
            return [ind.indicator_counts(scope.dossiers, w)]
        return ind.grouped_counts(scope.dossiers, w, *by)
    first, last = w.date_from, w.date_to.replace(day=1)
    rows = scope.summaries.order_by()
    flows = _group(
        rows.filter(month__gte=first, month__lte=last),
        by,
        **{name: Sum(name) for name in FLOWS},
        received_online=Sum("received", filter=Q(channel=Channel.ONLINE)),
    )
    start = _group(
        rows.filter(month=previous_month(first)),
        by,
        open=Sum(F("pending_in_time") + F("pending_overdue")),
        dissatisfied_open=Sum("dissatisfied_open"),
    )
    if w.at >= w.end:  # the period has ended: its last month's stock
        end = _group(
            rows.filter(month=last),
            by,
            pending_in_time=Sum("pending_in_time"),
            pending_overdue=Sum("pending_overdue"),
        )
    else:
        end = _live_pending(scope.dossiers, w, by)
    out: dict[tuple, dict] = {}

    def row_of(source: dict) -> dict:
        key = _key(source, by)
        if key not in out:
            out[key] = (
                {name: source[name] for name in by}
                | dict.fromkeys((*FLOWS, "received_online", "open", "dissatisfied_open"), 0)
                | {"pending_in_time": 0, "pending_overdue": 0}
            )
        return out[key]

    for source in flows + start + end:
        target = row_of(source)
        for name, value in source.items():
            if name not in by:
                target[name] += value or 0
    for r in out.values():
        r["handled"] = r.pop("open") + r.pop("received_processing")
        r["dissatisfied"] = r.pop("dissatisfied_open") + r.pop("dissatisfied_received")
        r["resolved"] = r["resolved_on_time"] + r["resolved_late"]
        r["pending"] = r["pending_in_time"] + r["pending_overdue"]
    return sorted(out.values(), key=lambda r: tuple((v is None, v or 0) for v in _key(r, by)))


def counts(scope: ReportScope, w: ind.Window, *, now=None) -> dict:
    """Return the counts and rates of the whole scope for *w* (one row)."""
    return ind.combine(grouped_counts(scope, w, now=now))


def indicators(scope: ReportScope, w: ind.Window, *, now=None) -> dict:
    """Return every indicator of *w* for *scope*: counts, rates, procedure shares, score."""
    return ind.with_shares(counts(scope, w, now=now), scope.procedures)


def monthly_flows(scope: ReportScope, first: date, last: date) -> dict[date, dict]:
    """Return per month of [first, last]: received, ended on time, ended late (summary rows)."""
    rows = (
        scope.summaries.filter(month__gte=first.replace(day=1), month__lte=last)
        .values("month")
        .annotate(
            received=Sum("received"),
            on_time=Sum("resolved_on_time"),
            late=Sum("resolved_late"),
        )
        .order_by()
    )
    return {r["month"]: r for r in rows}
