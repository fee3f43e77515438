from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = _("Lịch làm việc và dùng chung")

    def ready(self):
        # Names in Vietnamese order and roles by their label, also on third-party pages.
        from motcua.core.people import install_vietnamese_names
        from motcua.core.roles import install_role_labels

        install_vietnamese_names()
        install_role_labels()
        # Files written by a failed lifecycle transaction are deleted again (stored_files.py).
        from motcua.core.stored_files import install_file_journal

        install_file_journal()
