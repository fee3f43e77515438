import sys

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class PluginsConfig(AppConfig):
    """Last app of ``INSTALLED_APPS``: fills the registries from every active plugin's hooks."""

    name = "motcua.plugins"
    label = "plugins"
    verbose_name = _("Tiện ích mở rộng")

    def ready(self):
        """Fill the registries; a contribution the core refuses (a name claimed twice, a print
        template the sandbox refuses …) stops the process with one line and exit status 2, like
        a site config error."""
        from motcua.plugins.guards import check_core_intact
        from motcua.plugins.registry import install

        try:
            install()
        except ImproperlyConfigured as exc:
            sys.stderr.write(f"motcua: {exc}\n")
            raise SystemExit(2) from None
        # A plugin's app has been imported by now: it must have left the lifecycle alone.
        check_core_intact()
