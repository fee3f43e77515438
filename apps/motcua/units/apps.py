from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "motcua.units"
    label = "units"
    verbose_name = _("Đơn vị và phân quyền")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from motcua.units.models import Membership, Unit
        from motcua.units.selectors import memberships_forget

        for model in (Membership, Unit):
            post_save.connect(memberships_forget, sender=model, dispatch_uid=f"forget_{model}")
            post_delete.connect(memberships_forget, sender=model, dispatch_uid=f"forget_d{model}")
