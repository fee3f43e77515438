from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "motcua.portal"
    label = "portal"
    verbose_name = _("Cổng dịch vụ công")

    def ready(self):
        from motcua.portal import admin

        # The form builder is edited on the procedure's own desk page (see admin.py).
        admin.attach_form_builder()
