"""Rebuild the monthly summaries from the dossiers: backfill (a database older than the summaries,
data imported in bulk) and repair (``manage.py reports_rebuild``, or the job of the same name).

Two passes, both restartable:

1. entries: the counted dossiers (optionally those received in a date range, or only those without
   an entry) are walked in keyset batches on the primary key; each batch's entries are computed by
   :func:`motcua.reports.summaries.entries_for` (the function the lifecycle uses) and written in
   that batch's own transaction, so a killed run keeps its finished batches;
2. summaries: the rows of the months from a given month on are summed in the database from every
   entry, a batch of months at a time, each batch in its own transaction (delete its rows, then
   one ``INSERT … SELECT … GROUP BY``); the SQL states the rules of
   :func:`motcua.reports.summaries.contribution` (the incremental path's function, which the tests
   hold it to); the per-officer rows (:mod:`motcua.reports.officer_summaries`, whose entries pass
   1 recomputes with the incremental path's function too) are the sums of their entries, in one
   statement.

The rebuild reads the entries as they are when it runs: a dossier changed by the lifecycle during
pass 2 is counted either before or after its change; run it again (or at a quiet hour) when that
matters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.printing.context import day_bounds
from motcua.reports.models import MonthSummary, SummaryEntry
from motcua.reports.officer_summaries import officer_entries_rebuild, officer_months_rebuild
from motcua.reports.summaries import COLUMNS, entries_for, entries_save, entries_stored


def entries_rebuild(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    missing_only: bool = False,
    batch_size: int = 2000,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Recompute the entries of the counted dossiers (see the module docstring); return how many.

    *progress* is called after each batch with the dossiers done and the total to do."""
    now = now or timezone.now()
    dossiers = Dossier.objects.filter(received_at__isnull=False, is_training=False)
    if date_from or date_to:
        start, end = day_bounds(date_from or date(1970, 1, 1), date_to or date(9999, 12, 30))
        dossiers = dossiers.filter(received_at__gte=start, received_at__lt=end)
    if missing_only:
        dossiers = dossiers.filter(summary_entry__isnull=True)
    else:  # entries of dossiers that no longer count (never true through the lifecycle)
        SummaryEntry.objects.filter(
            Q(dossier__is_training=True) | Q(dossier__received_at__isnull=True)
        ).delete()
    done, after = 0, 0
    total = dossiers.count() if progress else 0
    while True:
        ids = list(
            dossiers.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return done
        after = ids[-1]
        # every dossier of the batch's id range is in the batch unless a selection skips some:
        # then the ids are sent as a list (a range could span many dossiers not selected)
        whole = not (missing_only or date_from or date_to)
        with transaction.atomic():
            if whole:
                entries_save(
                    entries_for(id_range=(ids[0], ids[-1]), now=now),
                    entries_stored(ids, lock=False),
                )
                officer_entries_rebuild(id_range=(ids[0], ids[-1]))
            else:
                entries_save(entries_for(ids, now=now), entries_stored(ids, lock=False))
                officer_entries_rebuild(ids)
        done += len(ids)
        if progress:
            progress(done, total)


#: What each part of an entry adds to the summary rows, as SQL over ``reports_summaryentry``
#: (alias ``e``; ``m.month`` is a month of the stocks): the rules of
#: :func:`motcua.reports.summaries.contribution`, which the tests hold it to.
_PROCESSING_UNIT = "COALESCE(e.processing_unit_id, e.unit_id)"
_PARTS = (
    # the month of reception, counts credited to the receiving unit
    (
        "e.received_month",
        "e.unit_id",
        {
            "received": "1",
            "received_with_fee": "CASE WHEN e.with_fee THEN 1 ELSE 0 END",
            "paid_online": "CASE WHEN e.paid_online THEN 1 ELSE 0 END",
            "fee_total": "e.fee_total",
            "fee_paid_online": "e.fee_paid_online",
            "digitised": "CASE WHEN e.digitised THEN 1 ELSE 0 END",
        },
        "",
    ),
    # the month of reception, counts credited to the processing unit
    (
        "e.received_month",
        _PROCESSING_UNIT,
        {
            "received_processing": "1",
            "dissatisfied_received": "CASE WHEN e.dissatisfied THEN 1 ELSE 0 END",
            "office_seconds_n": "CASE WHEN e.office_seconds IS NULL THEN 0 ELSE 1 END",
            "office_seconds_sum": "COALESCE(e.office_seconds, 0)",
        },
        "",
    ),
    # the month of the end
    (
        "e.end_month",
        _PROCESSING_UNIT,
        {
            "resolved_on_time": "CASE WHEN e.late THEN 0 ELSE 1 END",
            "resolved_late": "CASE WHEN e.late THEN 1 ELSE 0 END",
            "with_result": "CASE WHEN e.with_result THEN 1 ELSE 0 END",
            "electronic_result": "CASE WHEN e.electronic_result THEN 1 ELSE 0 END",
            "refused_stopped": "CASE WHEN e.refused_stopped THEN 1 ELSE 0 END",
            "withdrawn": "CASE WHEN e.withdrawn THEN 1 ELSE 0 END",
        },
        "",
    ),
    # every ended month at whose end the dossier was still being processed (the stocks)
    (
        "m.month",
        _PROCESSING_UNIT,
        {
            "pending_in_time": "CASE WHEN e.overdue_from IS NOT NULL "
            "AND m.month >= e.overdue_from THEN 0 ELSE 1 END",
            "pending_overdue": "CASE WHEN e.overdue_from IS NOT NULL "
            "AND m.month >= e.overdue_from THEN 1 ELSE 0 END",
            "dissatisfied_open": "CASE WHEN e.dissatisfied THEN 1 ELSE 0 END",
        },
        "JOIN ({months}) m ON m.month >= e.received_month AND m.month <= e.stock_to",
    ),
)


#: The temporary table the rebuild sums into before the summary rows are replaced month by month.
SUMS = "reports_monthsummary_rebuild"


def _sums_sql(span: list[date]) -> tuple[str, list]:
    """``SELECT … GROUP BY`` of the summary rows of the consecutive months *span*, summed in the
    database from every entry (one pass over the entries per part)."""
    entries = SummaryEntry._meta.db_table
    months = " UNION ALL ".join(["SELECT %s AS month"] * len(span))
    selects, params = [], []
    for month, unit, values, join in _PARTS:
        columns = ", ".join(f"{values.get(c, '0')} AS {c}" for c in COLUMNS)
        if join:
            params += span
        selects.append(
            f"SELECT {month} AS month, {unit} AS unit_id, e.procedure_id, e.channel, {columns} "
            f"FROM {entries} e {join.format(months=months)} "
            f"WHERE {month} >= %s AND {month} <= %s"
        )
        params += [span[0], span[-1]]
    sums = ", ".join(f"SUM({c}) AS {c}" for c in COLUMNS)
    sql = (
        f"SELECT month, unit_id, procedure_id, channel, {sums} "
        f"FROM ({' UNION ALL '.join(selects)}) u GROUP BY month, unit_id, procedure_id, channel"
    )  # table and column names from the models, values as parameters
    return sql, params


def _drop_sums(cursor) -> None:
    if connection.vendor == "mysql":
        cursor.execute(f"DROP TEMPORARY TABLE IF EXISTS {SUMS}")
    else:
        cursor.execute(f"DROP TABLE IF EXISTS temp.{SUMS}")


def _month_span(first_month: date | None) -> list[date]:
    """The months the rebuild writes or clears: from the earliest entry (or stored row) month to
    the latest, not before *first_month*."""
    from django.db.models import Max, Min

    from motcua.reports.summaries import months

    found = SummaryEntry.objects.aggregate(
        a=Min("received_month"), b=Max("received_month"), c=Max("end_month"), d=Max("stock_to")
    )
    stored = MonthSummary.objects.aggregate(a=Min("month"), b=Max("month"))
    lows = [v for v in (found["a"], stored["a"]) if v is not None]
    highs = [v for v in (found["b"], found["c"], found["d"], stored["b"]) if v is not None]
    if not lows:
        return []
    low = max(min(lows), first_month) if first_month else min(lows)
    return list(months(low, max(highs)))


def summaries_rebuild(
    *,
    first_month: date | None = None,
    months_per_batch: int = 6,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Replace the summary rows of the months from *first_month* on (all when None) by the sums of
    every entry's contribution; return the number of rows written.

    Set-based: one ``CREATE TEMPORARY TABLE … AS SELECT … GROUP BY`` sums every entry's
    contribution in the database (on MariaDB at READ COMMITTED, so the entries read are not
    locked against the lifecycle); then for each batch of *months_per_batch* consecutive months,
    one short transaction deletes their rows and copies the new ones from the sums. A reader sees
    each month either before or after its batch.
    """
    span = _month_span(first_month)
    if not span:
        return 0
    table, columns = MonthSummary._meta.db_table, ", ".join(COLUMNS)
    sql, params = _sums_sql(span)
    written = 0
    with connection.cursor() as cursor:
        _drop_sums(cursor)
        outermost = not connection.in_atomic_block
        try:
            with transaction.atomic():
                if connection.vendor == "mysql" and outermost:  # this transaction only
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                cursor.execute(f"CREATE TEMPORARY TABLE {SUMS} AS {sql}", params)
            for k in range(0, len(span), months_per_batch):
                chunk = span[k : k + months_per_batch]
                with transaction.atomic():
                    MonthSummary.objects.filter(month__gte=chunk[0], month__lte=chunk[-1]).delete()
                    cursor.execute(
                        f"INSERT INTO {table} (month, unit_id, procedure_id, channel, {columns}) "
                        f"SELECT month, unit_id, procedure_id, channel, {columns} FROM {SUMS} "
                        "WHERE month >= %s AND month <= %s",
                        [chunk[0], chunk[-1]],
                    )
                    written += cursor.rowcount
                if progress:
                    progress(k + len(chunk), len(span))
        finally:
            _drop_sums(cursor)
    return written


def summaries_repair(*, now: datetime | None = None) -> dict:
    """The weekly repair job: recompute the entries of the dossiers received since the first day
    of the previous month and the summary rows from that month on (what a write outside the
    hooks — an import, a manual fix in the database — could have left behind). Idempotent."""
    from motcua.reports.summaries import month_of, previous_month

    now = now or timezone.now()
    first = previous_month(month_of(now))
    entries = entries_rebuild(date_from=first, now=now)
    rows = summaries_rebuild(first_month=first)
    return {
        "entries": entries,
        "rows": rows,
        "officer_rows": officer_months_rebuild(first_month=first),
    }
