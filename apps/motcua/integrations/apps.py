from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "motcua.integrations"
    label = "integrations"
    verbose_name = _("Tích hợp, thanh toán")

    def ready(self):
        # Explicit registration (docs/architecture.md: no signals): outbox handlers per topic.
        from motcua.integrations import handlers  # noqa: F401
