"""Summaries credit each count to its unit (NĐ 118/2025/NĐ-CP boundary-free reception): the
entry keeps the processing unit, the month rows count "received" for the processing unit too.

Existing rows stay right for every dossier but a boundary-free one (their two units are the same);
``manage.py reports_rebuild`` recomputes them all.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_h14_step_entries_covering"),
        ("units", "0004_merge_h12"),
    ]

    operations = [
        migrations.AddField(
            model_name="summaryentry",
            name="processing_unit",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="units.unit",
            ),
        ),
        migrations.AddField(
            model_name="monthsummary",
            name="received_processing",
            field=models.IntegerField(default=0),
        ),
        # Before this migration every dossier counted for its receiving unit only.
        migrations.RunSQL(
            "UPDATE reports_monthsummary SET received_processing = received",
            migrations.RunSQL.noop,
        ),
    ]
