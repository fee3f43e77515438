"""The returns book of the ledger (form 07, by the day the result was handed back) reads one
index range: ``(unit_id, returned_at)``, beside ``(unit_id, received_at)`` of the receipts book
(migration 0003). Raw SQL like 0003's, so the two ledger indexes read alike.
"""

from django.db import migrations

TABLE, NAME, COLUMNS = "dossiers_dossier", "dossier_unit_ret_idx", "unit_id, returned_at"


def create(apps, schema_editor):
    schema_editor.execute(f"CREATE INDEX {NAME} ON {TABLE} ({COLUMNS})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "mysql":
        schema_editor.execute(f"DROP INDEX {NAME} ON {TABLE}")
    else:
        schema_editor.execute(f"DROP INDEX {NAME}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("dossiers", "0014_merge_wave4")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
