from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PluginsConfig(AppConfig):
    """Last app of ``INSTALLED_APPS``: fills the registries from every active plugin's hooks."""

    name = "motcua.plugins"
    label = "plugins"
    verbose_name = _("Tiện ích mở rộng")

    def ready(self):
        from motcua.plugins.guards import check_core_intact
        from motcua.plugins.registry import install

        install()
        # A plugin's app has been imported by now: it must have left the lifecycle alone.
        check_core_intact()
