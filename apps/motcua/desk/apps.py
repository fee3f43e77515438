from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """Officer pages (worklist, reception counter, dossier page with actions) in the admin's look."""

    name = "motcua.desk"
    label = "desk"
    verbose_name = _("Bàn làm việc của cán bộ")

    def ready(self):
        # The dossier page's buttons: one form per action declared with ``desk_button``.
        from motcua.core import lifecycle
        from motcua.desk.actions import DESK_ACTIONS

        lifecycle.register_consumer(
            "desk.actions.DESK_ACTIONS",
            provided=DESK_ACTIONS.keys,
            wanted=lambda rule: rule.desk_button,
        )
