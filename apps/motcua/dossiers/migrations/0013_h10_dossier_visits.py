"""The units a dossier visited besides its receiving unit (``motcua.dossiers.visits``), filled
from the existing steps and consultations in batches of dossier ids (one commit each, so a
million-dossier table is never held by one transaction)."""

import django.db.models.deletion
from django.db import migrations, models

#: Dossier ids per batch of the fill.
BATCH = 20_000


def fill(apps, schema_editor):
    from motcua.dossiers.visits import visits_rebuild

    Dossier = apps.get_model("dossiers", "Dossier")
    ids = Dossier.objects.order_by("pk").values_list("pk", flat=True)
    first = ids.first()
    while first is not None:  # keyset over the ids that exist (they need not be dense)
        last = next(iter(ids.filter(pk__gte=first)[BATCH - 1 : BATCH]), None) or ids.last()
        visits_rebuild(first=first, last=last)
        first = ids.filter(pk__gt=last).first()


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dossiers", "0012_wave3_event_actions"),
        ("units", "0006_merge_wave3"),
    ]

    operations = [
        migrations.CreateModel(
            name="DossierVisit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "dossier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="dossiers.dossier",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="units.unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "đơn vị hồ sơ đã đi qua",
                "verbose_name_plural": "đơn vị hồ sơ đã đi qua",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("unit", "dossier"), name="dossier_visit_unit_dossier"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
