"""Add the "export" right (``export_<model>``) of the objects the desk exports to XLSX/CSV.

The desk's export checks it (``IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"``); the role
permission page shows it as the "Xuất tệp" column. Granted to both administrator roles, as
viewing was; the site administrator changes that per role. Idempotent; reversing does nothing.
"""

from django.db import migrations

EXPORTED = [("units", "unit", "đơn vị"), ("procedures", "procedure", "thủ tục")]
ROLES = ["administrator", "unit_administrator"]


def add_export(apps, schema_editor):
    using = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    groups = list(Group.objects.using(using).filter(name__in=ROLES))
    for app_label, model, label in EXPORTED:
        content_type, _created = ContentType.objects.using(using).get_or_create(
            app_label=app_label, model=model
        )
        permission, _created = Permission.objects.using(using).get_or_create(
            content_type=content_type,
            codename=f"export_{model}",
            defaults={"name": f"Can export {model} ({label})"},
        )
        for group in groups:
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0001_h11_security_log"),
        ("units", "0003_h11_unit_administrator"),
        ("procedures", "0002_workflowstep"),
    ]

    operations = [migrations.RunPython(add_export, migrations.RunPython.noop)]
