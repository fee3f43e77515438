"""Let the administrator role edit print templates (docs/architecture.md: templates are data edited in the desk).

Idempotent, like ``units/0002_roles``: the group only gains missing permissions; reversing does
nothing. Site-wide templates stay the superuser's (``PrintTemplateAdmin``).
"""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    using = schema_editor.connection.alias
    app_config = apps.get_app_config("printing")
    stub = getattr(app_config, "models_module", None) is None  # historical: skipped otherwise
    if stub:
        app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    if stub:
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(using).filter(name="administrator").first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.using(using).filter(
                content_type__app_label="printing", content_type__model="printtemplate"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("printing", "0001_initial"),
        ("units", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
