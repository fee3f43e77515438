"""Desk pages for payments, payment callbacks and the outbox: read-only records.

Payments are listed through ``dossiers_visible`` (docs/architecture.md, Scope): an officer sees the payments of
the dossiers in their scope, a superuser all. The callback log (which also holds forged requests
that belong to no dossier) and the outbox are technical records for superusers only.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from motcua.core.formats import money_vnd
from motcua.dossiers.selectors import dossiers_visible
from motcua.integrations.models import (
    OutboxMessage,
    Payment,
    PaymentCallback,
    PaymentStatus,
    Verdict,
)
from motcua.units.desk_access import is_desk_member


def _moment(value) -> str:
    return date_format(timezone.localtime(value), "d/m/Y H:i:s") if value else "—"


def _is_desk_member(request) -> bool:
    return is_desk_member(request)


class _ReadOnlyAdmin(ModelAdmin):
    list_filter_submit = True

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


PAYMENT_COLOURS = {
    PaymentStatus.PENDING: "info",
    PaymentStatus.PAID: "success",
    PaymentStatus.FAILED: "danger",
    PaymentStatus.CANCELLED: "warning",
}


@admin.register(Payment)
class PaymentAdmin(_ReadOnlyAdmin):
    list_display = [
        "order_ref",
        "dossier_code",
        "amount_vnd",
        "provider",
        "status_label",
        "created",
        "paid",
    ]
    list_select_related = ["dossier"]
    search_fields = ["order_ref", "provider_txn_no", "dossier__code"]
    list_filter = ["status", "provider", ("created_at", admin.DateFieldListFilter)]
    ordering = ["-created_at", "-id"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("dossier")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(dossier__in=dossiers_visible(user=request.user).values("pk"))

    def has_module_permission(self, request):
        return _is_desk_member(request)

    def has_view_permission(self, request, obj=None):
        return _is_desk_member(request)

    @display(description=_("hồ sơ"), ordering="dossier__code")
    def dossier_code(self, obj: Payment):
        return obj.dossier.code

    @display(description=_("số tiền"), ordering="amount")
    def amount_vnd(self, obj: Payment):
        return money_vnd(obj.amount)

    @display(description=_("tình trạng"), ordering="status", label=PAYMENT_COLOURS)
    def status_label(self, obj: Payment):
        return obj.status, obj.get_status_display()

    @display(description=_("tạo lúc"), ordering="created_at")
    def created(self, obj: Payment):
        return _moment(obj.created_at)

    @display(description=_("xác nhận lúc"), ordering="paid_at")
    def paid(self, obj: Payment):
        return _moment(obj.paid_at)


VERDICT_COLOURS = {
    Verdict.CONFIRMED: "success",
    Verdict.PAYMENT_FAILED: "warning",
    Verdict.ALREADY_CONFIRMED: "info",
    Verdict.DISPLAYED: "info",
    Verdict.BAD_SIGNATURE: "danger",
    Verdict.UNKNOWN_ORDER: "danger",
    Verdict.AMOUNT_MISMATCH: "danger",
    Verdict.ERROR: "danger",
}


class _SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(PaymentCallback)
class PaymentCallbackAdmin(_SuperuserOnly, _ReadOnlyAdmin):
    list_display = ["received", "provider", "kind", "order_ref", "verdict_label", "remote_addr"]
    search_fields = ["order_ref", "message"]
    list_filter = ["verdict", "kind", "provider", ("received_at", admin.DateFieldListFilter)]
    ordering = ["-received_at", "-id"]

    @display(description=_("nhận lúc"), ordering="received_at")
    def received(self, obj: PaymentCallback):
        return _moment(obj.received_at)

    @display(description=_("kết luận"), ordering="verdict", label=VERDICT_COLOURS)
    def verdict_label(self, obj: PaymentCallback):
        return obj.verdict, obj.get_verdict_display()


@admin.register(OutboxMessage)
class OutboxMessageAdmin(_SuperuserOnly, _ReadOnlyAdmin):
    list_display = ["id", "topic", "created", "state_label", "attempts", "next_try"]
    search_fields = ["topic", "last_error"]
    list_filter = [
        "topic",
        ("delivered_at", admin.EmptyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    ordering = ["-created_at", "-id"]

    @display(description=_("tạo lúc"), ordering="created_at")
    def created(self, obj: OutboxMessage):
        return _moment(obj.created_at)

    @display(description=_("thử lại lúc"), ordering="next_attempt_at")
    def next_try(self, obj: OutboxMessage):
        return _moment(obj.next_attempt_at)

    @display(
        description=_("tình trạng"),
        label={"delivered": "success", "waiting": "info", "failing": "warning", "dead": "danger"},
    )
    def state_label(self, obj: OutboxMessage):
        if obj.delivered_at:
            return "delivered", _("Đã gửi")
        if obj.next_attempt_at is None:
            return "dead", _("Ngừng thử")
        if obj.attempts:
            return "failing", _("Đang thử lại")
        return "waiting", _("Chờ gửi")
