"""Secondary indexes of the generated tables set aside during a large load on MariaDB, rebuilt after.

InnoDB updates every secondary index row by row on insert (27 indexes on the dossier table, 8 on
the events): measured on this machine, the INSERTs of a batch took 1.9× as long with the plain
indexes as without them. ``ALTER TABLE … ADD INDEX`` afterwards reads the table once and sorts
each index's keys. Only non-unique B-tree indexes that back no foreign key are set aside: the
primary keys, the unique ones (the dossier code), the FULLTEXT index of the search column and the
indexes whose first column is a foreign key stay — the generator's rows must stay unique,
re-creating a FULLTEXT index is the operation that crashed this MariaDB 10.11 server (InnoDB
assertion in ``pars0pars.cc``, 2026-12-08), and InnoDB needs an index under every foreign key
(a table left without one is a state other sessions should never meet).

The definitions are written into the generated set's parameters (the form data of its first
dossier, see :mod:`motcua.dossiers.loadgen.run`) *before* the indexes are dropped, so a run
killed in between leaves the list behind and the next run rebuilds them at its end. SQLite keeps
its indexes (it is the embedded default for small sets).
"""

from __future__ import annotations

from django.db import connection

from motcua.dossiers.loadgen.writer import TABLES

#: Index definitions per table: {table: {index name: "ADD INDEX `name` (`col`, …)"}}.
Definitions = dict[str, dict[str, str]]


def _tables() -> list[str]:
    return [model._meta.db_table for model, _attr in TABLES]


def present() -> dict[str, set[str]]:
    """Names of the indexes each generated table has now (all kinds)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, index_name FROM information_schema.statistics "
            "WHERE table_schema = DATABASE() AND table_name IN %s",
            [tuple(_tables())],
        )
        have: dict[str, set[str]] = {table: set() for table in _tables()}
        for table, name in cursor.fetchall():
            have[table].add(name)
    return have


def deferrable() -> Definitions:
    """The plain indexes of the generated tables that back no foreign key, as ``ADD INDEX``."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.key_column_usage "
            "WHERE table_schema = DATABASE() AND table_name IN %s "
            "AND referenced_table_name IS NOT NULL",
            [tuple(_tables())],
        )
        foreign = set(cursor.fetchall())
        cursor.execute(
            "SELECT table_name, index_name, column_name, sub_part, collation "
            "FROM information_schema.statistics WHERE table_schema = DATABASE() "
            "AND table_name IN %s AND non_unique = 1 AND index_type = 'BTREE' "
            "ORDER BY table_name, index_name, seq_in_index",
            [tuple(_tables())],
        )
        columns: dict[tuple[str, str], list[str]] = {}
        first_column: dict[tuple[str, str], str] = {}
        for table, name, column, sub_part, collation in cursor.fetchall():
            first_column.setdefault((table, name), column)
            part = qn(column) + (f"({sub_part})" if sub_part else "")
            columns.setdefault((table, name), []).append(
                part + (" DESC" if collation == "D" else "")
            )
    found: Definitions = {}
    for (table, name), parts in columns.items():
        if (table, first_column[table, name]) not in foreign:
            found.setdefault(table, {})[name] = f"ADD INDEX {qn(name)} ({', '.join(parts)})"
    return found


def drop(definitions: Definitions) -> None:
    """Drop the indexes named in *definitions* that exist."""
    have = present()
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, indexes in definitions.items():
            names = [name for name in indexes if name in have.get(table, ())]
            if names:
                cursor.execute(
                    f"ALTER TABLE {qn(table)} "
                    + ", ".join(f"DROP INDEX {qn(name)}" for name in names)
                )


def restore(definitions: Definitions) -> int:
    """Add back the indexes of *definitions* that are missing (one ALTER per table); how many."""
    have = present()
    qn = connection.ops.quote_name
    added = 0
    with connection.cursor() as cursor:
        # an index build over a million rows outlasts a web request's statement limit
        cursor.execute("SELECT @@SESSION.max_statement_time")
        (limit,) = cursor.fetchone()
        cursor.execute("SET SESSION max_statement_time = 0")
        try:
            for table, indexes in definitions.items():
                clauses = [sql for name, sql in indexes.items() if name not in have.get(table, ())]
                if clauses:
                    cursor.execute(f"ALTER TABLE {qn(table)} " + ", ".join(clauses))
                    added += len(clauses)
        finally:
            cursor.execute("SET SESSION max_statement_time = %s", [limit])
    return added
