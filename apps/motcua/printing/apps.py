import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintingConfig(AppConfig):
    name = "motcua.printing"
    label = "printing"
    verbose_name = _("In biểu mẫu")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # WeasyPrint reports every rendering step and fontTools every subset at INFO level, and
        # the site logs INFO to the console: keep their warnings, drop the chatter.
        for name in ("weasyprint.progress", "fontTools"):
            logging.getLogger(name).setLevel(logging.WARNING)
