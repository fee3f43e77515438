"""Ship the unit levels a province needs (``motcua.units.levels``); idempotent, keeps edits."""

from django.db import migrations


def forwards(apps, schema_editor):
    from motcua.units.levels import ensure_levels

    ensure_levels(apps.get_model("units", "UnitLevel"))


class Migration(migrations.Migration):
    dependencies = [("units", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
