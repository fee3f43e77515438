"""Run the generator: find where a previous run stopped, then write the remaining batches.

Batches are independent (each seeded by its first index and written in one transaction), so the
missing ones are found by their first dossier's id and may be written by several worker processes
(``--jobs``). The parameters of a generated set (seed, number of dossiers, the day the three years
end) are kept in the form data of its first dossier, so a rerun resumes the same set and refuses
another one; so are the definitions of the indexes set aside while a large set is written on
MariaDB (:mod:`motcua.dossiers.loadgen.indexes`) and whether the due states and the report
summaries were rebuilt after it (:func:`load_finish`), so a killed run's rerun completes them.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import time as clock
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from motcua.core.selectors import site_calendar, site_day_rule
from motcua.dossiers.loadgen import indexes
from motcua.dossiers.loadgen.derived import Derived
from motcua.dossiers.loadgen.rows import ID_BASE, MAX_DOSSIERS, SLOTS, Generator, Span
from motcua.dossiers.loadgen.world import world_build
from motcua.dossiers.loadgen.writer import BatchWriter, bulk_session, ids_reserve
from motcua.dossiers.models import Dossier

YEARS = 3
META_KEY = "loadgen"
#: Version of the rows a seed gives; a set begun by another version is not resumed (it would mix
#: two kinds of rows). 2: since the faster generator of 2026-12-08 (sets without it are 1);
#: 3: realistic open shares (growing volume, procedure mix, long supplement waits).
FORMAT = 3


class LoadError(Exception):
    """The database holds another generated set; the message says which."""


@dataclass(frozen=True)
class Params:
    dossiers: int
    seed: int
    until: date

    def as_dict(self) -> dict:
        return {
            "dossiers": self.dossiers,
            "seed": self.seed,
            "until": self.until.isoformat(),
            "format": FORMAT,
        }


def stored_meta() -> dict | None:
    """The generated set's own record (parameters and pending work), or None before its first row."""
    row = Dossier.objects.filter(pk=ID_BASE).values_list("form_data", flat=True).first()
    if row is None:
        return None
    return (row if isinstance(row, dict) else json.loads(row)).get(META_KEY, {})


def meta_update(**changes) -> None:
    """Set (or, with None, remove) keys of the record kept in the first dossier's form data."""
    row = Dossier.objects.filter(pk=ID_BASE).values_list("form_data", flat=True).get()
    data = row if isinstance(row, dict) else json.loads(row)
    meta = data.setdefault(META_KEY, {})
    for key, value in changes.items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    Dossier.objects.filter(pk=ID_BASE).update(form_data=data)


def stored_params() -> Params | None:
    meta = stored_meta()
    if meta is None:
        return None
    return Params(meta["dossiers"], meta["seed"], date.fromisoformat(meta["until"]))


def batches_missing(total: int) -> list[int]:
    """First indexes of the batches not written yet (each batch is one transaction)."""
    firsts = list(range(0, total, BATCH))
    have = set(
        Dossier.objects.filter(pk__in=[ID_BASE + f for f in firsts]).values_list("pk", flat=True)
    )
    return [f for f in firsts if ID_BASE + f not in have]


#: Dossiers per batch (and per transaction); part of what makes a set reproducible.
BATCH = 5000
#: On MariaDB, plain secondary indexes are set aside when at least this many dossiers remain.
DEFER_INDEXES_FROM = 50_000
DEFERRED_KEY = "deferred_indexes"
READY_KEY = "ready"


def _size(firsts: list[int], total: int) -> int:
    return sum(min(BATCH, total - f) for f in firsts)


_writer = None


def _worker_init(write) -> None:
    global _writer
    _writer = write


def _worker_write(first: int) -> int:
    return _writer(first)


