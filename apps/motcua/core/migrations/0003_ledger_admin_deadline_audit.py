"""The site administrator reads the audit of deadline recomputations.

The role (``administrator``, not a superuser) configures the calendar whose changes recompute
open deadlines, but was refused the audit pages that show what moved (a left-over of issue 12).
It gains the two view rights, never add/change/delete: the audit is append-only. Idempotent;
reversing takes the two rights away again.
"""

from django.db import migrations

RIGHTS = ("view_deadlinerecomputation", "view_deadlinechange")


def _ensure_permissions(apps, using):
    """Create content types and permissions now: post_migrate has not run yet on a fresh DB."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("core")
    stub = getattr(app_config, "models_module", None) is None  # historical: skipped
    if stub:
        app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    if stub:
        app_config.models_module = None


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    _ensure_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.using(using).get_or_create(name="administrator")
    group.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label="core", codename__in=RIGHTS
        )
    )


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(using).filter(name="administrator").first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.using(using).filter(
                content_type__app_label="core", codename__in=RIGHTS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_h13_recompute_jobs"),
        ("units", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
