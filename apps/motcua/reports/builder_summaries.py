"""Serve a report builder grouping from the monthly summaries when it asks nothing they lack.

A grouped plan is read from :class:`~motcua.reports.models.MonthSummary` (``received`` summed
over the months) instead of the dossiers when all of these hold, so the numbers are the same:

- the person sees every dossier (a superuser, or a scope holding every unit): the summaries are
  per receiving unit while the builder's rows are ``dossiers_visible``, which for a partial scope
  also holds dossiers of other units that passed through theirs;
- every aggregate is the count of dossiers or the sum of their fees (``fee_total``, summed in the
  month of reception), and the groups are among unit, procedure, sector and channel (the
  summary's own keys);
- there is a filter on the reception moment holding at least one whole month (the last one may
  run to today), and any other filter is on the channel: the summaries count received,
  non-training dossiers by the month of reception, exactly what the builder counts under such a
  filter. The days of part months at either end of the range (15 January – 14 December) are read
  from the dossiers received in them (an index range on ``received_at``) and added.

Anything else runs on the dossiers (:func:`motcua.reports.builder.run`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from motcua.reports.periods import relative_period
from motcua.reports.summaries import next_month, previous_month

#: The summary column answering each aggregate (function, field key) a summary row holds.
SUMMED = {("count", None): "received", ("sum", "fee_total"): "fee_total"}


def _column(fn: str, f) -> str | None:
    return SUMMED.get((fn, f.key if f is not None else None))


#: Builder fields a summary row can be grouped by.
GROUPABLE = {
    "unit.name",
    "unit.agency_code",
    "procedure.name",
    "procedure.national_code",
    "sector.name",
    "channel",
}


@dataclass(frozen=True)
class SummarySource:
    """Where a served plan's groups come from: the summary rows of its whole months, and the days
    at either end of its reception range (part months) read from the dossiers."""

    rows: QuerySet
    edges: tuple[tuple[date, date], ...] = ()


def _month_range(op: str, value):
    """Return (first month, last month, edge days) of a reception filter holding at least one
    whole month (the last one may run to today), or None. A None month is an open end."""
    today = timezone.localdate()
    low, high = relative_period(value, today=today) if op == "period" else value
    edges = []
    first = last = None
    if low is not None:
        first = low if low.day == 1 else next_month(low.replace(day=1))
        if first != low:
            edges.append((low, first - timedelta(days=1)))
    if high is not None:
        last = high.replace(day=1)
        if high != next_month(last) - timedelta(days=1) and high < today:
            last = previous_month(last)
            edges.append((high.replace(day=1), high))
    if first is not None and last is not None and first > last:
        return None
    return first, last, tuple(edges)


def summary_source(plan, *, user) -> SummarySource | None:
    """Return where *plan* is answered from (see the module docstring), or None: the dossiers."""
    from motcua.reports.models import MonthSummary
    from motcua.reports.selectors import report_unit_ids

    if not plan.grouped or any(_column(fn, f) is None for fn, f in plan.aggregates):
        return None
    if any(g.key not in GROUPABLE for g in plan.group_by):
        return None
    rows = MonthSummary.objects.order_by()
    months = None
    for f, op, value in plan.filters:
        if f.key == "received_at" and op in ("range", "period") and months is None:
            months = _month_range(op, value)
            if months is None:
                return None
        elif f.key == "channel" and op in ("eq", "in"):
            rows = rows.filter(**{"channel__in" if op == "in" else "channel": value})
        else:
            return None
    if months is None:
        return None
    if report_unit_ids(user=user) is not None:
        return None
    first, last, edges = months
    if first is not None:
        rows = rows.filter(month__gte=first)
    if last is not None:
        rows = rows.filter(month__lte=last)
    if plan.procedure_id:
        rows = rows.filter(procedure_id=plan.procedure_id)
    return SummarySource(rows, edges)


def merged(groups: list[dict], more: list[dict], keys: list[str], names: list[str]) -> list[dict]:
    """Add the groups *more* (read from the dossiers of the edge days) to *groups*."""
    index = {tuple(g[k] for k in keys): g for g in groups}
    for g in more:
        target = index.get(tuple(g[k] for k in keys))
        if target is None:
            index[tuple(g[k] for k in keys)] = target = {**g, **dict.fromkeys(names, 0)}
        for name in names:
            target[name] = (target[name] or 0) + (g[name] or 0)
    return list(index.values())


def _sums(plan) -> dict:
    columns = {_column(fn, f) for fn, f in plan.aggregates} | {"received"}
    return {f"x_{c}": Sum(c) for c in columns}


def _values(plan, found: dict) -> dict:
    """The aggregates of one group; a sum of fees is a Decimal, as the dossiers' own sum is."""
    out = {}
    for fn, f in plan.aggregates:
        value = found[f"x_{_column(fn, f)}"] or 0
        out[plan.aggregate_key(fn, f)] = Decimal(value) if fn == "sum" else value
    return out


def summary_groups(plan, rows: QuerySet, keys: list[str]) -> list[dict]:
    """Return the groups of *plan* read from summary *rows*, keyed like the dossier groups (a
    group exists when a dossier was received in it)."""
    found = rows.filter(received__gt=0).values(*dict.fromkeys(keys)).annotate(**_sums(plan))
    return [
        {**{k: g[k] for k in keys}, **_values(plan, g)} for g in found.order_by() if g["x_received"]
    ]


def summary_totals(plan, rows: QuerySet) -> dict:
    return _values(plan, rows.aggregate(**_sums(plan)))
