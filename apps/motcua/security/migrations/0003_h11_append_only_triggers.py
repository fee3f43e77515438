"""Make the audit tables append-only in the database itself (MariaDB/MySQL triggers).

``AppendOnly.save()`` only guards the ORM's ``save()``: a queryset ``update()``/``delete()``,
``bulk_update()``, raw SQL or a cascade would still rewrite history. These triggers refuse every
UPDATE and every DELETE of the dossier history and of the payment callback log.

One deliberate exit: a DELETE issued with ``FOREIGN_KEY_CHECKS = 0`` — what ``manage.py flush``
(and so the test runner's reset between transactional tests) does — passes, because only a
database administrator's maintenance session turns foreign key checks off. UPDATE has no exit.

SQLite (the embedded default) keeps the Python guard of ``motcua.core.append_only`` and the
``PROTECT`` foreign keys: its test reset deletes rows with no such switch, so a trigger there would
break it.
"""

from django.db import migrations

TABLES = [("dossiers", "DossierEvent"), ("integrations", "PaymentCallback")]


def _names(apps):
    return [apps.get_model(app, model)._meta.db_table for app, model in TABLES]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "mysql":
        return
    for table in _names(apps):
        message = f"{table} is append-only"
        schema_editor.execute(f"DROP TRIGGER IF EXISTS `{table}_no_update`")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS `{table}_no_delete`")
        schema_editor.execute(
            f"CREATE TRIGGER `{table}_no_update` BEFORE UPDATE ON `{table}` FOR EACH ROW "
            f"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{message}'"
        )
        schema_editor.execute(
            f"CREATE TRIGGER `{table}_no_delete` BEFORE DELETE ON `{table}` FOR EACH ROW "
            f"BEGIN IF @@foreign_key_checks = 1 THEN "
            f"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{message}'; END IF; END"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "mysql":
        return
    for table in _names(apps):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS `{table}_no_update`")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS `{table}_no_delete`")


class Migration(migrations.Migration):
    atomic = False  # MariaDB commits DDL implicitly; Django refuses DDL inside its transaction
    dependencies = [
        ("security", "0002_h11_export_permissions"),
        ("dossiers", "0003_h11_events_protected"),
        ("integrations", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
