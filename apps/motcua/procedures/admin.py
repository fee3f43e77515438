"""The desk pages of the procedure catalogue (django-unfold).

Saving a procedure page (its fields and its documents, fees and workflow-step inlines) publishes a
new version when the content changed: the service is called from ``save_related``, once every
inline (and its many-to-many roles and consulted units) is saved, never from a signal
(docs/architecture.md: no signals). The workflow is configured here without code and drawn as a diagram on the same page.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, StackedInline, TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import display
from unfold.forms import PaginationInlineFormSet
from unfold.overrides import FORMFIELD_OVERRIDES_INLINE
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminSplitDateTimeWidget,
)

from motcua.core.admin_files import ServedFileWidget
from motcua.core.roles import Role
from motcua.core.serving import file_response
from motcua.core.timeunits import duration_text
from motcua.core.widgets import PlainDecimalInput
from motcua.procedures.diagram import workflow_diagram_html
from motcua.procedures.models import Fee, Procedure, ProcedureVersion, RequiredDocument, Sector
from motcua.procedures.resources import ProcedureResource
from motcua.procedures.selectors import procedure_current_version, procedure_pending_version
from motcua.procedures.services import procedure_publish
from motcua.procedures.workflow import (
    StepAction,
    WorkflowStep,
    workflow_duration_error,
    workflow_part,
)
from motcua.procedures.workflow_rules import StepDraft, workflow_errors
from motcua.units.admin_mixins import (
    AtomicImportExportMixin,
    FoldedSearchMixin,
    UnitScopedAdminMixin,
)


@admin.register(Sector)
class SectorAdmin(FoldedSearchMixin, SimpleHistoryAdmin, ModelAdmin):
    list_display = ["name", "code", "procedure_count"]
    search_fields = ["code", "name"]
    list_filter = [("procedures__level", admin.RelatedOnlyFieldListFilter)]

    @display(description=_("số thủ tục"))
    def procedure_count(self, obj: Sector):
        return obj.procedures.count()


def _template_file_url(document: RequiredDocument) -> str:
    return reverse(
        "admin:procedures_procedure_document_template",
        kwargs={"object_id": document.procedure_id, "document_id": document.pk},
    )


class RequiredDocumentInline(TabularInline):
    model = RequiredDocument
    extra = 0
    fields = ["order", "name", "originals", "copies", "is_mandatory", "template_file"]
    verbose_name_plural = _("thành phần hồ sơ")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "template_file":  # the blank form, linked through the scoped view
            kwargs["widget"] = ServedFileWidget(_template_file_url)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


#: Decimal fields as "15", not "15.0" (motcua.core.widgets.decimal_plain).
PLAIN_DECIMALS = {models.DecimalField: {"widget": PlainDecimalInput}}


class FeeInline(TabularInline):
    model = Fee
    extra = 0
    formfield_overrides = {**FORMFIELD_OVERRIDES_INLINE, **PLAIN_DECIMALS}
    fields = ["name", "amount", "note"]
    verbose_name_plural = _("phí, lệ phí")


class WorkflowStepForm(forms.ModelForm):
    """One step: actions and roles as checkboxes (a handful each, usable on a phone).

    ``actions`` is a JSON list on the model; the form maps it to checkboxes of
    :class:`StepAction` and stores the chosen values in the order of that list.
    """

    roles = forms.ModelMultipleChoiceField(  # shown by label (motcua.core.roles)
        label=_("Vai trò được xử lý"),
        queryset=Group.objects.exclude(name=Role.CITIZEN).order_by("name"),
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        error_messages={"required": _("Chọn ít nhất một vai trò được xử lý bước này.")},
    )
    actions = forms.MultipleChoiceField(
        label=_("Thao tác được phép"),
        choices=StepAction.choices,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        error_messages={"required": _("Chọn ít nhất một thao tác cho bước này.")},
    )

    class Meta:
        model = WorkflowStep
        fields = [
            "order",
            "name",
            "unit_mode",
            "unit",
            "level",
            "roles",
            "duration_amount",
            "duration_unit",
            "assignment",
            "actions",
            "condition_field",
            "condition_op",
            "condition_value",
            "consult_units",
            "required_answers",
        ]

    def clean_actions(self) -> list[str]:
        chosen = set(self.cleaned_data["actions"])
        return [value for value in StepAction.values if value in chosen]

    def clean(self):
        cleaned = super().clean()
        consulted = cleaned.get("consult_units")
        required = cleaned.get("required_answers")
        if consulted is not None and required and required > len(consulted):
            self.add_error(
                "required_answers",
                _("Số ý kiến cần có (%(n)s) không được lớn hơn số đơn vị được xin ý kiến (%(m)s).")
                % {"n": required, "m": len(consulted)},
            )
        return cleaned


class WorkflowStepFormSet(PaginationInlineFormSet):
    """Checks across the steps: distinct order numbers, the durations fit the deadline, and no
    step offers what the engine will refuse (``motcua.procedures.workflow_rules``)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        orders: list[int] = []
        durations: list[tuple[Decimal, str, bool]] = []
        drafts: list[StepDraft] = []
        for form in self.forms:
            if not form.cleaned_data or self._should_delete_form(form):
                continue
            data = form.cleaned_data
            orders.append(data["order"])
            drafts.append(StepDraft(data["order"], data["name"], frozenset(data["actions"])))
            durations.append(
                (data["duration_amount"], data["duration_unit"], bool(data.get("condition_field")))
            )
        repeated = sorted({order for order in orders if orders.count(order) > 1})
        if repeated:
            raise ValidationError(
                _("Thứ tự bước %(orders)s bị trùng; mỗi bước cần một số thứ tự riêng.")
                % {"orders": ", ".join(str(o) for o in repeated)}
            )
        # self.instance is the procedure, already filled from the page's main form (the admin
        # validates it before the inlines), so a changed processing time is taken into account.
        message = workflow_duration_error(self.instance, durations)
        if message:
            raise ValidationError(message)
        problems = workflow_errors(drafts)  # what the engine would refuse at run time
        if problems:
            raise ValidationError(problems)


