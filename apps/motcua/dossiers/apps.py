from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ")

    def ready(self):
        # Explicit registration (docs/architecture.md: no signals): calendar changes recompute these.
        from motcua.core import deadline_sources
        from motcua.dossiers.deadline_sources import DossierDeadlines, StepDeadlines

        deadline_sources.register(DossierDeadlines())
        deadline_sources.register(StepDeadlines())
