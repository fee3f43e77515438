from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "motcua.integrations"
    label = "integrations"
    verbose_name = _("Tích hợp, thanh toán")
    # Outbox handlers and payment providers are declared in motcua.integrations.hooks.
