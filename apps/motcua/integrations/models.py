"""Online fee payments, the log of every payment callback, and the outbox (docs/architecture.md, Jobs).

A :class:`Payment` is one attempt to pay a dossier's fees through a provider; its ``order_ref`` is
the merchant reference the provider echoes back (VNPay ``vnp_TxnRef``). Every callback, genuine,
forged or replayed, is appended to :class:`PaymentCallback` with the verdict it got. A change that
other systems must hear about writes an :class:`OutboxMessage` in the same transaction; the outbox
job delivers it later with retries (``motcua.integrations.outbox``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.append_only import AppendOnly


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")
    CANCELLED = "cancelled", _("Đã hủy")


class Payment(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", models.PROTECT, related_name="payments", verbose_name=_("hồ sơ")
    )
    provider = models.CharField(_("cổng thanh toán"), max_length=20)
    order_ref = models.CharField(_("mã giao dịch"), max_length=64, unique=True)
    amount = models.DecimalField(_("số tiền (đồng)"), max_digits=14, decimal_places=0)
    status = models.CharField(
        _("tình trạng"),
        max_length=12,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING,
        db_index=True,
    )
    provider_txn_no = models.CharField(_("mã giao dịch tại cổng"), max_length=64, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=32, blank=True)
    response_code = models.CharField(_("mã phản hồi của cổng"), max_length=8, blank=True)
    pay_date = models.DateTimeField(_("thời điểm thanh toán (theo cổng)"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, db_index=True)
    paid_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    return_url = models.CharField(_("địa chỉ trở về"), max_length=500, blank=True)
    client_ip = models.GenericIPAddressField(_("địa chỉ IP người nộp"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tài khoản thực hiện"),
    )
    raw_callback = models.JSONField(_("dữ liệu xác nhận"), default=dict, blank=True)

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.order_ref} ({self.get_status_display()})"


class CallbackKind(models.TextChoices):
    RETURN = "return", _("Trình duyệt quay về (return)")
    IPN = "ipn", _("Thông báo từ cổng (IPN)")


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", _("Đã xác nhận thanh toán")
    PAYMENT_FAILED = "payment_failed", _("Ghi nhận giao dịch không thành công")
    ALREADY_CONFIRMED = "already_confirmed", _("Đã xác nhận trước đó (gửi lại)")
    DISPLAYED = "displayed", _("Chỉ hiển thị kết quả")
    BAD_SIGNATURE = "bad_signature", _("Chữ ký không hợp lệ")
    UNKNOWN_ORDER = "unknown_order", _("Không tìm thấy giao dịch")
    AMOUNT_MISMATCH = "amount_mismatch", _("Số tiền không khớp")
    ERROR = "error", _("Lỗi hệ thống")


#: Verdicts that refuse the callback: nothing was changed.
REFUSED = frozenset(
    {Verdict.BAD_SIGNATURE, Verdict.UNKNOWN_ORDER, Verdict.AMOUNT_MISMATCH, Verdict.ERROR}
)


class PaymentCallback(AppendOnly):
    """Append-only log of every callback received, whatever its verdict."""

    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now, db_index=True)
    provider = models.CharField(_("cổng thanh toán"), max_length=20)
    kind = models.CharField(_("loại"), max_length=8, choices=CallbackKind.choices)
    order_ref = models.CharField(
        _("mã giao dịch (theo dữ liệu gửi đến)"), max_length=64, blank=True
    )
    payment = models.ForeignKey(
        Payment,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="callbacks",
        verbose_name=_("giao dịch"),
    )
    params = models.JSONField(_("dữ liệu nhận được"), default=dict, blank=True)
    verdict = models.CharField(_("kết luận"), max_length=20, choices=Verdict.choices)
    message = models.TextField(_("thông báo"), blank=True)
    remote_addr = models.GenericIPAddressField(_("địa chỉ IP gửi"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhật ký phản hồi thanh toán")
        verbose_name_plural = _("nhật ký phản hồi thanh toán")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.order_ref or '—'}: {self.get_verdict_display()}"


class OutboxMessage(models.Model):
    """A message for another system, written in the transaction of the change it reports.

    ``next_attempt_at`` is when the delivery job may try it next; it is empty once the message is
    delivered or after the last allowed attempt (then ``last_error`` says why).
    """

    topic = models.CharField(_("chủ đề"), max_length=100, db_index=True)
    payload = models.JSONField(_("nội dung"), default=dict)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    delivered_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông điệp chờ gửi (outbox)")
        verbose_name_plural = _("thông điệp chờ gửi (outbox)")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["delivered_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"