class WorkflowStepInline(StackedInline):
    model = WorkflowStep
    form = WorkflowStepForm
    formset = WorkflowStepFormSet
    formfield_overrides = {**FORMFIELD_OVERRIDES_INLINE, **PLAIN_DECIMALS}
    extra = 0
    collapsible = True
    autocomplete_fields = ["unit", "consult_units"]
    verbose_name = _("bước quy trình")
    verbose_name_plural = _("quy trình xử lý (các bước)")
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("order", "name"),
                    "unit_mode",
                    ("unit", "level"),
                    "roles",
                    ("duration_amount", "duration_unit"),
                    "assignment",
                    "actions",
                ]
            },
        ),
        (
            _("Điều kiện chuyển đến bước (theo dữ liệu tờ khai)"),
            {"fields": [("condition_field", "condition_op", "condition_value")]},
        ),
        (
            _("Xin ý kiến song song (N trên M đơn vị)"),
            {"fields": ["consult_units", "required_answers"]},
        ),
    ]


class ProcedureForm(forms.ModelForm):
    """The procedure with the moment its edit takes effect (a draft until then)."""

    effective_at = forms.SplitDateTimeField(
        label=_("Áp dụng bản sửa từ"),
        required=False,
        widget=UnfoldAdminSplitDateTimeWidget,
        help_text=_(
            "Để trống: bản sửa áp dụng ngay. Chọn một thời điểm sau: bản sửa là bản nháp, hồ sơ "
            "mới vẫn theo phiên bản hiện hành đến thời điểm đó (hồ sơ đã nhận giữ phiên bản cũ)."
        ),
    )

    class Meta:
        model = Procedure
        fields = [  # noqa: RUF012  (the admin's fieldsets choose what shows)
            "national_code",
            "name",
            "sector",
            "level",
            "units",
            "is_active",
            "processing_amount",
            "processing_unit",
            "online_level",
            "result_type",
            "legal_basis",
            "fee_note",
        ]

    def clean_effective_at(self):
        moment = self.cleaned_data.get("effective_at")
        if moment is not None and moment <= timezone.now():
            raise ValidationError(_("Thời điểm áp dụng phải sau thời điểm hiện tại."))
        return moment


