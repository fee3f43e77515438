"""SQLite: the FTS5 index of the desk search over ``dossiers_dossier.search_text``.

The counterpart of MariaDB's ``FULLTEXT`` index of ``0003_h10_scale_indexes``: an external-content
FTS5 table kept by triggers (:mod:`motcua.dossiers.search_index`), filled from the rows already
there. Nothing is done on MariaDB.
"""

from django.db import migrations

from motcua.dossiers.search_index import search_index_create, search_index_drop


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            search_index_create(cursor)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            search_index_drop(cursor)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0012_wave3_event_actions")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
