from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """Officer pages (worklist, reception counter, dossier page with actions) in the admin's look."""

    name = "motcua.desk"
    label = "desk"
    verbose_name = _("Bàn làm việc của cán bộ")
