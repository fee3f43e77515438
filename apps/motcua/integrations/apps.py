from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "motcua.integrations"
    label = "integrations"
    verbose_name = _("Tích hợp, thanh toán")

    def ready(self):
        # Explicit registration (DESIGN rule 3: no signals): outbox handlers per topic.
        from motcua.integrations import handlers  # noqa: F401
