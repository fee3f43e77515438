"""Writes for online fee payment: start a payment, apply a provider's callback.

Rules:

1. A payment asks for the dossier's ``fee_total`` at the time it starts; nothing to pay, an
   already paid dossier, or one whose processing ended is refused with a message for the citizen.
2. A callback is applied only when its signature is valid, its order is known for that provider
   and its amount equals the payment's; otherwise it is refused and nothing changes.
3. Applying is idempotent: the payment row is locked, and only a *pending* payment changes. A
   second notification for the same order (a replay, or VNPay's retries) gets "already confirmed"
   and writes no second outbox message.
4. A payment becoming paid marks the dossier paid and paid online (QĐ 766 indicator "share paid
   online") and writes the ``payment.paid`` outbox message in the same transaction.
5. Every callback is appended to ``PaymentCallback`` with its verdict: inside the transaction of
   the change when there is one, on its own when the callback was refused or failed.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.formats import money_vnd
from motcua.dossiers.models import Dossier
from motcua.integrations.models import (
    REFUSED,
    CallbackKind,
    Payment,
    PaymentCallback,
    PaymentStatus,
    Verdict,
)
from motcua.integrations.outbox import outbox_emit
from motcua.integrations.payments.base import (
    CallbackResult,
    ProviderNotConfigured,
    payment_provider,
)
from motcua.integrations.selectors import UNPAYABLE, payer_may_pay

log = logging.getLogger(__name__)

TOPIC_PAID = "payment.paid"


class PaymentError(Exception):
    """A payment that cannot start; the message is for the citizen."""


class PaymentForbidden(PaymentError):
    """The person may not pay this dossier (shown as "not found")."""


@dataclass(frozen=True)
class Outcome:
    """What a callback led to; ``message`` is for people (the citizen's page, the desk log)."""

    verdict: str
    message: str
    payment: Payment | None = None

    @property
    def refused(self) -> bool:
        return self.verdict in REFUSED


def _new_order_ref() -> str:
    """A merchant reference: time plus randomness, letters and digits only (VNPay vnp_TxnRef)."""
    return f"{timezone.localtime():%y%m%d%H%M%S}{secrets.token_hex(5).upper()}"


def payment_start(
    *,
    dossier: Dossier,
    user_or_session,
    return_url: str,
    client_ip: str,
    provider: str | None = None,
) -> tuple[Payment, str]:
    """Create a pending payment of the dossier's fees; return it and the provider page's URL.

    *user_or_session* is the signed-in owner, or the portal session that looked the dossier up.
    """
    if not payer_may_pay(dossier=dossier, user_or_session=user_or_session):
        raise PaymentForbidden(_("Không tìm thấy hồ sơ."))
    try:
        chosen = payment_provider(provider)
    except ProviderNotConfigured:
        log.exception("online payment is not configured")
        raise PaymentError(
            _("Chức năng thanh toán trực tuyến chưa sẵn sàng; xin liên hệ bộ phận một cửa.")
        ) from None
    with transaction.atomic():
        fresh = Dossier.objects.get(pk=dossier.pk)
        if fresh.is_paid:
            raise PaymentError(_("Hồ sơ %(code)s đã nộp phí, lệ phí.") % {"code": fresh.code})
        if fresh.fee_waived:
            raise PaymentError(_("Hồ sơ %(code)s được miễn phí, lệ phí.") % {"code": fresh.code})
        if fresh.fee_total <= 0:
            raise PaymentError(
                _("Hồ sơ %(code)s không có phí, lệ phí phải nộp.") % {"code": fresh.code}
            )
        if fresh.status in UNPAYABLE:
            raise PaymentError(
                _("Hồ sơ %(code)s đã kết thúc xử lý (%(status)s); không thể thanh toán.")
                % {"code": fresh.code, "status": fresh.get_status_display()}
            )
        user = user_or_session if hasattr(user_or_session, "is_authenticated") else None
        payment = Payment.objects.create(
            dossier=fresh,
            provider=chosen.name,
            order_ref=_new_order_ref(),
            amount=fresh.fee_total,
            return_url=return_url[:500],
            client_ip=client_ip or None,
            started_by=user if user is not None and user.is_authenticated else None,
        )
        url = chosen.create_payment_url(payment=payment, return_url=return_url, client_ip=client_ip)
    return payment, url


# --------------------------------------------------------------------------- callbacks


def _record(result: CallbackResult, kind: str, outcome: Outcome, remote_addr: str | None) -> None:
    PaymentCallback.objects.create(
        provider=result.provider[:20],
        kind=kind,
        order_ref=result.order_ref,
        payment=outcome.payment,
        params=result.params,
        verdict=outcome.verdict,
        message=outcome.message,
        remote_addr=remote_addr or None,
    )


def _check(result: CallbackResult, payment: Payment | None) -> Outcome | None:
    """Return the refusal for this callback, or None when it may be applied (rule 2)."""
    if not result.signature_valid:
        return Outcome(
            Verdict.BAD_SIGNATURE,
            _("Chữ ký của dữ liệu thanh toán không hợp lệ; yêu cầu bị từ chối."),
        )
    if payment is None:
        return Outcome(
            Verdict.UNKNOWN_ORDER,
            _("Không tìm thấy giao dịch thanh toán “%(ref)s”.") % {"ref": result.order_ref},
        )
    if result.amount is None or result.amount != payment.amount:
        return Outcome(
            Verdict.AMOUNT_MISMATCH,
            _(
                "Số tiền %(got)s không khớp với số tiền của giao dịch (%(want)s); yêu cầu bị từ chối."
            )
            % {
                "got": money_vnd(result.amount) if result.amount is not None else "?",
                "want": money_vnd(payment.amount),
            },
            payment,
        )
    return None


def _apply(result: CallbackResult, payment: Payment) -> Outcome:
    """Change a pending payment (and its dossier) as the verified callback says."""
    if payment.status != PaymentStatus.PENDING:
        return Outcome(
            Verdict.ALREADY_CONFIRMED,
            _("Giao dịch %(ref)s đã được xác nhận trước đó (%(status)s); không ghi nhận lại.")
            % {"ref": payment.order_ref, "status": payment.get_status_display()},
            payment,
        )
    now = timezone.now()
    payment.provider_txn_no = result.provider_txn_no
    payment.bank_code = result.bank_code
    payment.response_code = result.response_code
    payment.pay_date = result.pay_date
    payment.raw_callback = result.params
    code = payment.dossier.code
    if not result.paid:
        payment.status = PaymentStatus.CANCELLED if result.cancelled else PaymentStatus.FAILED
        payment.save()
        if result.cancelled:
            message = _("Giao dịch %(ref)s đã bị hủy; hồ sơ %(code)s chưa được nộp phí.")
        else:
            message = _(
                "Giao dịch %(ref)s không thành công (mã %(rc)s); hồ sơ %(code)s chưa được nộp phí."
            )
        return Outcome(
            Verdict.PAYMENT_FAILED,
            message % {"ref": payment.order_ref, "rc": result.response_code or "?", "code": code},
            payment,
        )
    payment.status = PaymentStatus.PAID
    payment.paid_at = now
    payment.save()
    # Not a state change of the dossier (the one transition path is about status): its version is left
    # alone so an officer's open page does not conflict; a plain UPDATE of the two flags.
    newly_paid = Dossier.objects.filter(pk=payment.dossier_id, is_paid=False).update(
        is_paid=True, paid_online=True
    )
    if not newly_paid:
        # Paid meanwhile at the counter or by another order: the money was taken twice.
        log.warning(
            "dossier %s was already paid; payment %s needs a refund", code, payment.order_ref
        )
        return Outcome(
            Verdict.CONFIRMED,
            _(
                "Đã nhận %(amount)s cho hồ sơ %(code)s, nhưng hồ sơ đã được nộp phí trước đó; "
                "giao dịch %(ref)s cần được hoàn tiền."
            )
            % {"amount": money_vnd(payment.amount), "code": code, "ref": payment.order_ref},
            payment,
        )
    outbox_emit(
        topic=TOPIC_PAID,
        payload={
            "payment_id": payment.pk,
            "order_ref": payment.order_ref,
            "provider": payment.provider,
            "provider_txn_no": payment.provider_txn_no,
            "amount": str(payment.amount),
            "dossier_id": payment.dossier_id,
            "dossier_code": code,
            "paid_at": now.isoformat(),
        },
    )
    return Outcome(
        Verdict.CONFIRMED,
        _("Đã nhận %(amount)s phí, lệ phí của hồ sơ %(code)s.")
        % {"amount": money_vnd(payment.amount), "code": code},
        payment,
    )


def _error_outcome(result: CallbackResult) -> Outcome:
    log.exception("payment callback for %r failed", result.order_ref)
    return Outcome(
        Verdict.ERROR,
        _("Lỗi hệ thống khi xử lý kết quả thanh toán; giao dịch chưa được ghi nhận."),
        Payment.objects.filter(order_ref=result.order_ref, provider=result.provider).first()
        if result.signature_valid
        else None,
    )


def payment_confirm(
    *, result: CallbackResult, kind: str = CallbackKind.IPN, remote_addr: str | None = None
) -> Outcome:
    """Apply a provider's callback to its payment (rules 2–5); never raises on bad input."""
    try:
        with transaction.atomic():
            payment = None
            if result.signature_valid and result.order_ref:
                payment = (
                    Payment.objects.select_for_update()
                    .filter(order_ref=result.order_ref, provider=result.provider)
                    .first()
                )
            outcome = _check(result, payment)
            if outcome is None and payment is not None:
                outcome = _apply(result, payment)
            if outcome is None:  # unreachable: _check refuses a missing payment
                raise RuntimeError("callback neither refused nor applied")
            _record(result, kind, outcome, remote_addr)
    except Exception:  # the change rolled back whole; the refusal is recorded on its own
        outcome = _error_outcome(result)
        _record(result, kind, outcome, remote_addr)
    return outcome


def payment_ipn(
    *, provider: str, params: dict[str, str], remote_addr: str | None = None
) -> tuple[dict[str, str], CallbackResult]:
    """Handle a provider's server-to-server notification (IPN): verify it, apply it (rules 2–5).

    Return the body the provider expects in answer and the callback as read; raise
    ProviderNotConfigured for an unknown provider.
    """
    chosen = payment_provider(provider)
    result = chosen.verify_ipn(params)
    outcome = payment_confirm(result=result, kind=CallbackKind.IPN, remote_addr=remote_addr)
    return chosen.ipn_response(outcome.verdict), result


def payment_return(
    *, provider: str, params: dict[str, str], remote_addr: str | None = None
) -> Outcome:
    """Handle the browser coming back from the provider; raise ProviderNotConfigured if unknown.

    Providers whose protocol leaves updates to the IPN (VNPay) only get the checks and the log;
    the page then shows the payment as the database knows it.
    """
    chosen = payment_provider(provider)
    result = chosen.verify_return(params)
    if chosen.confirms_on_return:
        return payment_confirm(result=result, kind=CallbackKind.RETURN, remote_addr=remote_addr)
    payment = (
        Payment.objects.select_related("dossier")
        .filter(order_ref=result.order_ref, provider=result.provider)
        .first()
        if result.signature_valid and result.order_ref
        else None
    )
    outcome = _check(result, payment)
    if outcome is None and payment is not None:
        outcome = Outcome(Verdict.DISPLAYED, _display_message(result, payment), payment)
    if outcome is None:  # unreachable: _check refuses a missing payment
        raise RuntimeError("callback neither refused nor checked")
    _record(result, CallbackKind.RETURN, outcome, remote_addr)
    return outcome


def _display_message(result: CallbackResult, payment: Payment) -> str:
    values = {
        "ref": payment.order_ref,
        "code": payment.dossier.code,
        "amount": money_vnd(payment.amount),
    }
    if payment.status == PaymentStatus.PAID:
        return _("Đã nhận %(amount)s phí, lệ phí của hồ sơ %(code)s.") % values
    if result.paid:
        return (
            _(
                "Cổng thanh toán báo giao dịch %(ref)s thành công; hệ thống đang chờ xác nhận "
                "chính thức từ cổng thanh toán."
            )
            % values
        )
    if result.cancelled:
        return _("Giao dịch %(ref)s đã bị hủy; hồ sơ %(code)s chưa được nộp phí.") % values
    return _("Giao dịch %(ref)s không thành công; hồ sơ %(code)s chưa được nộp phí.") % values