def load_generate(
    *,
    dossiers: int,
    seed: int,
    until: date | None = None,
    jobs: int = 1,
    progress=None,
    log=None,
    defer_indexes: bool | None = None,
) -> int:
    """Generate (or finish generating) *dossiers* dossiers; return how many were written now.

    *defer_indexes* (default: on MariaDB when at least DEFER_INDEXES_FROM dossiers remain) sets
    the plain secondary indexes aside while writing; *log* receives one line per finished phase.
    """
    log = log or (lambda line: None)
    if not 0 < dossiers <= MAX_DOSSIERS:
        raise LoadError(f"Số hồ sơ phải từ 1 đến {MAX_DOSSIERS:,}.")
    stored = stored_params()
    if stored is not None:
        if (stored.dossiers, stored.seed) != (dossiers, seed):
            raise LoadError(
                f"Cơ sở dữ liệu đã có bộ hồ sơ sinh với --dossiers {stored.dossiers} "
                f"--seed {stored.seed}; dùng cơ sở dữ liệu khác hoặc đúng tham số đó."
            )
        params = stored
    else:
        params = Params(dossiers, seed, until or timezone.localdate())
    ids_reserve(ID_BASE + params.dossiers * SLOTS)
    world = world_build()
    calendar = site_calendar()
    tz = calendar.tz
    end = datetime.combine(params.until, time.min, tzinfo=tz)
    start = datetime.combine(params.until - timedelta(days=365 * YEARS), time.min, tzinfo=tz)
    span = Span(
        start=calendar.position(start),
        end=calendar.position(end),
        total=params.dossiers,
        day_us=int(calendar.day_office_time.total_seconds() * 1_000_000),
    )
    generator = Generator(
        world=world,
        calendar=calendar,
        day_rule=site_day_rule(),
        seed=params.seed,
        span=span,
        now=end,
    )
    writer = BatchWriter(Derived(world))
    todo = batches_missing(params.dossiers)
    if todo and stored is not None and (stored_meta() or {}).get("format", 1) != FORMAT:
        raise LoadError(
            "Bộ hồ sơ sinh dở dang này được tạo bởi phiên bản trình sinh cũ; cùng seed nay sinh "
            "dữ liệu khác, nên hãy sinh lại vào một cơ sở dữ liệu trống."
        )
    already = params.dossiers - _size(todo, params.dossiers)
    if progress is not None:
        progress(already, params.dossiers)
    started = clock.perf_counter()

    def write(first: int) -> int:
        rows = generator.batch(first, min(first + BATCH, params.dossiers))
        if first == 0:
            meta = json.loads(rows.dossiers[0]["form_data"])
            meta[META_KEY] = params.as_dict()
            rows.dossiers[0]["form_data"] = json.dumps(meta)
        with bulk_session():
            writer.write(rows)
        return len(rows.dossiers)

    written = 0
    if todo and todo[0] == 0:  # the batch holding the parameters goes first
        written += write(todo.pop(0))
        if progress is not None:
            progress(already + written, params.dossiers)
    if defer_indexes is None:
        defer_indexes = _size(todo, params.dossiers) >= DEFER_INDEXES_FROM
    deferred = (stored_meta() or {}).get(DEFERRED_KEY) or {}
    if defer_indexes and todo and connection.vendor == "mysql":
        found = indexes.deferrable()
        for table, definitions in found.items():
            deferred.setdefault(table, {}).update(definitions)
        meta_update(**{DEFERRED_KEY: deferred})  # recorded before anything is dropped
        indexes.drop(found)
    # Then newest first: a set that is still being written already holds the open dossiers.
    todo.reverse()
    if jobs > 1 and len(todo) > 1:
        connection.close()  # each worker process opens its own connection
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs, initializer=_worker_init, initargs=(write,)) as pool:
            for count in pool.imap_unordered(_worker_write, todo):
                written += count
                if progress is not None:
                    progress(already + written, params.dossiers)
    else:
        for first in todo:
            written += write(first)
            if progress is not None:
                progress(already + written, params.dossiers)
    if written:
        elapsed = clock.perf_counter() - started
        log(f"rows: {written:,} dossiers in {elapsed:.1f} s ({written / elapsed:,.0f}/s)")
    if deferred:
        started = clock.perf_counter()
        added = indexes.restore(deferred)
        meta_update(**{DEFERRED_KEY: None})
        log(f"indexes: {added} rebuilt in {clock.perf_counter() - started:.1f} s")
    if written:
        meta_update(**{READY_KEY: None})
    if written and connection.vendor == "mysql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE TABLE dossiers_dossier, dossiers_dossierstep, dossiers_dossierevent, "
                "dossiers_consultation, dossiers_dossierpause, dossiers_dossierdocument"
            )
            cursor.fetchall()
    return written


def load_finish(*, log=None) -> bool:
    """Make a generated set ready for every bench, once: the persisted due state of its open
    dossiers and steps (``manage.py due_states_rebuild``) and the monthly report summaries
    (``manage.py reports_rebuild``) and the assignment state (``assignment_state_rebuild``), which
    the rows are written without. Returns whether it ran;
    a set gets them again after a run that added rows."""
    log = log or (lambda line: None)
    meta = stored_meta()
    if meta is None or meta.get(READY_KEY):
        return False
    if meta.get("format", 1) != FORMAT:  # a set made before: its owner rebuilt what it needed
        log("set made by an older generator: run due_states_rebuild / reports_rebuild if needed")
        return False
    for command in ("due_states_rebuild", "reports_rebuild", "assignment_state_rebuild"):
        started = clock.perf_counter()
        call_command(command, stdout=io.StringIO())
        log(f"{command}: {clock.perf_counter() - started:.1f} s")
    meta_update(**{READY_KEY: True})
    return True
