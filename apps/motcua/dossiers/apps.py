from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ")

    def ready(self):
        # Explicit registration (no signals): calendar changes recompute these.
        from django.core import checks

        from motcua.core import deadline_sources
        from motcua.dossiers.checks import check_lifecycle
        from motcua.dossiers.deadline_sources import DossierDeadlines, StepDeadlines

        deadline_sources.register(DossierDeadlines())
        deadline_sources.register(StepDeadlines())
        checks.register(check_lifecycle)
