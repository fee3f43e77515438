from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "motcua.security"
    label = "security"
    verbose_name = _("An toàn thông tin")

    def ready(self):
        # System checks (``check --deploy``) and the login audit (Django's auth signals are the
        # only place a login, a failed login or a logout can be observed; this is auditing, not
        # domain behaviour).
        from motcua.security import audit, checks  # noqa: F401
