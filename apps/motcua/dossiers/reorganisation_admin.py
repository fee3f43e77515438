"""The desk pages of unit reorganisations (site administrator only; the model is ``units``'s).

* the list and the form of a reorganisation (a draft is edited; a confirmed one is read only,
  with its outcome: who, when, which decision, what moved — counts and ids);
* ``<id>/preview/``: what will move (open dossiers by state, memberships, procedures, templates,
  counters, calendars) and, without problems, the confirmation button;
* ``<id>/progress/``: the job's progress (done / total), refreshed while it runs;
* ``closed-dossiers/``: open dossiers still held by a closed unit, each assigned one by one
  (NĐ 140/2025/NĐ-CP Điều 32 k.2).

Every page and action goes through :func:`motcua.units.admin_scope.is_site_administrator`: a unit
administrator, whatever their permissions, is refused (403).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from motcua.dossiers import reorganisation as service
from motcua.units.admin_scope import is_site_administrator
from motcua.units.models import Reorganisation, ReorganisationStatus, Unit

#: The outcome's keys, as the desk names them.
OUTCOME_LABELS = {
    "successor_created": _("Đơn vị mới được tạo (id)"),
    "memberships_moved": _("Phân công cán bộ tại đơn vị kế thừa"),
    "memberships_ended": _("Phân công cán bộ đã chấm dứt"),
    "dossiers_moved": _("Hồ sơ đang giải quyết đã chuyển"),
    "procedures": _("Thủ tục áp dụng lại"),
    "workflow_steps": _("Bước quy trình đổi đơn vị"),
    "templates_copied": _("Mẫu in đã sao cho đơn vị kế thừa"),
    "units_closed": _("Đơn vị đã chấm dứt hoạt động"),
    "identities": _("Tên, mã cũ được lưu"),
}


def outcome_rows(r: Reorganisation) -> list[tuple[str, object, list]]:
    """(label, count or value, ids) per outcome key, in a stable order."""
    rows = []
    for key, value in (r.outcome or {}).items():
        label = str(OUTCOME_LABELS.get(key, key))
        if isinstance(value, list):
            rows.append((label, len(value), value))
        else:
            rows.append((label, value, []))
    return rows


#: Who prepared and confirmed it, the job's moments and progress, and what moved (read only).
RUN_FIELDS = [
    "status",
    "created_by",
    "created_at",
    "confirmed_by",
    "confirmed_at",
    "started_at",
    "finished_at",
    "progress",
    "outcome_text",
    "error",
]


def _site_admin_only(request) -> None:
    if not is_site_administrator(request.user):
        raise PermissionDenied


@admin.register(Reorganisation)
class ReorganisationAdmin(ModelAdmin):
    list_display = ["decision_number", "kind", "effective_date", "status", "progress", "created_by"]
    list_filter = ["kind", "status"]
    search_fields = ["decision_number", "note"]
    autocomplete_fields = ["sources", "successor", "other_successors", "new_parent"]
    readonly_fields = RUN_FIELDS
    fieldsets = [
        (
            _("Văn bản"),
            {
                "fields": [
                    "kind",
                    "effective_date",
                    "decision_number",
                    "decision_date",
                    "decision_issuer",
                    "decision_file",
                    "note",
                ]
            },
        ),
        (_("Đơn vị"), {"fields": ["sources", "successor", "other_successors", "memberships"]}),
        (
            _("Đơn vị mới, tên mới, cấp trên mới"),
            {
                "fields": [
                    "new_name",
                    "new_short_name",
                    "new_agency_code",
                    "new_level",
                    "new_parent",
                ]
            },
        ),
        (_("Thực hiện"), {"fields": RUN_FIELDS}),
    ]

    # -- only the site administrator, whatever the model permissions say
    def has_module_permission(self, request):
        return is_site_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_site_administrator(request.user)

    def has_add_permission(self, request):
        return is_site_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_site_administrator(request.user) and (
            obj is None or obj.status == ReorganisationStatus.DRAFT
        )

    def has_delete_permission(self, request, obj=None):
        return False  # nothing of a reorganisation is ever deleted

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        upload = form.cleaned_data.get("decision_file")
        if upload and hasattr(upload, "name") and "decision_file" in form.changed_data:
            obj.decision_original_name = upload.name[:255]
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        return redirect(reverse("admin:units_reorganisation_preview", args=[obj.pk]))

    def response_change(self, request, obj):
        return redirect(reverse("admin:units_reorganisation_preview", args=[obj.pk]))

    @display(description=_("tiến độ"))
    def progress(self, obj: Reorganisation):
        return f"{obj.done}/{obj.total}" if obj.total else "—"

    @display(description=_("đã chuyển"))
    def outcome_text(self, obj: Reorganisation):
        rows = outcome_rows(obj)
        if not rows:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "{}: {} {}",
            (
                (label, count, f"({', '.join(map(str, ids[:200]))})" if ids else "")
                for label, count, ids in rows
            ),
        )

    # -- the preview, confirmation, progress and one-by-one pages
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/preview/",
                wrap(self.preview_view),
                name="units_reorganisation_preview",
            ),
            path(
                "<int:pk>/progress/",
                wrap(self.progress_view),
                name="units_reorganisation_progress",
            ),
            path(
                "closed-dossiers/",
                wrap(self.closed_dossiers_view),
                name="units_reorganisation_closed_dossiers",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            **extra,
        }

    def preview_view(self, request, pk: int):
        _site_admin_only(request)
        r = get_object_or_404(Reorganisation, pk=pk)
        if request.method == "POST":
            try:
                service.reorganisation_confirm(r, user=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect(reverse("admin:units_reorganisation_preview", args=[pk]))
            messages.success(request, _("Đã xác nhận; việc sắp xếp đang được thực hiện."))
            return redirect(reverse("admin:units_reorganisation_progress", args=[pk]))
        preview = service.reorganisation_preview(r)
        confirmable = service.reorganisation_problems(r, for_confirmation=True)
        return TemplateResponse(
            request,
            "reorganisation/preview.html",
            self._context(
                request,
                _("Xem trước việc sắp xếp đơn vị"),
                r=r,
                preview=preview,
                blocking=confirmable,
                successors=service.successors(r),
            ),
        )

    def progress_view(self, request, pk: int):
        _site_admin_only(request)
        r = get_object_or_404(Reorganisation, pk=pk)
        running = r.status in (ReorganisationStatus.QUEUED, ReorganisationStatus.RUNNING)
        percent = int(100 * r.done / r.total) if r.total else 0
        return TemplateResponse(
            request,
            "reorganisation/progress.html",
            self._context(
                request,
                _("Tiến độ sắp xếp đơn vị"),
                r=r,
                running=running,
                percent=percent,
                outcome=outcome_rows(r),
            ),
        )

    def closed_dossiers_view(self, request):
        _site_admin_only(request)
        targets = service.assignable_units().select_related("level").order_by("path")
        if request.method == "POST":
            unit = Unit.objects.filter(pk=request.POST.get("unit") or 0).first()
            try:
                if unit is None:
                    raise ValidationError(_("Chọn đơn vị nhận hồ sơ."))
                service.dossier_assign_from_closed(
                    dossier_id=int(request.POST.get("dossier") or 0),
                    to_unit=unit,
                    user=request.user,
                    note=request.POST.get("note", ""),
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Đã giao hồ sơ cho %(unit)s.") % {"unit": unit.name})
            return redirect(reverse("admin:units_reorganisation_closed_dossiers"))
        rows = service.closed_unit_open_dossiers(user=request.user).select_related(
            "current_unit", "procedure"
        )
        page = Paginator(rows.order_by("pk"), 50).get_page(request.GET.get("page"))
        return TemplateResponse(
            request,
            "reorganisation/closed_dossiers.html",
            self._context(
                request,
                _("Hồ sơ của đơn vị đã chấm dứt hoạt động"),
                page=page,
                targets=targets,
            ),
        )
