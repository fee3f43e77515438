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

from dataclasses import replace
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from motcua.dossiers import ontime
from motcua.dossiers.models import Channel
from motcua.reports import indicators as ind
from motcua.reports.models import SummaryEntry
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


def _live_pending(
    dossiers, w: ind.Window, by: tuple[str, ...], among: Q | None = None
) -> list[dict]:
    """Pending in time / overdue at ``w.at``: the dossiers not ended then, judged then, counted
    for the unit that processes them (the competent unit; ``indicators``, Units); only among the
    dossiers *among* when given (a bounded set known to hold them all)."""
    at = w.at
    late = ontime.late_condition(at)
    if among is not None:
        dossiers = dossiers.filter(among)
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


#: The flows counted for the receiving unit (the others: the processing unit).
_RECEPTION_FLOWS = frozenset(
    {"received", "received_with_fee", "paid_online", "fee_total", "fee_paid_online", "digitised"}
) | {"received_online"}


def _touching(p: ind.Window) -> Q:
    """Dossiers received or ended in *p*: two index ranges (received_at, finished_at) and the
    dossiers without ``finished_at`` (open, or ended by a return only)."""
    return (
        Q(received_at__gte=p.start, received_at__lt=p.end)
        | Q(finished_at__gte=p.start, finished_at__lt=p.at)
        | Q(finished_at__isnull=True, returned_at__gte=p.start, returned_at__lt=p.at)
    )


def _credited_group(dossiers, p: ind.Window, by: tuple[str, ...], aggregates: dict) -> list[dict]:
    """Return *aggregates* over the counted *dossiers* touching *p*, grouped by *by*; grouped by
    ``unit``, each column goes to the unit it is credited to (``indicators``, Units)."""
    rows = ontime.counted(dossiers).filter(_touching(p))
    if "unit" not in by:
        return _group(rows, by, **aggregates)
    rows = rows.annotate(processing_unit=ind.PROCESSING_UNIT)
    out = []
    for row in _group(rows, (*by, "processing_unit"), **aggregates):
        processing_unit = row.pop("processing_unit")
        names = [n for n in aggregates if n not in _RECEPTION_FLOWS]
        if processing_unit == row["unit"]:
            out.append(row)
            continue
        out.append({**row, **dict.fromkeys(names, 0)})
        out.append({**row, "unit": processing_unit, **{n: 0 for n in aggregates if n not in names}})
    return out


def _direct_flows(dossiers, p: ind.Window, by: tuple[str, ...]) -> list[dict]:
    """The flow columns of the days of *p* (part of a month), counted from the dossiers received
    or ended in it with the direct formula's conditions (:mod:`motcua.reports.indicators`)."""
    received = ind.COUNT_KEYS["received"].where(p)
    processing = ind._received(p) & ind.credit_condition(ind.PROCESSING, p)
    timed = processing & Q(status__in=ontime.RESULT_STATUSES)
    keys = ("received", "received_online", "received_with_fee", "paid_online", "digitised")
    keys += ("resolved_on_time", "resolved_late", "with_result", "electronic_result")
    keys += ("refused_stopped", "withdrawn")
    return _credited_group(
        dossiers,
        p,
        by,
        {
            **{k: Count("pk", filter=ind.COUNT_KEYS[k].where(p)) for k in keys},
            "received_processing": Count("pk", filter=processing),
            "dissatisfied_received": Count("pk", filter=processing & ind._dissatisfied()),
            "fee_total": Sum("fee_total", filter=received),
            "fee_paid_online": Sum("fee_total", filter=received & Q(paid_online=True)),
            "office_seconds_sum": Sum("processing_time__office_seconds", filter=timed),
            "office_seconds_n": Count("processing_time__office_seconds", filter=timed),
        },
    )


def _opening_shift(dossiers, p: ind.Window, by: tuple[str, ...]) -> list[dict]:
    """What the days of *p* (from a month's first day) change in the dossiers still being
    processed and those of them rated dissatisfied: received in them minus ended in them."""
    received = ind._received(p) & ind.credit_condition(ind.PROCESSING, p)
    ended = ind.COUNT_KEYS["resolved"].where(p)
    dissatisfied = ind._dissatisfied()
    rows = _credited_group(
        dossiers,
        p,
        by,
        {
            "in": Count("pk", filter=received),
            "out": Count("pk", filter=ended),
            "in_dissatisfied": Count("pk", filter=received & dissatisfied),
            "out_dissatisfied": Count("pk", filter=ended & dissatisfied),
        },
    )
    return [
        {
            **{name: row[name] for name in by},
            "open": row["in"] - row["out"],
            "dissatisfied_open": row["in_dissatisfied"] - row["out_dissatisfied"],
        }
        for row in rows
    ]


