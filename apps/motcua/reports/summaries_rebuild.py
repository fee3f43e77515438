"""Rebuild the monthly summaries from the dossiers: backfill (a database older than the summaries,
data imported in bulk) and repair (``manage.py reports_rebuild``, or the job of the same name).

Two passes, both restartable:

1. entries: the counted dossiers (optionally those received in a date range, or only those without
   an entry) are walked in keyset batches on the primary key; each batch's entries are computed by
   :func:`motcua.reports.summaries.entries_for` (the function the lifecycle uses) and written in
   that batch's own transaction, so a killed run keeps its finished batches;
2. summaries: the rows of the months from a given month on are recomputed from every entry with
   :func:`motcua.reports.summaries.contribution` (again the incremental path's function) and
   replaced in one transaction per month; the per-officer rows
   (:mod:`motcua.reports.officer_summaries`, whose entries pass 1 recomputes with the incremental
   path's function too) are the sums of their entries, in one statement.

The rebuild reads the entries as they are when it runs: a dossier changed by the lifecycle during
pass 2 is counted either before or after its change; run it again (or at a quiet hour) when that
matters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.printing.context import day_bounds
from motcua.reports.models import MonthSummary, SummaryEntry
from motcua.reports.officer_summaries import officer_entries_rebuild, officer_months_rebuild
from motcua.reports.summaries import (
    COLUMNS,
    ENTRY_FIELDS,
    contribution,
    entries_for,
    entries_save,
    entries_stored,
)


def entries_rebuild(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    missing_only: bool = False,
    batch_size: int = 2000,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Recompute the entries of the counted dossiers (see the module docstring); return how many."""
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
            progress(done)


def summaries_rebuild(*, first_month: date | None = None, chunk_size: int = 5000) -> int:
    """Replace the summary rows of the months from *first_month* on (all when None) by the sum of
    every entry's contribution; return the number of rows written."""
    totals: dict[tuple, list[int]] = {}
    entries = SummaryEntry.objects.order_by().values(*ENTRY_FIELDS)
    for entry in entries.iterator(chunk_size=chunk_size):
        for key, vector in contribution(entry).items():
            if first_month is not None and key[0] < first_month:
                continue
            target = totals.get(key)
            if target is None:
                totals[key] = vector
            else:
                for i, value in enumerate(vector):
                    target[i] += value
    by_month: dict[date, list] = {}
    for key, vector in totals.items():
        by_month.setdefault(key[0], []).append((key, vector))
    stale = MonthSummary.objects.all()
    if first_month is not None:
        stale = stale.filter(month__gte=first_month)
    for month in sorted(set(stale.values_list("month", flat=True).distinct()) - set(by_month)):
        MonthSummary.objects.filter(month=month).delete()
    written = 0
    for month, rows in sorted(by_month.items()):
        with transaction.atomic():
            MonthSummary.objects.filter(month=month).delete()
            MonthSummary.objects.bulk_create(
                [
                    MonthSummary(
                        month=m,
                        unit_id=unit,
                        procedure_id=procedure,
                        channel=channel,
                        **dict(zip(COLUMNS, vector, strict=True)),
                    )
                    for (m, unit, procedure, channel), vector in rows
                ],
                batch_size=1000,
            )
        written += len(rows)
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
