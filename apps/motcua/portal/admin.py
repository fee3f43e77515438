"""The form builder in the desk: the online form is edited on the procedure's own page.

Choice (documented for the lead): the procedure admin (``procedures/admin.py``) belongs to the
catalogue; rather than editing it, :func:`attach_form_builder` (called from
``PortalConfig.ready()``, after the admin's autodiscovery) appends two unfold inlines to the
registered ``ProcedureAdmin`` instance: the form's fields and which required documents must be
uploaded online. Their formsets are saved by ``ProcedureAdmin.save_related`` *before* it calls
``procedure_publish``, so saving the form configuration publishes a new procedure version whose
snapshot carries it (part ``"form"``); dossiers keep the version they were submitted under.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT, ManagementForm
from django.forms.models import BaseInlineFormSet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, StackedInline

from motcua.portal.models import FieldKind, FormField, Rating

#: Kinds whose value a show-if condition can compare with.
_CONTROLLING_KINDS = {FieldKind.TEXT, FieldKind.SELECT, FieldKind.CHECKBOX, FieldKind.NUMBER}


class KeepWhenAbsentFormSet(BaseInlineFormSet):
    """A POST without this inline at all leaves the form configuration as it is.

    The procedure page is also posted by clients written before the form builder existed (the
    catalogue's own tests, scripts); for them the missing management form means "no change"
    rather than refusing the whole page. A management form that is present but wrong is still
    refused as Django does.
    """

    @cached_property
    def management_form(self):
        if self.is_bound and f"{self.prefix}-{TOTAL_FORM_COUNT}" not in self.data:
            form = ManagementForm(
                {
                    f"{self.prefix}-{TOTAL_FORM_COUNT}": "0",
                    f"{self.prefix}-{INITIAL_FORM_COUNT}": "0",
                },
                auto_id=self.auto_id,
                prefix=self.prefix,
                renderer=self.renderer,
            )
            form.full_clean()
            return form
        return super().management_form


class FormFieldFormSet(KeepWhenAbsentFormSet):
    """Checks across fields: a show-if condition names a field placed before it, of a simple kind."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [
            f.cleaned_data for f in self.forms if f.cleaned_data and not self._should_delete_form(f)
        ]
        rows.sort(key=lambda data: data.get("order") or 0)
        seen: dict[str, str] = {}
        problems = []
        for data in rows:
            target = data.get("show_if_field")
            if target and target not in seen:
                problems.append(
                    _(
                        "Trường “%(label)s” chỉ có thể phụ thuộc vào một trường đặt trước nó (mã “%(key)s” không có ở trên)."
                    )
                    % {"label": data.get("label"), "key": target}
                )
            elif target and seen[target] not in _CONTROLLING_KINDS:
                problems.append(
                    _(
                        "Trường “%(label)s” không thể phụ thuộc vào một trường kiểu bảng, tệp, ngày hoặc địa chỉ."
                    )
                    % {"label": data.get("label")}
                )
            seen[data.get("key")] = data.get("kind")
        if problems:
            raise ValidationError(problems)


class FormFieldInline(StackedInline):
    model = FormField
    formset = FormFieldFormSet
    extra = 0
    collapsible = True
    verbose_name = _("trường của tờ khai trực tuyến")
    verbose_name_plural = _("Tờ khai trực tuyến: các trường công dân điền")
    fieldsets = [
        (None, {"fields": [("order", "key"), "label", ("kind", "required"), "help_text"]}),
        (
            _("Kiểm tra dữ liệu"),
            {
                "fields": [
                    ("pattern", "pattern_message"),
                    ("min_value", "max_value"),
                    "choices",
                    "columns",
                ]
            },
        ),
        (_("Điều kiện hiển thị"), {"fields": [("show_if_field", "show_if_value")]}),
    ]


def attach_form_builder(site: admin.AdminSite = admin.site) -> None:
    """Append the form-builder inlines to the registered procedure admin (idempotent)."""
    from motcua.procedures.models import Procedure

    model_admin = site._registry.get(Procedure)
    if model_admin is None:
        return
    # "Must be uploaded online" is derived from the document's "bắt buộc" (one notion, see
    # ``motcua.portal.snapshot``): no second inline to fill.
    extra = [i for i in (FormFieldInline,) if i not in model_admin.inlines]
    model_admin.inlines = [*model_admin.inlines, *extra]


@admin.register(Rating)
class RatingAdmin(ModelAdmin):
    """Ratings are the citizens' words: officers read them, nobody edits them."""

    list_display = ["dossier", "score", "comment", "created_at"]
    list_filter = ["score", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["dossier__code", "comment"]
    list_select_related = ["dossier"]
    readonly_fields = ["dossier", "score", "comment", "user", "created_at"]
    fields = readonly_fields

    def get_queryset(self, request):
        from motcua.dossiers.selectors import dossiers_visible

        # A rating names its dossier: officers see those of dossiers in their scope (rule 4).
        visible = dossiers_visible(user=request.user).values("pk")
        return super().get_queryset(request).filter(dossier__in=visible)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
