"""Indexes the reporting periods read: a period's dossiers are those received in it or still open
at its start (received_at range, finished_at ≥ start or null). Added to the dossier table from
here with the schema editor so the dossier model stays as its owners wrote it.
"""

from django.db import migrations, models

INDEXES = [
    models.Index(fields=["received_at"], name="reports_dossier_received"),
    models.Index(fields=["finished_at"], name="reports_dossier_finished"),
]


def forwards(apps, schema_editor):
    dossier = apps.get_model("dossiers", "Dossier")
    for index in INDEXES:
        schema_editor.add_index(dossier, index)


def backwards(apps, schema_editor):
    dossier = apps.get_model("dossiers", "Dossier")
    for index in INDEXES:
        schema_editor.remove_index(dossier, index)


class Migration(migrations.Migration):
    atomic = False  # MariaDB cannot run DDL inside a transaction
    dependencies = [
        ("reports", "0002_h14_national_defaults"),
        ("dossiers", "0002_event_actions_delivery_link"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