@admin.register(Procedure)
class ProcedureAdmin(
    UnitScopedAdminMixin,
    FoldedSearchMixin,
    AtomicImportExportMixin,
    SimpleHistoryAdmin,
    ModelAdmin,
    ImportExportModelAdmin,
):
    unit_scope_field = "units"  # the units applying it; shared procedures stay the site's
    form = ProcedureForm
    formfield_overrides = PLAIN_DECIMALS
    resource_classes = [ProcedureResource]
    inlines = [RequiredDocumentInline, FeeInline, WorkflowStepInline]
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
    readonly_fields = ["current_version", "created_at", "updated_at", "workflow_diagram"]
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
        (
            _("Căn cứ pháp lý, phí"),
            {"fields": ["legal_basis", "fee_note", "fee_before_return"]},
        ),
        (
            _("Tiếp nhận không phụ thuộc địa giới hành chính"),
            {"fields": ["boundary_free", "boundary_free_decision"]},
        ),
        (_("Quy trình xử lý"), {"fields": ["workflow_diagram"]}),
        (_("Ngày áp dụng"), {"fields": ["current_version", "effective_at"]}),
        (
            _("Phiên bản"),
            {"fields": ["created_at", "updated_at"], "classes": ["collapse"]},
        ),
    ]

    @display(description=_("thời hạn giải quyết"), ordering="processing_amount")
    def processing_time(self, obj: Procedure):
        return duration_text(obj.processing_amount, obj.processing_unit)

    @display(description=_("phiên bản hiện hành"))
    def current_version(self, obj: Procedure):
        version = procedure_current_version(procedure=obj) if obj.pk else None
        text = f"v{version.number}" if version else "—"
        pending = procedure_pending_version(procedure=obj) if obj.pk else None
        if pending is not None:
            text += str(
                _(" (bản nháp v%(n)s áp dụng từ %(at)s)")
                % {
                    "n": pending.number,
                    "at": timezone.localtime(pending.effective_at).strftime("%d/%m/%Y %H:%M"),
                }
            )
        return text

    @display(description=_("Sơ đồ quy trình"))
    def workflow_diagram(self, obj: Procedure):
        """Draw the saved steps (what the next version freezes); edits show after saving."""
        if obj is None or obj.pk is None:
            return _("Lưu thủ tục để xem sơ đồ quy trình.")
        return workflow_diagram_html(
            workflow_part(obj), processing=(obj.processing_amount, obj.processing_unit)
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.document_template_view)
        return [
            path(
                "<path:object_id>/documents/<int:document_id>/template/",
                view,
                name="procedures_procedure_document_template",
            ),
            *super().get_urls(),
        ]

    def document_template_view(self, request, object_id, document_id):
        """The blank form of one document of a procedure the person may view (scoped like the
        change page: a procedure outside the administrator's subtree is a 404)."""
        procedure = self.get_object(request, object_id)
        if procedure is None:
            raise Http404(_("Không tìm thấy thủ tục."))
        if not self.has_view_or_change_permission(request, procedure):
            raise PermissionDenied
        document = get_object_or_404(RequiredDocument, pk=document_id, procedure=procedure)
        return file_response(
            document.template_file, fallback_name=document.template_file.name.rsplit("/", 1)[-1]
        )

    def save_related(self, request, form, formsets, change):
        # Django saves the main form's m2m, then every inline formset (each step with its roles
        # and consulted units); only then is the content complete enough to publish.
        super().save_related(request, form, formsets, change)
        procedure_publish(
            procedure=form.instance,
            user=request.user,
            note=str(_("Sửa trên bàn làm việc") if change else _("Tạo trên bàn làm việc")),
            effective_at=form.cleaned_data.get("effective_at"),
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
        "version_diagram",
        "snapshot_pretty",
    ]
    fields = readonly_fields

    @display(description=_("Sơ đồ quy trình"))
    def version_diagram(self, obj: ProcedureVersion):
        procedure = obj.snapshot.get("procedure") or {}
        processing = None
        if procedure.get("processing_amount") is not None:
            processing = (procedure["processing_amount"], procedure.get("processing_unit", ""))
        return workflow_diagram_html(obj.snapshot.get("workflow") or [], processing=processing)

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