def _open_since(p: ind.Window) -> tuple[Q, Q]:
    """The dossiers open at the start of *p* (a month's first day; the summary entries whose
    stock covers the month before) and those received since: every dossier that can be pending
    in *p*, as two disjoint sets (an OR of the two defeats the indexes)."""
    month = previous_month(p.date_from)
    stock = SummaryEntry.objects.filter(stock_to__gte=month, received_month__lte=month)
    return Q(pk__in=stock.values("dossier_id")), Q(received_at__gte=p.start, received_at__lt=p.at)


def grouped_counts(scope: ReportScope, w: ind.Window, *by: str, now=None) -> list[dict]:
    """Return the raw counts of :data:`~motcua.reports.indicators.COUNTS` (and the §2.2 sums)
    grouped by *by* (``unit``, ``procedure``, ``channel``), like
    :func:`motcua.reports.indicators.grouped_counts`, from the summaries when they serve *w*."""
    now = now or timezone.now()
    w = scope.credited(w)
    head, months, tail = month_split(w, now=now)
    if months is None or w.start > now or entries_lagging(now=now).exists():
        if not by:
            return [ind.indicator_counts(scope.dossiers, w)]
        return ind.grouped_counts(scope.dossiers, w, *by)
    first, last = months
    rows = scope.summaries.order_by()
    flows = _group(
        rows.filter(month__gte=first, month__lte=last),
        by,
        **{name: Sum(name) for name in FLOWS},
        received_online=Sum("received", filter=Q(channel=Channel.ONLINE)),
    )
    for part in (head, tail):
        if part is not None:
            flows += _direct_flows(scope.dossiers, part, by)
    opening = head.date_from.replace(day=1) if head is not None else first
    start = _group(
        rows.filter(month=previous_month(opening)),
        by,
        open=Sum(F("pending_in_time") + F("pending_overdue")),
        dissatisfied_open=Sum("dissatisfied_open"),
    )
    if head is not None:  # open at the start = open at its month's start + that month's days before
        before = sub_window(w, opening, head.date_from - timedelta(days=1))
        start += _opening_shift(scope.dossiers, before, by)
    if w.at < w.end:  # running to now: the dossiers open now, judged now
        end = _live_pending(scope.dossiers, w, by)
    elif tail is None:  # the period has ended with a whole month: its stock
        end = _group(
            rows.filter(month=last),
            by,
            pending_in_time=Sum("pending_in_time"),
            pending_overdue=Sum("pending_overdue"),
        )
    else:  # ended inside a month: those open at that month's start or received since, judged
        end = [
            row
            for among in _open_since(tail)  # two disjoint sets, each an index read
            for row in _live_pending(scope.dossiers, w, by, among=among)
        ]
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


# --------------------------------------------------------------------------- periods in parts


def sub_window(w: ind.Window, first: date, last: date) -> ind.Window:
    """Return the window of the days *first* … *last* inside *w*, judged no later than *w*."""
    part = ind.window(first, last, now=w.at)
    return replace(part, units=w.units)


def month_split(
    w: ind.Window, *, now: datetime
) -> tuple[ind.Window | None, tuple[date, date] | None, ind.Window | None]:
    """Split *w* into (head, whole months, tail): the days before its first whole month, the
    first and last whole months (read from the summaries), the days after the last one; head and
    tail are None when empty, the months None when the period holds no whole month. A month the
    period covers up to now and beyond counts as whole (nothing happens after now)."""
    first = w.date_from if w.date_from.day == 1 else next_month(w.date_from.replace(day=1))
    last = w.date_to.replace(day=1)
    if next_month(last) - timedelta(days=1) != w.date_to and w.end <= now:
        last = previous_month(last)
    if first > last:
        return None, None, None
    head = sub_window(w, w.date_from, first - timedelta(days=1)) if first > w.date_from else None
    tail = None
    if next_month(last) <= w.date_to:
        tail = sub_window(w, next_month(last), w.date_to)
    return head, (first, last), tail


def officer_counts(scope: ReportScope, w: ind.Window, *, now=None) -> dict[int, dict]:
    """Return per officer the figures of :mod:`motcua.reports.officer_summaries` for *w*: the
    whole months from the officer summaries, the partial months at either end from the steps
    and events of those days (index ranges on ``finished_at`` / ``created_at``)."""
    from motcua.reports.officer_summaries import (
        COLUMNS as OFFICER_COLUMNS,
    )
    from motcua.reports.officer_summaries import (
        officer_counts_direct,
        officer_counts_months,
    )

    now = now or timezone.now()
    w = scope.credited(w)
    head, months, tail = month_split(w, now=now)
    if months is None:
        return officer_counts_direct(scope.dossiers, w)
    out = officer_counts_months(scope.officers, *months)
    for part in (head, tail):
        if part is None:
            continue
        for officer, values in officer_counts_direct(scope.dossiers, part).items():
            target = out.setdefault(officer, dict.fromkeys(OFFICER_COLUMNS, 0))
            for name, value in values.items():
                target[name] += value
    return out
