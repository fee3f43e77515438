"""Per-officer monthly summaries (the officer ranking and evaluation, summed over whole months),
the fees in the monthly summaries (a report summing fees over whole months reads them), and an
index on the steps' finish moment (the partial months at the ends of a period). The step entries
the officer ranking read before are dropped.

Existing databases: run ``manage.py reports_rebuild`` after this migration (it fills the entries'
fees and the officer tables; until then the fee sums and the officer ranking of past months are 0).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


STEP_FINISHED = models.Index(fields=["finished_at"], name="reports_step_finished")


def step_index_add(apps, schema_editor):
    schema_editor.add_index(apps.get_model("dossiers", "DossierStep"), STEP_FINISHED)


def step_index_remove(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("dossiers", "DossierStep"), STEP_FINISHED)


class Migration(migrations.Migration):
    atomic = False  # MariaDB cannot run DDL inside a transaction

    dependencies = [
        ("dossiers", "0012_wave3_event_actions"),
        ("procedures", "0005_merge_wave3"),
        ("reports", "0008_h15_credited_summaries"),
        ("units", "0006_merge_wave3"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="monthsummary",
            name="fee_paid_online",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="monthsummary",
            name="fee_total",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="summaryentry",
            name="fee_paid_online",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="summaryentry",
            name="fee_total",
            field=models.BigIntegerField(default=0),
        ),
        migrations.CreateModel(
            name="OfficerEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField()),
                ("channel", models.PositiveSmallIntegerField()),
                ("steps", models.IntegerField(default=0)),
                ("late_steps", models.IntegerField(default=0)),
                ("office_seconds", models.BigIntegerField(default=0)),
                ("supplements", models.IntegerField(default=0)),
                (
                    "assignee",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "dossier",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="dossiers.dossier",
                    ),
                ),
                (
                    "procedure",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="procedures.procedure",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="units.unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "đóng góp của hồ sơ vào số liệu theo cán bộ",
                "verbose_name_plural": "đóng góp của hồ sơ vào số liệu theo cán bộ",
            },
        ),
        migrations.CreateModel(
            name="OfficerMonth",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "month",
                        "assignee_id",
                        "unit_id",
                        "procedure_id",
                        "channel",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("month", models.DateField()),
                ("channel", models.PositiveSmallIntegerField()),
                ("steps", models.IntegerField(default=0)),
                ("late_steps", models.IntegerField(default=0)),
                ("office_seconds", models.BigIntegerField(default=0)),
                ("supplements", models.IntegerField(default=0)),
                (
                    "assignee",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "procedure",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="procedures.procedure",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="units.unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "số liệu theo cán bộ và tháng",
                "verbose_name_plural": "số liệu theo cán bộ và tháng",
            },
        ),
        migrations.DeleteModel(
            name="StepEntry",
        ),
        migrations.AddIndex(
            model_name="officerentry",
            index=models.Index(fields=["dossier"], name="reports_officerentry_dossier"),
        ),
        migrations.RunPython(step_index_add, step_index_remove),
    ]
