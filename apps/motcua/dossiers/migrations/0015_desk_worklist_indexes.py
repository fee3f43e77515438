"""Indexes of the worklist and of the admin list filtered by unit and status (at 1,000,000 dossiers).

* ``dossier_worklist_idx``: the worklist's grouped count and each group's page read the tracked
  rows (non-blank ``due_state``) by due moment without touching the table: the scope's columns,
  the current step and the status are in the index (EXPLAIN "Using index").
* ``dossier_unit_status_recv``: the admin list filtered by receiving unit and status is a ref on
  the index, newest first, and its capped count is index only.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0014_merge_wave4"),
        ("procedures", "0005_merge_wave3"),
        ("units", "0006_merge_wave3"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                fields=[
                    "due_state",
                    "watch_due_at",
                    "due_soon_at",
                    "unit",
                    "current_unit",
                    "applicant_user",
                    "current_step",
                    "status",
                ],
                name="dossier_worklist_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                fields=["unit", "status", "received_at"], name="dossier_unit_status_recv"
            ),
        ),
    ]
