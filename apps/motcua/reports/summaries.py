"""Monthly summaries of the QĐ 766 indicators, kept incrementally (what the dashboard reads).

Each counted dossier (received, not training) has one :class:`~motcua.reports.models.SummaryEntry`:
its receiving unit, procedure and channel, the month it was received and the month its processing
ended, and the flags the indicators count, all computed by :func:`entry_of` with the same rules as
:mod:`motcua.reports.indicators` and :mod:`motcua.dossiers.ontime` (the direct per-dossier
formula). :func:`contribution` expands an entry into the :class:`MonthSummary` rows it adds to:

- the month of reception: received, with a fee, paid online, the fees (all, paid online),
  digitised, rated dissatisfied, processing time (§2.2, when it reached a result);
- the month of the end: ended on time / late (§2.1), with a result, electronic result (§4.1),
  refused or stopped, withdrawn;
- every month that has ended (up to :func:`horizon`) at whose end the dossier was still being
  processed: pending in time / overdue judged at that month's end, rated dissatisfied.

:func:`summary_refresh` recomputes the entries of some dossiers and applies the difference (rows of
the new entry minus rows of the old) in the caller's transaction; the lifecycle
(``dossiers/services/engine.py::_record``), the citizen's rating, the deadline recalculation and
the due sweep (:func:`summaries_roll`, when a month ends) call it. ``manage.py reports_rebuild``
recomputes everything from the dossiers (:mod:`motcua.reports.summaries_rebuild`); the tests check
that both give the same rows and the same numbers as the direct formula.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time
from itertools import islice

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from motcua.core.rows_update import rows_insert
from motcua.core.selectors import site_time_zone
from motcua.dossiers import ontime
from motcua.dossiers.models import Dossier, DossierDocument, DossierPause
from motcua.portal.models import Rating
from motcua.reports.models import MonthSummary, ProcessingTime, SummaryEntry

#: The counting columns of a summary row, in a fixed order (the vector :func:`contribution` adds).
COLUMNS = (
    "received",
    "received_processing",
    "received_with_fee",
    "paid_online",
    "fee_total",
    "fee_paid_online",
    "digitised",
    "dissatisfied_received",
    "office_seconds_n",
    "office_seconds_sum",
    "resolved_on_time",
    "resolved_late",
    "with_result",
    "electronic_result",
    "refused_stopped",
    "withdrawn",
    "pending_in_time",
    "pending_overdue",
    "dissatisfied_open",
)
INDEX = {name: i for i, name in enumerate(COLUMNS)}
#: The columns that are a month-end stock (still being processed then), not a flow.
STOCKS = frozenset({"pending_in_time", "pending_overdue", "dissatisfied_open"})
#: The columns credited to the receiving unit; every other one to the processing unit.
RECEPTION_COLUMNS = frozenset(
    {"received", "received_with_fee", "paid_online", "fee_total", "fee_paid_online", "digitised"}
)
ENTRY_FIELDS = (
    "unit_id",
    "processing_unit_id",
    "procedure_id",
    "channel",
    "received_month",
    "with_fee",
    "paid_online",
    "fee_total",
    "fee_paid_online",
    "digitised",
    "dissatisfied",
    "office_seconds",
    "end_month",
    "late",
    "with_result",
    "electronic_result",
    "refused_stopped",
    "withdrawn",
    "is_open",
    "stock_to",
    "overdue_from",
)
DOSSIER_FIELDS = (
    "pk",
    "unit_id",
    "competent_unit_id",
    "procedure_id",
    "channel",
    "status",
    "received_at",
    "finished_at",
    "returned_at",
    "due_at",
    "late_by_rule",
    "fee_total",
    "paid_online",
    "result_file",
    "is_training",
)


# --------------------------------------------------------------------------- months


def month_of(moment: datetime) -> date:
    """Return the first day of the local month of *moment*."""
    local = moment.astimezone(site_time_zone())
    return date(local.year, local.month, 1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def month_end(month: date) -> datetime:
    """Return the aware moment the local month *month* ends (the next month's first instant)."""
    return datetime.combine(next_month(month), time.min, tzinfo=site_time_zone())


def horizon(now: datetime | None = None) -> date:
    """Return the last month that has ended at *now*: the stocks exist up to it."""
    return previous_month(month_of(now or timezone.now()))


def months(first: date, last: date) -> Iterable[date]:
    month = first
    while month <= last:
        yield month
        month = next_month(month)


# --------------------------------------------------------------------------- entries


def entry_of(
    row: dict, *, pause_start, digitised: bool, dissatisfied: bool, office_seconds, now: datetime
) -> dict | None:
    """Return the summary entry of one dossier (a dict of :data:`ENTRY_FIELDS`), or None when it
    does not count (never received, or training)."""
    if row["received_at"] is None or row["is_training"]:
        return None
    received = month_of(row["received_at"])
    end = row["finished_at"] or row["returned_at"]
    status = row["status"]
    entry = {
        "unit_id": row["unit_id"],
        "processing_unit_id": row["competent_unit_id"] or row["unit_id"],
        "procedure_id": row["procedure_id"],
        "channel": row["channel"],
        "received_month": received,
        "with_fee": bool(row["fee_total"] and row["fee_total"] > 0),
        "paid_online": bool(row["fee_total"] and row["fee_total"] > 0 and row["paid_online"]),
        "fee_total": int(row["fee_total"] or 0),
        "fee_paid_online": int(row["fee_total"] or 0) if row["paid_online"] else 0,
        "digitised": digitised,
        "dissatisfied": dissatisfied,
        "office_seconds": office_seconds if status in ontime.RESULT_STATUSES else None,
        "end_month": None,
        "late": False,
        "with_result": False,
        "electronic_result": False,
        "refused_stopped": False,
        "withdrawn": False,
        "is_open": end is None,
        "stock_to": None,
        "overdue_from": None,
    }
    verdict = {
        "finished_at": row["finished_at"],
        "returned_at": row["returned_at"],
        "status": status,
        "due_at": row["due_at"],
        "late_by_rule": row["late_by_rule"],
        "pause_start": pause_start,
    }
    if end is not None:
        with_result = status in ontime.RESULT_STATUSES
        entry.update(
            end_month=month_of(end),
            # judged after its end: the end moment is the stored one (rule 2)
            late=ontime.verdict_of(**verdict, at=max(end, now) + _TICK).late,
            with_result=with_result,
            electronic_result=with_result and bool(row["result_file"]),
            refused_stopped=status in ("rejected", "stopped"),
            withdrawn=status == "withdrawn",
        )
    # Pending at the end of month m: received before it and not ended before it (§2.1).
    last = horizon(now)
    if end is not None:
        last = min(last, previous_month(month_of(end)))
    if received <= last:
        entry["stock_to"] = last
        for month in months(received, last):  # overdue is monotonic in the judging moment
            if ontime.verdict_of(**verdict, at=month_end(month)).late:
                entry["overdue_from"] = month
                break
    return entry


_TICK = datetime.resolution


def entries_for(
    ids: list[int] | None = None,
    *,
    id_range: tuple[int, int] | None = None,
    now: datetime | None = None,
    born: bool = False,
) -> dict[int, dict | None]:
    """Return the entries of the dossiers *ids*, or of every dossier whose id is in the inclusive
    *id_range* (the rebuild's keyset batches: a range is cheaper to send than a list), None for
    those that do not count; a handful of queries whatever the number of dossiers. *born*: the
    dossiers were created in this transaction, so they have no pause, rating or processing time
    yet (those are not read)."""
    now = now or timezone.now()
    if id_range is not None:
        own = {"pk__gte": id_range[0], "pk__lte": id_range[1]}
        related = {"dossier_id__gte": id_range[0], "dossier_id__lte": id_range[1]}
    else:
        own, related = {"pk__in": ids}, {"dossier_id__in": ids}
    rows = list(Dossier.objects.filter(**own).values(*DOSSIER_FIELDS))
    pauses = (
        {}
        if born
        else dict(
            DossierPause.objects.filter(ended_at=None, **related)
            .order_by("dossier_id", "started_at")
            .values_list("dossier_id", "started_at")
        )
    )  # the latest open pause wins (ordered by start)
    digitised = set(
        DossierDocument.objects.filter(**related)
        .exclude(file="")
        .values_list("dossier_id", flat=True)
        .distinct()
    )
    dissatisfied = (
        set()
        if born
        else set(
            Rating.objects.filter(score__lte=2, **related).values_list("dossier_id", flat=True)
        )
    )
    seconds = (
        {}
        if born
        else dict(
            ProcessingTime.objects.filter(**related).values_list("dossier_id", "office_seconds")
        )
    )
    return {
        row["pk"]: entry_of(
            row,
            pause_start=pauses.get(row["pk"]),
            digitised=row["pk"] in digitised,
            dissatisfied=row["pk"] in dissatisfied,
            office_seconds=seconds.get(row["pk"]),
            now=now,
        )
        for row in rows
    }


def contribution(entry: dict | None) -> dict[tuple, list[int]]:
    """Return the summary rows *entry* adds to: ``{(month, unit, procedure, channel): vector}``."""
    out: dict[tuple, list[int]] = {}
    if entry is None:
        return out
    # Reception counts go to the receiving unit's row, the others to the processing unit's
    # (the same for every dossier but a boundary-free one; ``reports/indicators.py``, Units).
    processing_unit = entry.get("processing_unit_id") or entry["unit_id"]
    rest = (entry["procedure_id"], entry["channel"])

    def add(month: date, column: str, amount: int = 1) -> None:
        unit = entry["unit_id"] if column in RECEPTION_COLUMNS else processing_unit
        vector = out.setdefault((month, unit, *rest), [0] * len(COLUMNS))
        vector[INDEX[column]] += amount

    received = entry["received_month"]
    add(received, "received")
    add(received, "received_processing")
    for flag, column in (
        ("with_fee", "received_with_fee"),
        ("paid_online", "paid_online"),
        ("digitised", "digitised"),
        ("dissatisfied", "dissatisfied_received"),
    ):
        if entry[flag]:
            add(received, column)
    if entry["fee_total"]:
        add(received, "fee_total", entry["fee_total"])
    if entry["fee_paid_online"]:
        add(received, "fee_paid_online", entry["fee_paid_online"])
    if entry["office_seconds"] is not None:
        add(received, "office_seconds_n")
        add(received, "office_seconds_sum", entry["office_seconds"])
    if entry["end_month"] is not None:
        end = entry["end_month"]
        add(end, "resolved_late" if entry["late"] else "resolved_on_time")
        for flag in ("with_result", "electronic_result", "refused_stopped", "withdrawn"):
            if entry[flag]:
                add(end, flag)
    if entry["stock_to"] is not None:
        overdue_from = entry["overdue_from"]
        for month in months(received, entry["stock_to"]):
            late = overdue_from is not None and month >= overdue_from
            add(month, "pending_overdue" if late else "pending_in_time")
            if entry["dissatisfied"]:
                add(month, "dissatisfied_open")
    return out


def _difference(old: dict | None, new: dict | None) -> dict[tuple, list[int]]:
    delta = contribution(new)
    for key, vector in contribution(old).items():
        target = delta.setdefault(key, [0] * len(COLUMNS))
        for i, value in enumerate(vector):
            target[i] -= value
    return {key: vector for key, vector in delta.items() if any(vector)}


def rows_add(model, keys: tuple[str, ...], columns: tuple[str, ...], delta: dict) -> None:
    """Add *delta* (``{key tuple: vector of columns}``) to the rows of *model* in one statement
    per 500 rows (rows created as needed).

    Keys are written in sorted order so two transactions touching the same rows lock them in the
    same order.
    """
    if not delta:
        return
    table = model._meta.db_table
    names = ", ".join(keys + columns)
    if connection.vendor == "mysql":
        update = ", ".join(f"{c} = {c} + VALUES({c})" for c in columns)
        tail = f"ON DUPLICATE KEY UPDATE {update}"
    else:
        update = ", ".join(f"{c} = {c} + excluded.{c}" for c in columns)
        tail = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {update}"
    placeholder = "(" + ", ".join(["%s"] * (len(keys) + len(columns))) + ")"
    items = iter(sorted(delta.items()))
    with connection.cursor() as cursor:
        while chunk := list(islice(items, 500)):
            sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholder] * len(chunk))} {tail}"
            params = [value for key, vector in chunk for value in (*key, *vector)]
            cursor.execute(sql, params)


