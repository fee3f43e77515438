from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo site (``manage.py load_demo``): above every domain app, so ``core`` imports none."""

    name = "motcua.demo"
    label = "demo"
    verbose_name = _("Dữ liệu mẫu")
