"""Desk admin of the reporting side: scoring settings, saved reports, subscriptions, deliveries.

People manage their own subscriptions (the recipient is always themselves, unless they are a
superuser); scoring settings and bands are for administrators (model permissions).
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from motcua.reports.models import (
    IndicatorSetting,
    ReportDelivery,
    ReportSubscription,
    SavedReport,
    ScoreBand,
)
from motcua.reports.selectors import saved_reports_visible


@admin.register(IndicatorSetting)
class IndicatorSettingAdmin(ModelAdmin):
    list_display = ["code", "name", "target_percent", "max_points", "is_active"]
    list_editable = ["target_percent", "max_points", "is_active"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):  # the indicators are those the code computes
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScoreBand)
class ScoreBandAdmin(ModelAdmin):
    list_display = ["min_percent", "label"]


@admin.register(SavedReport)
class SavedReportAdmin(ModelAdmin):
    list_display = ["name", "owner", "updated_at"]
    filter_horizontal = ["shared_roles", "shared_units"]
    readonly_fields = ["owner", "description"]
    exclude = ["definition"]

    @admin.display(description=_("Nội dung báo cáo"))
    def description(self, obj):
        """The definition in words (never its JSON), and a link to open it in the builder."""
        from django.urls import reverse
        from django.utils.html import format_html, format_html_join

        from motcua.reports.builder import describe

        lines = format_html_join("", "<li>{}</li>", ((line,) for line in describe(obj.definition)))
        url = f"{reverse('reports:builder')}?report={obj.pk}"
        return format_html(
            '<ul class="list-disc ml-6">{}</ul><a class="underline" href="{}">{}</a>',
            lines,
            url,
            _("Mở trong trình thiết kế báo cáo"),
        )

    def get_queryset(self, request):
        return saved_reports_visible(user=request.user)

    def has_add_permission(self, request):  # reports are saved from the builder
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None or request.user.is_superuser or obj.owner_id == request.user.pk

    has_delete_permission = has_change_permission


class DeliveryInline(admin.TabularInline):
    model = ReportDelivery
    extra = 0
    can_delete = False
    readonly_fields = ["period_start", "period_end", "sent_at", "ok", "rows", "error"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(ModelAdmin):
    list_display = ["user", "report", "frequency", "is_active", "last_period_end"]
    list_filter = ["frequency", "is_active"]
    inlines = [DeliveryInline]

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("user", "report")
        return rows if request.user.is_superuser else rows.filter(user=request.user)

    def get_fields(self, request, obj=None):
        fields = ["report", "frequency", "is_active", "last_period_end"]
        return (["user", *fields]) if request.user.is_superuser else fields

    def get_readonly_fields(self, request, obj=None):
        return ["last_period_end"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "report":
            kwargs["queryset"] = saved_reports_visible(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (
            obj is None or request.user.is_superuser or obj.user_id == request.user.pk
        )

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser or not obj.user_id:
            obj.user = request.user
        super().save_model(request, obj, form, change)
