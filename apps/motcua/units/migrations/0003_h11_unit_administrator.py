"""Create the unit administrator role ("Quản trị đơn vị") with its default permissions.

A unit administrator administers their subtree only (the desk's scoped pages enforce the subtree):
units, memberships and user accounts there, the procedures applied there with their documents,
fees and workflow steps, and the unit's print templates. Never groups or permissions: editing roles
stays with the site administrator. Idempotent like ``0002_roles``; reversing does nothing.
"""

from django.db import migrations

ROLE = "unit_administrator"
#: (app_label, model, actions) granted to the role.
GRANTS = [
    ("units", "unit", ("view", "add", "change")),
    ("units", "unitlevel", ("view",)),
    ("units", "membership", ("view", "add", "change", "delete")),
    ("auth", "user", ("view", "add", "change")),
    ("procedures", "sector", ("view",)),
    ("procedures", "procedure", ("view", "add", "change")),
    ("procedures", "procedureversion", ("view",)),
    ("procedures", "requireddocument", ("view", "add", "change", "delete")),
    ("procedures", "fee", ("view", "add", "change", "delete")),
    ("procedures", "workflowstep", ("view", "add", "change", "delete")),
    ("printing", "printtemplate", ("view", "add", "change", "delete")),
]


def create_role(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    using = schema_editor.connection.alias
    for label in {app for app, _model, _actions in GRANTS}:
        app_config = apps.get_app_config(label)
        stub = getattr(app_config, "models_module", None) is None  # historical: skipped otherwise
        if stub:
            app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
        if stub:
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.using(using).get_or_create(name=ROLE)
    # Like every desk role (``0002_roles``): read the unit tree and the catalogue, history included.
    group.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label__in=["units", "procedures"], codename__startswith="view_"
        )
    )
    for app_label, model, actions in GRANTS:
        group.permissions.add(
            *Permission.objects.using(using).filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0002_roles"),
        ("procedures", "0002_workflowstep"),
        ("printing", "0002_administrator_permissions"),
    ]

    operations = [migrations.RunPython(create_role, migrations.RunPython.noop)]
