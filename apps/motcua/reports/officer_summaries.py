"""Monthly per-officer summaries: the officer evaluation's figures and the dashboard's ranking.

Rule (đánh giá mức độ hoàn thành nhiệm vụ, counted per step as the evaluation does,
:mod:`motcua.reports.evaluation`): a step counts for its assignee in the month (local calendar) it
was finished; it is late when finished after its due moment (which already excludes paused time:
the lifecycle moves it on resume, ``docs/architecture.md``, Deadlines); its time is the office time
from its start to its finish (:func:`motcua.core.deadlines.office_time_between`). A supplement
request (NĐ 61/2018/NĐ-CP art. 15 §2.b; ``Action.REQUEST_SUPPLEMENT``) counts for its actor in the
month it was made. Only counted dossiers (received, not training) count, credited to the unit that
processes them (the competent unit, else the receiving one; ``reports/indicators.py``, Units).

:func:`officer_contributions` computes, per dossier, the rows it adds to
:class:`~motcua.reports.models.OfficerMonth` (stored as :class:`~motcua.reports.models.OfficerEntry`
rows); :func:`officer_refresh` applies the difference between the stored and the new rows in the
caller's transaction (called by :func:`motcua.reports.summaries.summary_refresh`, i.e. by the
lifecycle); :func:`officer_months_rebuild` recomputes the month rows from the entries (``manage.py
reports_rebuild``). :func:`officer_counts_direct` is the same rule read from the steps and events
themselves (the formula the tests compare with, and the partial months of a period).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from motcua.core import deadlines
from motcua.core.rows_update import rows_insert
from motcua.core.selectors import site_calendar
from motcua.dossiers import ontime
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.states import Action
from motcua.reports.models import OfficerEntry, OfficerMonth
from motcua.reports.summaries import month_of, rows_add

#: The summed columns of an officer row, in a fixed order.
COLUMNS = ("steps", "late_steps", "office_seconds", "supplements")
KEYS = ("month", "assignee_id", "unit_id", "procedure_id", "channel")
#: The dossier's keys, read beside each step and event (the processing unit: ``indicators``).
DOSSIER_KEYS = {
    "d_unit": Coalesce(F("dossier__competent_unit_id"), F("dossier__unit_id")),
    "d_procedure": F("dossier__procedure_id"),
    "d_channel": F("dossier__channel"),
}


def step_office_seconds(calendar, started: datetime, finished: datetime) -> int:
    """Return the office time of a step from *started* to *finished*, in whole seconds."""
    return int(deadlines.office_time_between(calendar, started, finished).total_seconds())


def _counted(lookups: dict) -> dict:
    return {**lookups, "dossier__received_at__isnull": False, "dossier__is_training": False}


def officer_contributions(
    ids: list[int] | None = None, *, id_range: tuple[int, int] | None = None
) -> dict[int, dict[tuple, list[int]]]:
    """Return, per dossier of *ids* (or of the inclusive *id_range*), the officer rows it adds:
    ``{dossier: {(month, officer, unit, procedure, channel): [steps, late, seconds, supplements]}}``
    (an empty dict for a dossier that adds none). Two queries whatever the number of dossiers."""
    if id_range is not None:
        lookups = {"dossier_id__gte": id_range[0], "dossier_id__lte": id_range[1]}
    else:
        lookups = {"dossier_id__in": ids}
    out: dict[int, dict[tuple, list[int]]] = {pk: {} for pk in ids or ()}
    calendar = site_calendar()

    def add(row: dict, moment: datetime, officer: int, column: int, amount: int = 1) -> list[int]:
        rows = out.setdefault(row["dossier_id"], {})
        key = (month_of(moment), officer, row["d_unit"], row["d_procedure"], row["d_channel"])
        vector = rows.setdefault(key, [0] * len(COLUMNS))
        vector[column] += amount
        return vector

    steps = (
        DossierStep.objects.filter(**_counted(lookups), assignee__isnull=False)
        .exclude(finished_at=None)
        .values("dossier_id", "assignee_id", "started_at", "due_at", "finished_at", **DOSSIER_KEYS)
        .order_by()
    )
    for row in steps.iterator(chunk_size=5000):
        finished = row["finished_at"]
        vector = add(row, finished, row["assignee_id"], 0)
        if row["due_at"] is not None and finished > row["due_at"]:
            vector[1] += 1
        vector[2] += step_office_seconds(calendar, row["started_at"], finished)
    events = (
        DossierEvent.objects.filter(
            **_counted(lookups), action=Action.REQUEST_SUPPLEMENT, actor__isnull=False
        )
        .values("dossier_id", "actor_id", "created_at", **DOSSIER_KEYS)
        .order_by()
    )
    for row in events.iterator(chunk_size=5000):
        add(row, row["created_at"], row["actor_id"], 3)
    return out


def _stored(ids: list[int]) -> dict[int, dict[tuple, list[int]]]:
    out: dict[int, dict[tuple, list[int]]] = defaultdict(dict)
    rows = OfficerEntry.objects.filter(dossier_id__in=ids).select_for_update()
    for row in rows.values("dossier_id", *KEYS, *COLUMNS).order_by():
        out[row["dossier_id"]][tuple(row[k] for k in KEYS)] = [row[c] for c in COLUMNS]
    return out


def _entries_insert(contributions: dict[int, dict[tuple, list[int]]]) -> None:
    """Insert the officer entries of *contributions* (:func:`motcua.core.rows_update.rows_insert`)."""
    rows_insert(
        OfficerEntry,
        ("dossier", *KEYS, *COLUMNS),
        [
            (pk, *key, *vector)
            for pk, rows in sorted(contributions.items())
            for key, vector in rows.items()
        ],
    )


def officer_refresh(ids: list[int], *, born: bool = False) -> int:
    """Recompute the officer rows of the dossiers *ids* and add the difference to
    :class:`~motcua.reports.models.OfficerMonth`, in the caller's transaction; return the number
    of month rows changed. *born*: the dossiers were created in this transaction (no rows yet)."""
    stored = {} if born else _stored(ids)
    new = officer_contributions(ids)
    delta: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COLUMNS))
    changed = [pk for pk in ids if stored.get(pk, {}) != new.get(pk, {})]
    for pk in changed:
        for sign, rows in ((1, new.get(pk, {})), (-1, stored.get(pk, {}))):
            for key, vector in rows.items():
                target = delta[key]
                for i, value in enumerate(vector):
                    target[i] += sign * value
    delta = {key: vector for key, vector in delta.items() if any(vector)}
    rows_add(OfficerMonth, KEYS, COLUMNS, delta)
    if changed:
        if not born:
            OfficerEntry.objects.filter(dossier_id__in=changed).delete()
        _entries_insert({pk: new.get(pk, {}) for pk in changed})
    return len(delta)


def officer_entries_rebuild(
    ids: list[int] | None = None, *, id_range: tuple[int, int] | None = None
) -> None:
    """Replace the officer entries of *ids* (or of the inclusive *id_range*) by their recomputed
    rows, leaving the month rows to :func:`officer_months_rebuild` (the rebuild's pass 1)."""
    stale = OfficerEntry.objects.all()
    if id_range is not None:
        stale = stale.filter(dossier_id__gte=id_range[0], dossier_id__lte=id_range[1])
    else:
        stale = stale.filter(dossier_id__in=ids)
    stale.delete()
    _entries_insert(officer_contributions(ids, id_range=id_range))


def officer_months_rebuild(*, first_month=None) -> int:
    """Replace the officer month rows from *first_month* on (all when None) by the sums of the
    entries, in one transaction (one ``INSERT … SELECT … GROUP BY``); return the rows written."""
    month = "" if first_month is None else "WHERE month >= %s"
    params = [] if first_month is None else [first_month]
    keys, sums = ", ".join(KEYS), ", ".join(f"SUM({c})" for c in COLUMNS)
    sql = f"""
        INSERT INTO {OfficerMonth._meta.db_table} ({keys}, {", ".join(COLUMNS)})
        SELECT {keys}, {sums} FROM {OfficerEntry._meta.db_table} {month}
        GROUP BY {keys}
    """  # noqa: S608 - table and column names from the models, values as parameters
    with transaction.atomic():
        stale = OfficerMonth.objects.all()
        if first_month is not None:
            stale = stale.filter(month__gte=first_month)
        stale.delete()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount


# --------------------------------------------------------------------------- the direct formula


def _late_step() -> Q:
    return Q(due_at__isnull=False, finished_at__gt=F("due_at"))


def credited_steps(dossiers: QuerySet[Dossier], w, *, officer: int | None = None) -> QuerySet:
    """Return the assigned steps of the counted *dossiers* finished in window *w*, credited to the
    units of ``w.units`` (the processing unit), optionally of one *officer*."""
    from motcua.reports.indicators import PROCESSING, credit_condition

    counted = ontime.counted(dossiers).filter(credit_condition(PROCESSING, w))
    steps = DossierStep.objects.filter(
        dossier__in=counted.values("pk"),
        assignee__isnull=False,
        finished_at__gte=w.start,
        finished_at__lt=w.end,
    )
    return steps if officer is None else steps.filter(assignee_id=officer)


def officer_counts_direct(dossiers: QuerySet[Dossier], w) -> dict[int, dict]:
    """Return per officer the :data:`COLUMNS` of window *w*, read from the steps and events of
    *dossiers* (the rule of the module docstring, with exact moments: any period)."""
    from motcua.reports.indicators import PROCESSING, credit_condition

    out: dict[int, dict] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    calendar = site_calendar()
    steps = credited_steps(dossiers, w).values_list(
        "assignee_id", "started_at", "due_at", "finished_at"
    )
    for officer, started, due, finished in steps.order_by().iterator(chunk_size=5000):
        row = out[officer]
        row["steps"] += 1
        row["late_steps"] += bool(due is not None and finished > due)
        row["office_seconds"] += step_office_seconds(calendar, started, finished)
    counted = ontime.counted(dossiers).filter(credit_condition(PROCESSING, w))
    supplements = (
        DossierEvent.objects.filter(
            dossier__in=counted.values("pk"),
            action=Action.REQUEST_SUPPLEMENT,
            actor__isnull=False,
            created_at__gte=w.start,
            created_at__lt=w.end,
        )
        .values("actor_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in supplements:
        out[row["actor_id"]]["supplements"] += row["n"]
    return dict(out)


def officer_counts_months(rows: QuerySet, first, last) -> dict[int, dict]:
    """Return per officer the :data:`COLUMNS` summed over the months *first* … *last* of the
    officer summary *rows* (already scoped)."""
    found = (
        rows.filter(month__gte=first, month__lte=last)
        .values("assignee_id")
        .annotate(**{f"x_{c}": Sum(c) for c in COLUMNS})
        .order_by()
    )
    return {r["assignee_id"]: {c: r[f"x_{c}"] or 0 for c in COLUMNS} for r in found}