def summary_rows_add(delta: dict[tuple, list[int]]) -> None:
    """Add *delta* to the monthly summary rows (:func:`rows_add`)."""
    rows_add(MonthSummary, ("month", "unit_id", "procedure_id", "channel"), COLUMNS, delta)


def entries_stored(ids: list[int], *, lock: bool = True) -> dict[int, dict]:
    """Return the stored entries of *ids*, locked for the transaction unless *lock* is False."""
    rows = SummaryEntry.objects.filter(dossier_id__in=ids)
    if lock:
        rows = rows.select_for_update()
    return {row["dossier_id"]: row for row in rows.values("dossier_id", *ENTRY_FIELDS)}


def entries_save(new: dict[int, dict | None], stored: dict[int, dict]) -> None:
    """Write the entries *new* (delete those that no longer count), given what was *stored*: the
    changed ones are deleted and inserted again (:func:`rows_insert`), in the caller's
    transaction."""
    changed = {
        pk: entry
        for pk, entry in new.items()
        if entry is not None
        and (pk not in stored or any(stored[pk][f] != entry[f] for f in ENTRY_FIELDS))
    }
    stale = [pk for pk in new if pk in stored and (new[pk] is None or pk in changed)]
    if stale:
        SummaryEntry.objects.filter(dossier_id__in=stale).delete()
    rows_insert(
        SummaryEntry,
        ("dossier", *ENTRY_FIELDS),
        [(pk, *(entry[f] for f in ENTRY_FIELDS)) for pk, entry in sorted(changed.items())],
    )


