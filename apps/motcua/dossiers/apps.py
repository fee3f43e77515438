from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ")

    def ready(self):
        # Deadline sources are declared in motcua.dossiers.hooks (docs/plugins.md).
        from django.core import checks

        from motcua.dossiers.checks import check_lifecycle

        checks.register(check_lifecycle)

        # SQLite: a table rebuild by a later migration drops the search index's triggers.
        from django.db.models.signals import post_migrate

        from motcua.dossiers.search_index import search_index_ensure

        post_migrate.connect(search_index_ensure, sender=self, dispatch_uid="dossiers_fts")
