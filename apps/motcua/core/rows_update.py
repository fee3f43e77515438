"""Write different values to many rows of one table with one statement (batch jobs), and insert
many rows with one statement without model instances (:func:`rows_insert`).

Django's ``bulk_update`` writes a ``CASE WHEN pk = … THEN … END`` per column; MariaDB reads such a
``CASE`` branch by branch for every row it updates, so a batch of *n* rows and *c* columns costs
about n² × c comparisons (the calendar recompute spent most of its time there, bench/RESULTS.md,
"Calendar change as a job"). Here the new values travel as a derived table joined on the primary
key, so the database does one index lookup per row:

* MariaDB: ``UPDATE t JOIN (WITH v(pk, …) AS (VALUES (…), …) SELECT * FROM v) v ON t.pk = v.pk
  SET …`` (a table value constructor, MariaDB ≥ 10.3). :data:`MYSQL_FORMS` holds the other forms
  measured against it (``JSON_TABLE``, a temporary table); the default is the fastest one
  measured (bench/bench_rows_update.py).
* SQLite (≥ 3.33): ``WITH v(pk, …) AS (VALUES …) UPDATE t SET … FROM v WHERE t.pk = v.pk``.

Values are converted with each field's own ``get_db_prep_save`` (aware datetimes to the stored
form) and sent as parameters. The caller gives only the rows whose values change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection, models

#: Rows per statement: keeps a statement's parameters well under SQLite's 32,766 and MariaDB's
#: packet size for the recompute's nine columns.
CHUNK = 1000


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _converter(field):
    """The conversion of one column's values: the database form of a datetime (the one costly
    step of ``get_db_prep_save`` for the columns written here), none for integers and text,
    else the field's own."""
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.IntegerField | models.CharField):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _once(convert):
    """*convert* remembered per value (for the datetimes a batch repeats)."""
    seen: dict = {}

    def converted(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = result = convert(value)
            return result

    return converted


def _prepared(model, columns: Sequence[str], rows: Sequence[Sequence]) -> list[list]:
    fields = [model._meta.pk] + [model._meta.get_field(name) for name in columns]
    converters = [_converter(field) for field in fields]
    converters = [
        _once(convert) if isinstance(field, models.DateTimeField) else convert
        for convert, field in zip(converters, fields, strict=True)
    ]
    return [
        [
            value if convert is None or value is None else convert(value)
            for convert, value in zip(converters, row, strict=True)
        ]
        for row in rows
    ]


def _names(model, columns: Sequence[str]) -> tuple[str, list[str]]:
    table = _quote(model._meta.db_table)
    cols = [_quote(model._meta.pk.column)] + [
        _quote(model._meta.get_field(name).column) for name in columns
    ]
    return table, cols


def _values_sql(model, columns, rows) -> list[tuple[str, list]]:
    table, cols = _names(model, columns)
    alias = ", ".join(f"c{i}" for i in range(len(cols)))
    row = "(" + ", ".join(["%s"] * len(cols)) + ")"
    sets = ", ".join(f"t.{col} = v.c{i}" for i, col in enumerate(cols) if i)
    sql = (
        f"UPDATE {table} t JOIN (WITH v ({alias}) AS (VALUES {', '.join([row] * len(rows))}) "
        f"SELECT * FROM v) v ON t.{cols[0]} = v.c0 SET {sets}"
    )
    return [(sql, [value for r in rows for value in r])]


def _json_type(field) -> str:
    return field.db_type(connection).split(" ")[0].replace("integer", "bigint")


def _json_table_sql(model, columns, rows) -> list[tuple[str, list]]:
    table, cols = _names(model, columns)
    fields = [model._meta.pk] + [model._meta.get_field(name) for name in columns]
    spec = ", ".join(f"c{i} {_json_type(field)} PATH '$[{i}]'" for i, field in enumerate(fields))
    sets = ", ".join(f"t.{col} = v.c{i}" for i, col in enumerate(cols) if i)
    sql = (
        f"UPDATE {table} t JOIN JSON_TABLE(%s, '$[*]' COLUMNS ({spec})) v "
        f"ON t.{cols[0]} = v.c0 SET {sets}"
    )
    return [(sql, [json.dumps(rows, default=str)])]


def _temporary_sql(model, columns, rows) -> list[tuple[str, list]]:
    table, cols = _names(model, columns)
    scratch = _quote(f"tmp_{model._meta.db_table}_rows")
    row = "(" + ", ".join(["%s"] * len(cols)) + ")"
    sets = ", ".join(f"t.{col} = v.{col}" for col in cols[1:])
    return [
        (
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {scratch} AS SELECT {', '.join(cols)} "
            f"FROM {table} LIMIT 0",
            [],
        ),
        (f"TRUNCATE {scratch}", []),
        (
            f"INSERT INTO {scratch} VALUES {', '.join([row] * len(rows))}",
            [value for r in rows for value in r],
        ),
        (f"UPDATE {table} t JOIN {scratch} v ON t.{cols[0]} = v.{cols[0]} SET {sets}", []),
    ]


def _sqlite_sql(model, columns, rows) -> list[tuple[str, list]]:
    table, cols = _names(model, columns)
    alias = ", ".join(f"c{i}" for i in range(len(cols)))
    row = "(" + ", ".join(["%s"] * len(cols)) + ")"
    sets = ", ".join(f"{col} = v.c{i}" for i, col in enumerate(cols) if i)
    sql = (
        f"WITH v ({alias}) AS (VALUES {', '.join([row] * len(rows))}) "
        f"UPDATE {table} SET {sets} FROM v WHERE {table}.{cols[0]} = v.c0"
    )
    return [(sql, [value for r in rows for value in r])]


#: The MariaDB statement forms (bench/bench_rows_update.py measures them side by side).
MYSQL_FORMS = {"values": _values_sql, "json_table": _json_table_sql, "temporary": _temporary_sql}
MYSQL_FORM = "values"


def rows_update(model, columns: Sequence[str], rows: Sequence[Sequence], *, form: str = "") -> int:
    """Set *columns* of the rows ``(pk, value, …)`` of *model*, one statement per :data:`CHUNK`
    rows; return the number of rows given. *form* picks a MariaDB form (benchmarks only)."""
    if not rows:
        return 0
    if connection.vendor == "mysql":
        build = MYSQL_FORMS[form or MYSQL_FORM]
    elif connection.vendor == "sqlite":
        build = _sqlite_sql
    else:  # pragma: no cover - the two databases motcua runs on
        raise NotImplementedError(connection.vendor)
    with connection.cursor() as cursor:
        for k in range(0, len(rows), CHUNK):
            chunk = _prepared(model, columns, rows[k : k + CHUNK])
            for sql, params in build(model, columns, chunk):
                cursor.execute(sql, params)
    return len(rows)


def rows_insert(
    model, columns: Sequence[str], rows: Sequence[Sequence], *, returning: bool = False
) -> list[int]:
    """Insert the rows ``(value, …)`` of *columns* into *model*'s table, one multi-row ``INSERT``
    per :data:`CHUNK` rows, without building model instances (batch jobs); return the new ids in
    the rows' order when *returning* (``INSERT … RETURNING``: MariaDB ≥ 10.5, SQLite ≥ 3.35).
    A non-null column left out gets its field's default, as a new instance would."""
    if not rows:
        return []
    table = _quote(model._meta.db_table)
    given = [model._meta.get_field(name) for name in columns]
    rest = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.null and field not in given
    ]
    fields = given + rest
    defaults = tuple(field.get_default() for field in rest)
    rows = [(*r, *defaults) for r in rows] if rest else rows
    converters = [_converter(field) for field in fields]
    cols = ", ".join(_quote(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = f" RETURNING {_quote(model._meta.pk.column)}" if returning else ""
    ids: list[int] = []
    # a batch repeats its moments (one "now" per row): each distinct datetime converted once
    converters = [
        _once(convert) if isinstance(f, models.DateTimeField) else convert
        for convert, f in zip(converters, fields, strict=True)
    ]
    with connection.cursor() as cursor:
        for k in range(0, len(rows), CHUNK):
            chunk = rows[k : k + CHUNK]
            params = [
                value if convert is None or value is None else convert(value)
                for r in chunk
                for convert, value in zip(converters, r, strict=True)
            ]
            cursor.execute(
                f"INSERT INTO {table} ({cols}) VALUES {', '.join([row] * len(chunk))}{tail}", params
            )
            if returning:
                ids.extend(pk for (pk,) in cursor.fetchall())
    return ids
