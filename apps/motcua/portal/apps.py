from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "motcua.portal"
    label = "portal"
    verbose_name = _("Cổng dịch vụ công")

    def ready(self):
        from motcua.portal import admin

        # The form builder is edited on the procedure's own desk page (see admin.py).
        admin.attach_form_builder()
        _connect_page_revision()


#: What the public catalogue pages show: a save or delete of any of these makes them stale.
PAGE_SOURCES = (
    "procedures.Procedure",
    "procedures.ProcedureVersion",
    "procedures.RequiredDocument",
    "procedures.Fee",
    "procedures.Sector",
    "portal.FormField",
    "portal.FormDocumentRule",
    "units.Unit",
    "units.UnitLevel",
)


def _connect_page_revision():
    """Replace the public pages' revision on every change they show (:mod:`motcua.portal.pagecache`)."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from motcua.portal.pagecache import page_revision_bump

    for label in PAGE_SOURCES:
        model = apps.get_model(label)
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(page_revision_bump, sender=model, dispatch_uid=f"pages:{label}:{name}")
    units = apps.get_model("procedures.Procedure").units.through
    m2m_changed.connect(page_revision_bump, sender=units, dispatch_uid="pages:procedure-units")
