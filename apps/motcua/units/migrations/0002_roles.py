"""Create the roles of docs/architecture.md, Scope as Django groups, with default permissions.

Idempotent: existing groups are kept and only gain missing permissions, so an administrator's
later edits in the desk survive a re-run. Reversing does nothing (groups may be in use).

Defaults: the administrator gets every permission of units, procedures and auth; desk roles can
view units and the procedure catalogue; citizens can view the catalogue only.
"""

from django.db import migrations

ROLES = [
    "administrator",
    "reception_officer",
    "specialist",
    "unit_leader",
    "clerk",
    "supervisor",
    "citizen",
]
ADMIN_APPS = ["units", "procedures", "auth"]
VIEW_APPS = ["units", "procedures"]
CITIZEN_VIEW_MODELS = [
    ("procedures", "procedure"),
    ("procedures", "sector"),
    ("procedures", "requireddocument"),
    ("procedures", "fee"),
    ("units", "unit"),
    ("units", "unitlevel"),
]


def _ensure_permissions(apps, using):
    """Create content types and permissions now: post_migrate has not run yet on a fresh DB."""
    from django.contrib.auth.management import create_permissions

    for label in set(ADMIN_APPS + VIEW_APPS):
        app_config = apps.get_app_config(label)
        stub = getattr(app_config, "models_module", None) is None  # historical: skipped
        if stub:
            app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
        if stub:
            app_config.models_module = None


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    using = schema_editor.connection.alias
    _ensure_permissions(apps, using)
    permissions = Permission.objects.using(using)
    groups = {name: Group.objects.using(using).get_or_create(name=name)[0] for name in ROLES}

    groups["administrator"].permissions.add(
        *permissions.filter(content_type__app_label__in=ADMIN_APPS)
    )
    viewing = permissions.filter(
        content_type__app_label__in=VIEW_APPS, codename__startswith="view_"
    )
    for name in ROLES:
        if name not in ("administrator", "citizen"):
            groups[name].permissions.add(*viewing)
    groups["administrator"].permissions.add(*viewing)
    groups["citizen"].permissions.add(
        *[
            p
            for p in viewing.select_related("content_type")
            if (p.content_type.app_label, p.content_type.model) in CITIZEN_VIEW_MODELS
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0001_initial"),
        ("procedures", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
