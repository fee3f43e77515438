from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostalConfig(AppConfig):
    name = "motcua_postal"
    label = "motcua_postal"
    verbose_name = _("Chuyển phát kết quả qua bưu chính")
    default_auto_field = "django.db.models.BigAutoField"
