"""Multi-row INSERTs of generated rows, one transaction per batch, bypassing the ORM per row.

A table's columns are the keys the generator gives its rows (the same for every row of a table)
followed by the model's other concrete fields with their defaults, so a column added later with
a default is filled with that default. On MariaDB each statement is written out as SQL text with
many rows (values rendered by type: a dictionary lookup per value instead of the driver's
``literal`` machinery, which took as long as generating the rows); on SQLite the driver binds
parameters with ``executemany``. Foreign-key and unique checks are switched off for the session
while a batch is written on MariaDB (the generator builds consistent rows and unique ids and
codes).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from operator import itemgetter

from django.db import connection, transaction

from motcua.dossiers.loadgen.derived import Derived
from motcua.dossiers.loadgen.rows import Batch
from motcua.dossiers.models import (
    Consultation,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierPause,
    DossierStep,
)
from motcua.dossiers.visits import visits_rebuild

#: Tables of a generated set, in the order a batch writes them, with the Batch attribute holding
#: their rows (None: derived in the database from the others, see :mod:`.derived`).
TABLES = (
    (Dossier, "dossiers"),
    (DossierStep, "steps"),
    (Consultation, "consultations"),
    (DossierPause, "pauses"),
    (DossierEvent, None),
    (DossierDocument, None),
)
#: Characters of a MariaDB string literal escaped as ``mysql_real_escape_string`` does (utf8mb4).
_ESCAPES = str.maketrans(
    {"\\": "\\\\", "'": "\\'", '"': '\\"', "\0": "\\0", "\n": "\\n", "\r": "\\r", "\x1a": "\\Z"}
)
#: Characters per INSERT statement on MariaDB (``max_allowed_packet`` is 16 MB by default).
STATEMENT_CHARS = 1_000_000


_SPECIAL = re.compile(r"""[\\'"\x00\n\r\x1a]""")


def _text(value: str) -> str:
    # most generated strings need no escape: searching is much cheaper than translating
    if _SPECIAL.search(value) is None:
        return "'" + value + "'"
    return "'" + value.translate(_ESCAPES) + "'"


def _moment(value: datetime) -> str:
    return "'" + value.isoformat(" ") + "'"


_LITERALS = {
    str: _text,
    int: int.__repr__,
    bool: lambda value: "1" if value else "0",
    type(None): lambda value: "NULL",
    datetime: _moment,
    Decimal: str,
    float: float.__repr__,
}


def sql_literal(value) -> str:
    """The MariaDB literal of a generated value (str/int choices are written as their value)."""
    render = _LITERALS.get(type(value))
    if render is None:
        for kind in (bool, int, str, datetime, Decimal, float):
            if isinstance(value, kind):
                render = _LITERALS[type(value)] = _LITERALS[kind]
                break
        else:
            raise TypeError(f"no SQL literal for {type(value).__name__}: {value!r}")
    return render(value)


class TableWriter:
    def __init__(self, model, keys: tuple[str, ...]):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(keys) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no column for {sorted(unknown)}")
        rest = [f for name, f in fields.items() if name not in keys]
        self.keys = keys
        self.get = itemgetter(*keys) if len(keys) > 1 else (lambda row: (row[keys[0]],))
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        qn = connection.ops.quote_name
        columns = [fields[name].column for name in keys] + [f.column for f in rest]
        self.head = "INSERT INTO {} ({}) VALUES ".format(
            qn(model._meta.db_table), ", ".join(qn(c) for c in columns)
        )
        self.params_sql = self.head + "(" + ", ".join(["%s"] * len(columns)) + ")"
        self.tail = "".join("," + sql_literal(v) for v in self.defaults) + ")"

    def statements(self, rows: list[dict]):
        """MariaDB: multi-row INSERT statements of at most about STATEMENT_CHARS characters."""
        get, tail, literals = self.get, self.tail, _LITERALS
        parts, size = [], 0
        for row in rows:
            values = get(row)
            try:
                text = "(" + ",".join([literals[type(v)](v) for v in values]) + tail
            except KeyError:
                text = "(" + ",".join([sql_literal(v) for v in values]) + tail
            parts.append(text)
            size += len(text)
            if size > STATEMENT_CHARS:
                yield self.head + ",".join(parts)
                parts, size = [], 0
        if parts:
            yield self.head + ",".join(parts)

    def tuples(self, rows: list[dict]) -> list[tuple]:
        """SQLite: parameter tuples, datetimes as the text Django stores."""
        get, defaults = self.get, self.defaults
        return [
            tuple(v.isoformat(" ") if isinstance(v, datetime) else v for v in get(row) + defaults)
            for row in rows
        ]


class BatchWriter:
    """Writes batches of one generated set; keep one per process (it caches the statements)."""

    def __init__(self, derived: Derived):
        self.writers: dict[tuple[type, tuple[str, ...]], TableWriter] = {}
        self.text_sql = connection.vendor == "mysql"
        self.derived = derived

    def _writer(self, model, rows: list[dict]) -> TableWriter:
        keys = tuple(rows[0])
        writer = self.writers.get((model, keys))
        if writer is None:
            writer = self.writers[(model, keys)] = TableWriter(model, keys)
        return writer

    def write(self, batch: Batch) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            # the statements of a batch are megabytes of text: past Django's cursor wrapper,
            # which keeps each one in memory under DEBUG
            raw = cursor.cursor if self.text_sql else cursor
            for model, attr in TABLES:
                rows = getattr(batch, attr) if attr else None
                if not rows:
                    continue
                writer = self._writer(model, rows)
                if self.text_sql:
                    for statement in writer.statements(rows):
                        raw.execute(statement)
                else:
                    cursor.executemany(writer.params_sql, writer.tuples(rows))
            if batch.dossiers:
                ids = [row["id"] for row in batch.dossiers]
                self.derived.write(cursor, min(ids), max(ids))
                # the units visited besides the receiving one, for the selector
                visits_rebuild(first=min(ids), last=max(ids))


def ids_reserve(top: int) -> None:
    """Move the id counter of every generated table past *top*, the end of the generated range.

    Generated rows carry explicit ids (``ID_BASE + i`` and ``ID_BASE + i * SLOTS + k``); the
    database's counter only follows the ids it has seen, and keeps a value from rows since deleted
    (InnoDB's ``AUTO_INCREMENT``, SQLite's ``sqlite_sequence``). Without this, a row the
    application creates meanwhile (the world's own dossiers, a reception during a resumed run) can
    take an id inside the range and make a later batch fail on a duplicate key.
    """
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, _attr in TABLES:
            table = model._meta.db_table
            cursor.execute(f"SELECT MAX(id) FROM {qn(table)}")  # noqa: S608 - a model's table
            start = max(top, (cursor.fetchone()[0] or 0)) + 1
            if connection.vendor == "mysql":
                cursor.execute(f"ALTER TABLE {qn(table)} AUTO_INCREMENT = {int(start)}")
            elif connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start - 1]
                )


@contextmanager
def bulk_session():
    """Relax per-row checks on MariaDB for the duration of the load; restore them after."""
    if connection.vendor != "mysql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0")
        # INSERT … SELECT of the derived rows reads the batch just written: no need to lock it
        cursor.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION foreign_key_checks = 1, unique_checks = 1")
            cursor.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