def summary_refresh(
    *,
    dossier_ids: Iterable[int],
    now: datetime | None = None,
    steps: bool = True,
    born: bool = False,
) -> int:
    """Recompute the entries of *dossier_ids* and add the difference to the summaries.

    Runs in the caller's transaction (the lifecycle's, a batch's): the summaries change with the
    dossier or not at all. The per-officer rows follow
    (:mod:`motcua.reports.officer_summaries`); *steps* False leaves them alone, for a caller that
    changed nothing they hold (a dossier's own ``due_at``). *born*: the dossiers were created in
    this transaction (a reception), so nothing is stored for them yet. Returns the number of
    summary rows changed.
    """
    from motcua.reports.officer_summaries import officer_refresh

    ids = sorted(set(dossier_ids))
    if not ids:
        return 0
    stored = {} if born else entries_stored(ids)
    new = entries_for(ids, now=now, born=born)
    for pk in stored.keys() - new.keys():  # the dossier itself was deleted
        new[pk] = None
    delta: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COLUMNS))
    for pk, entry in new.items():
        old = stored.get(pk)
        if old is not None and entry is not None and all(old[f] == entry[f] for f in ENTRY_FIELDS):
            continue
        for key, vector in _difference(old, entry).items():
            target = delta[key]
            for i, value in enumerate(vector):
                target[i] += value
    delta = {key: vector for key, vector in delta.items() if any(vector)}
    summary_rows_add(delta)
    entries_save(new, stored)
    if steps:
        officer_refresh(ids, born=born)
    return len(delta)


def entries_lagging(*, now: datetime | None = None):
    """Return the entries whose stocks stop before :func:`horizon` (a month ended since they were
    computed): open dossiers received by then. Index ``(is_open, stock_to, received_month)``."""
    last = horizon(now)
    return SummaryEntry.objects.filter(
        Q(stock_to__isnull=True) | Q(stock_to__lt=last), is_open=True, received_month__lte=last
    )


def summaries_roll(*, now: datetime | None = None, batch_size: int = 2000) -> int:
    """Extend the stocks of the dossiers still open when a month ends (called by the due sweep).

    Cheap when there is nothing to do (one indexed query): only open dossiers whose stock stops
    before :func:`horizon` are recomputed, in batches, each in its own transaction.
    """
    from django.db import transaction

    now = now or timezone.now()
    lagging = entries_lagging(now=now)
    done, after = 0, 0
    while True:
        ids = list(
            lagging.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return done
        after = ids[-1]
        with transaction.atomic():
            summary_refresh(dossier_ids=ids, now=now)
        done += len(ids)


def month_of_date(day: date) -> date:
    """Return the first day of *day*'s month."""
    return day.replace(day=1)
