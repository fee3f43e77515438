"""Indexes for the desk and admin lists at a million dossiers, and the FULLTEXT search index.

Each index serves one list's filter and order (see bench/README.md for the EXPLAIN of each):

* ``(status, due_at)``: worklist groups (open states, earliest due first);
* ``(status, submitted_at)``: the intake queue (online submissions, oldest first);
* ``received_at`` and ``submitted_at``: the admin list and desk search, newest first;
* ``(unit, received_at)`` and ``(current_unit, received_at)``: the ledger and the admin list
  filtered by unit;
* steps ``(unit, dossier)`` and ``(unit, assignee)``, consultations ``(unit, answered_at, step)``:
  the id sets of the scoped selector and of the officer's own work;
* MariaDB: ``FULLTEXT(search_text)`` on the folded search column (name, phone, ID, tax code),
  built with the stop-word list off so that Vietnamese syllables such as "an" are indexed.

They are raw SQL, not ``Meta.indexes``: the FULLTEXT one has no portable form, and keeping them
together keeps the set reviewable. ``CREATE INDEX`` is the same on MariaDB and SQLite.
"""

from django.db import migrations

INDEXES = (
    ("dossiers_dossier", "dossier_status_due_idx", "status, due_at"),
    ("dossiers_dossier", "dossier_status_subm_idx", "status, submitted_at"),
    ("dossiers_dossier", "dossier_received_idx", "received_at"),
    ("dossiers_dossier", "dossier_submitted_idx", "submitted_at"),
    ("dossiers_dossier", "dossier_unit_recv_idx", "unit_id, received_at"),
    ("dossiers_dossier", "dossier_cunit_recv_idx", "current_unit_id, received_at"),
    ("dossiers_dossierstep", "step_unit_dossier_idx", "unit_id, dossier_id"),
    ("dossiers_dossierstep", "step_unit_assignee_idx", "unit_id, assignee_id"),
    ("dossiers_consultation", "consult_unit_open_idx", "unit_id, answered_at, step_id"),
)
FULLTEXT = ("dossiers_dossier", "dossier_search_ft", "search_text")


def create(apps, schema_editor):
    connection = schema_editor.connection
    for table, name, columns in INDEXES:
        schema_editor.execute(f"CREATE INDEX {name} ON {table} ({columns})")
    if connection.vendor == "mysql":
        table, name, column = FULLTEXT
        schema_editor.execute("SET SESSION innodb_ft_enable_stopword = OFF")
        schema_editor.execute(f"CREATE FULLTEXT INDEX {name} ON {table} ({column})")


def drop(apps, schema_editor):
    connection = schema_editor.connection
    rows = [*INDEXES, FULLTEXT] if connection.vendor == "mysql" else list(INDEXES)
    for table, name, _columns in rows:
        if connection.vendor == "mysql":
            schema_editor.execute(f"DROP INDEX {name} ON {table}")
        else:
            schema_editor.execute(f"DROP INDEX {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("dossiers", "0002_event_actions_delivery_link")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
