"""Desk pages: the ladder per site and procedure, message templates, every message with re-send.

Messages are technical records: superusers and administrators see all of them, an officer only
the ones addressed to them or about dossiers in their scope (``dossiers_visible``).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display

from motcua.core.roles import Role
from motcua.dossiers.selectors import dossiers_visible
from motcua.notifications.models import (
    ApologyDraft,
    Audience,
    ChannelKind,
    EscalationFiring,
    EscalationLevel,
    EscalationPolicy,
    Notification,
    NotificationStatus,
    NotificationTemplate,
    StaffContact,
)
from motcua.notifications.services import notifications_resend
from motcua.notifications.texts import DEFAULTS
from motcua.units.selectors import holds_role


def _moment(value) -> str:
    return date_format(timezone.localtime(value), "d/m/Y H:i") if value else "—"


def is_administrator(user) -> bool:
    """Superusers and system administrators (the role) run the technical pages."""
    return bool(
        user.is_active and (user.is_superuser or holds_role(user=user, roles=[Role.ADMINISTRATOR]))
    )


class EscalationLevelForm(forms.ModelForm):
    audiences = forms.MultipleChoiceField(
        label=_("báo cho"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )
    channels = forms.MultipleChoiceField(
        label=_("qua kênh"), choices=ChannelKind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = EscalationLevel
        fields = ["trigger", "overdue_days", "audiences", "channels", "is_active"]


class EscalationLevelInline(TabularInline):
    model = EscalationLevel
    form = EscalationLevelForm
    extra = 0


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(ModelAdmin):
    list_display = ["__str__", "due_soon_hours", "level_count"]
    autocomplete_fields = ["procedure"]
    inlines = [EscalationLevelInline]

    @display(description=_("số bậc"))
    def level_count(self, obj):
        return obj.levels.count()


class NotificationTemplateForm(forms.ModelForm):
    event = forms.ChoiceField(label=_("sự kiện"), choices=[(e, e) for e in DEFAULTS])

    class Meta:
        model = NotificationTemplate
        fields = ["event", "channel", "language", "subject", "body"]


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(ModelAdmin):
    form = NotificationTemplateForm
    list_display = ["event", "channel", "language", "subject", "updated_at"]
    list_filter = ["event", "channel", "language"]


@admin.register(Notification)
class NotificationAdmin(ModelAdmin):
    list_display = [
        "created",
        "event",
        "channel",
        "to",
        "status_label",
        "attempts",
        "last_error",
        "provider_message_id",
    ]
    list_filter = ["status", "channel", "event", "for_staff"]
    search_fields = ["address", "subject", "recipient__username", "dossier__code"]
    list_select_related = ["recipient", "dossier"]
    readonly_fields = [f.name for f in Notification._meta.fields if f.name not in ("id",)]
    actions = ["resend"]
    list_filter_submit = True

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if is_administrator(request.user):
            return rows
        return rows.filter(
            Q(recipient=request.user)
            | Q(dossier__in=dossiers_visible(user=request.user).values("pk"))
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @display(description=_("tạo lúc"), ordering="created_at")
    def created(self, obj):
        return _moment(obj.created_at)

    @display(description=_("người nhận"))
    def to(self, obj):
        return obj.recipient or obj.address

    @display(
        description=_("tình trạng"),
        label={
            NotificationStatus.SENT: "success",
            NotificationStatus.FAILED: "danger",
            NotificationStatus.HELD: "info",
            NotificationStatus.PENDING: "warning",
            NotificationStatus.SENDING: "warning",
        },
    )
    def status_label(self, obj):
        return obj.status, obj.get_status_display()

    @action(description=_("Gửi lại các thông báo không thành công"))
    def resend(self, request, queryset):
        with transaction.atomic():
            count = notifications_resend(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "Đã đưa %(n)s thông báo vào hàng đợi gửi lại.",
                "Đã đưa %(n)s thông báo vào hàng đợi gửi lại.",
                count,
            )
            % {"n": count},
            messages.SUCCESS if count else messages.WARNING,
        )


class DossierRecordAdmin(ModelAdmin):
    """Read-only records about dossiers: administrators see all, others their dossiers' scope."""

    search_fields = ["dossier__code"]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if is_administrator(request.user):
            return rows
        return rows.filter(dossier__in=dossiers_visible(user=request.user).values("pk"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EscalationFiring)
class EscalationFiringAdmin(DossierRecordAdmin):
    list_display = ["dossier", "level", "due_at", "fired_at", "cleared_at"]
    list_filter = ["level__trigger", "fired_at"]
    list_select_related = ["dossier", "level"]
    readonly_fields = ["dossier", "step", "level", "due_at", "fired_at", "cleared_at"]


@admin.register(ApologyDraft)
class ApologyDraftAdmin(DossierRecordAdmin):
    list_display = ["dossier", "due_at", "proposed_due_at", "created_at", "completed_at"]
    list_filter = [("completed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["dossier"]
    readonly_fields = ["dossier", "due_at", "proposed_due_at", "created_at", "completed_at"]


class StaffContactForm(forms.ModelForm):
    class Meta:
        model = StaffContact
        fields = ["user", "phone", "zalo_user_id"]


@admin.register(StaffContact)
class StaffContactAdmin(ModelAdmin):
    """Administrators keep the SMS phone and Zalo id of the staff of their units (superusers:
    everyone); each person also keeps their own on the desk page "Nhận thông báo qua SMS, Zalo"."""

    form = StaffContactForm
    list_display = ["user", "phone", "zalo_user_id", "updated_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "phone"]
    autocomplete_fields = []

    def _editable(self, request):
        from motcua.notifications.selectors import staff_editable_by

        return staff_editable_by(request.user)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(user__in=self._editable(request).values("pk"))
            .select_related("user")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = self._editable(request).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _allowed(self, request) -> bool:
        return is_administrator(request.user)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)
