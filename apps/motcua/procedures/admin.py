"""The desk pages of the procedure catalogue (django-unfold).

Saving a procedure page (its fields and its documents and fees inlines) publishes a new version
when the content changed: the service is called from ``save_related``, once every inline is saved,
never from a signal (DESIGN rule 3).
"""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import display

from motcua.procedures.models import Fee, Procedure, ProcedureVersion, RequiredDocument, Sector
from motcua.procedures.resources import ProcedureResource
from motcua.procedures.selectors import procedure_current_version
from motcua.procedures.services import procedure_publish
from motcua.units.admin_mixins import AtomicImportExportMixin, FoldedSearchMixin


@admin.register(Sector)
class SectorAdmin(FoldedSearchMixin, SimpleHistoryAdmin, ModelAdmin):
    list_display = ["name", "code", "procedure_count"]
    search_fields = ["code", "name"]
    list_filter = [("procedures__level", admin.RelatedOnlyFieldListFilter)]

    @display(description=_("số thủ tục"))
    def procedure_count(self, obj: Sector):
        return obj.procedures.count()


class RequiredDocumentInline(TabularInline):
    model = RequiredDocument
    extra = 0
    fields = ["order", "name", "originals", "copies", "is_mandatory", "template_file"]
    verbose_name_plural = _("thành phần hồ sơ")


class FeeInline(TabularInline):
    model = Fee
    extra = 0
    fields = ["name", "amount", "note"]
    verbose_name_plural = _("phí, lệ phí")


@admin.register(Procedure)
class ProcedureAdmin(
    FoldedSearchMixin,
    AtomicImportExportMixin,
    SimpleHistoryAdmin,
    ModelAdmin,
    ImportExportModelAdmin,
):
    resource_classes = [ProcedureResource]
    inlines = [RequiredDocumentInline, FeeInline]
    list_display = [
        "national_code",
        "name",
        "sector",
        "level",
        "processing_time",
        "online_level",
        "is_active",
        "current_version",
    ]
    list_display_links = ["national_code", "name"]
    list_filter = [
        "sector",
        "level",
        "online_level",
        "processing_unit",
        "is_active",
        ("units", AutocompleteSelectFilter),
    ]
    list_filter_submit = True
    search_fields = ["national_code", "name"]
    list_select_related = ["sector", "level"]
    autocomplete_fields = ["sector", "units"]
    readonly_fields = ["current_version", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {"fields": ["national_code", "name", "sector", "level", "units", "is_active"]},
        ),
        (
            _("Thời hạn và cách thực hiện"),
            {
                "fields": [
                    ("processing_amount", "processing_unit"),
                    "online_level",
                    "result_type",
                ]
            },
        ),
        (_("Căn cứ pháp lý, phí"), {"fields": ["legal_basis", "fee_note"]}),
        (
            _("Phiên bản"),
            {"fields": ["current_version", "created_at", "updated_at"], "classes": ["collapse"]},
        ),
    ]

    @display(description=_("thời hạn giải quyết"), ordering="processing_amount")
    def processing_time(self, obj: Procedure):
        return f"{obj.processing_amount.normalize():f} {obj.get_processing_unit_display()}"

    @display(description=_("phiên bản hiện hành"))
    def current_version(self, obj: Procedure):
        version = procedure_current_version(procedure=obj) if obj.pk else None
        return f"v{version.number}" if version else "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        procedure_publish(
            procedure=form.instance,
            user=request.user,
            note=str(_("Sửa trên bàn làm việc") if change else _("Tạo trên bàn làm việc")),
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting to an older state publishes that state as a new version."""
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302:
            procedure = self.get_object(request, object_id)
            if procedure is not None:
                procedure_publish(
                    procedure=procedure, user=request.user, note=str(_("Khôi phục từ lịch sử"))
                )
        return response


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(FoldedSearchMixin, ModelAdmin):
    """Versions are immutable: the page only shows them."""

    folded_search_field = "procedure__search_text"
    list_display = ["procedure", "number", "created_at", "created_by", "note"]
    list_filter = [
        ("procedure", AutocompleteSelectFilter),
        "procedure__sector",
        ("created_at", admin.DateFieldListFilter),
    ]
    list_filter_submit = True
    search_fields = ["procedure__national_code", "procedure__search_text", "note"]
    list_select_related = ["procedure", "created_by"]
    readonly_fields = [
        "procedure",
        "number",
        "created_at",
        "created_by",
        "note",
        "snapshot_hash",
        "snapshot_pretty",
    ]
    fields = readonly_fields

    @display(description=_("nội dung"))
    def snapshot_pretty(self, obj: ProcedureVersion):
        text = json.dumps(obj.snapshot, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html('<pre style="white-space:pre-wrap">{}</pre>', text)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
