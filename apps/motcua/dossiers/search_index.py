"""The desk search's full-text index on SQLite (the embedded default): an FTS5 table over
``dossiers_dossier.search_text``.

MariaDB holds the folded search column (code, applicant's name, ID number, phone, tax code) in a
``FULLTEXT`` index (migration ``0003_h10_scale_indexes``); SQLite gets the same through an FTS5
*external content* table: the index stores only the words and reads the text from the dossier
row (``content='dossiers_dossier'``, ``content_rowid='id'``). Three triggers keep it in step with
every write to ``search_text``, whoever writes (the ORM, the load generator's and the legacy
import's multi-row ``INSERT``, raw ``UPDATE``/``DELETE``), in the writer's own transaction, so a
search sees uncommitted rows of its own transaction as ``LIKE`` would (InnoDB's FULLTEXT does
not; see :func:`motcua.dossiers.selectors.dossier_search_filter`).

A migration that rebuilds ``dossiers_dossier`` on SQLite (Django copies the rows into a new table
and drops the old one) drops its triggers with it: :func:`search_index_ensure` runs after every
``migrate`` and puts back missing triggers, then rebuilds the index from the rows.
"""

from __future__ import annotations

from django.db import connections

TABLE = "dossiers_dossier_fts"
SOURCE = "dossiers_dossier"

_INSERT = f"INSERT INTO {TABLE}(rowid, search_text) VALUES (new.id, new.search_text);"
_DELETE = (
    f"INSERT INTO {TABLE}({TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
)

CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    f"search_text, content='{SOURCE}', content_rowid='id')"
)
#: name -> CREATE TRIGGER statement. An update re-indexes a row only when its text (or id) changed.
TRIGGERS = {
    f"{TABLE}_ai": f"CREATE TRIGGER IF NOT EXISTS {TABLE}_ai AFTER INSERT ON {SOURCE} "
    f"BEGIN {_INSERT} END",
    f"{TABLE}_ad": f"CREATE TRIGGER IF NOT EXISTS {TABLE}_ad AFTER DELETE ON {SOURCE} "
    f"BEGIN {_DELETE} END",
    f"{TABLE}_au": f"CREATE TRIGGER IF NOT EXISTS {TABLE}_au AFTER UPDATE OF id, search_text "
    f"ON {SOURCE} WHEN old.search_text IS NOT new.search_text OR old.id IS NOT new.id "
    f"BEGIN {_DELETE} {_INSERT} END",
}
REBUILD = f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')"

#: The ids of the rows holding every word of the MATCH expression (see :func:`match_expression`).
MATCH_SQL = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"


def match_expression(words: list[tuple[str, bool]]) -> str:
    """FTS5 query: every ``(word, prefix)`` must be a word of the row, or begin one when *prefix*
    ("09123" finds 0912345678, "qua" finds Quân; see ``dossiers.selectors.search_words``).

    *words* are folded ``[0-9a-z]+`` runs; each is quoted so that none reads as an operator.
    """
    return " ".join(f'"{word}"*' if prefix else f'"{word}"' for word, prefix in words)


def search_index_create(cursor) -> None:
    """Create the FTS5 table and its triggers, and index the rows already there."""
    cursor.execute(CREATE_TABLE)
    for statement in TRIGGERS.values():
        cursor.execute(statement)
    cursor.execute(REBUILD)


def search_index_drop(cursor) -> None:
    for name in TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def search_index_check(*, using: str = "default") -> None:
    """SQLite: compare the FTS index with the dossier rows; raises ``DatabaseError`` when they
    differ (then ``INSERT INTO dossiers_dossier_fts(dossiers_dossier_fts) VALUES ('rebuild')``)."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('integrity-check', 1)")


def _existing(cursor, kind: str, names) -> set[str]:
    placeholders = ", ".join(["%s"] * len(names))
    cursor.execute(
        f"SELECT name FROM sqlite_master WHERE type = %s AND name IN ({placeholders})",
        [kind, *names],
    )
    return {row[0] for row in cursor.fetchall()}


def search_index_ensure(*, using: str = "default", **_signal) -> bool:
    """After ``migrate`` on SQLite: put back the triggers a table rebuild dropped, and reindex.

    Does nothing before the FTS table exists (its migration not applied yet) or on MariaDB.
    Returns True when the index had to be repaired.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        if not _existing(cursor, "table", [TABLE, SOURCE]) >= {TABLE, SOURCE}:
            return False
        if _existing(cursor, "trigger", list(TRIGGERS)) == set(TRIGGERS):
            return False
        search_index_create(cursor)
    return True
