"""VNPay, following its public payment protocol, version 2.1.0.

The payment URL carries the order's parameters sorted by key, form-encoded, and signed with
HMAC-SHA512 of the merchant's hash secret (``vnp_SecureHash``). VNPay sends the citizen's browser
back to ``vnp_ReturnUrl`` and, separately, calls the merchant's IPN URL (configured at VNPay, not
in the request) server to server; both carry the result signed the same way. The IPN is the one
that updates the order; the answer uses VNPay's codes (:data:`IPN_RESPONSES`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from motcua.integrations.models import Verdict
from motcua.integrations.payments.base import (
    CallbackResult,
    PaymentProvider,
    ProviderNotConfigured,
    canonical_query,
    gateway_timestamp,
    parse_gateway_timestamp,
)

VERSION = "2.1.0"
SANDBOX_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
SECRET_ENV = "MOTCUA_VNPAY_HASH_SECRET"
#: ``vnp_ResponseCode`` when the customer cancelled on VNPay's page.
CUSTOMER_CANCELLED = "24"

IPN_RESPONSES: dict[str, dict[str, str]] = {
    Verdict.CONFIRMED: {"RspCode": "00", "Message": "Confirm Success"},
    # A failed payment is still a notification correctly received and recorded.
    Verdict.PAYMENT_FAILED: {"RspCode": "00", "Message": "Confirm Success"},
    Verdict.ALREADY_CONFIRMED: {"RspCode": "02", "Message": "Order already confirmed"},
    Verdict.UNKNOWN_ORDER: {"RspCode": "01", "Message": "Order not found"},
    Verdict.AMOUNT_MISMATCH: {"RspCode": "04", "Message": "Invalid amount"},
    Verdict.BAD_SIGNATURE: {"RspCode": "97", "Message": "Invalid signature"},
    Verdict.ERROR: {"RspCode": "99", "Message": "Unknown error"},
}


def vnpay_sign(params: Mapping[str, str], secret: str) -> str:
    """Return the lower-case hex HMAC-SHA512 of the canonical query string of *params*."""
    data = canonical_query(params).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), data, hashlib.sha512).hexdigest()


def _amount(value: str | None) -> Decimal | None:
    """``vnp_Amount`` is the amount × 100, digits only; None when it is anything else."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    return Decimal(int(value)) / 100


class VNPayProvider(PaymentProvider):
    name = "vnpay"
    label = "VNPay"

    def __init__(self, options=None):
        super().__init__(options)
        self.tmn_code = str(self.options.get("tmn_code") or "")
        if not self.tmn_code:
            raise ProviderNotConfigured("site_config: missing 'payments.tmn_code' for VNPay")
        self.secret = os.environ.get(SECRET_ENV, "")
        if not self.secret:
            raise ProviderNotConfigured(f"VNPay: environment variable {SECRET_ENV} is not set")
        self.payment_url = str(self.options.get("payment_url") or SANDBOX_URL)
        self.order_type = str(self.options.get("order_type") or "other")
        self.locale = str(self.options.get("locale") or "vn")
        self.expire_minutes = int(self.options.get("expire_minutes") or 15)

    def create_payment_url(self, *, payment, return_url: str, client_ip: str) -> str:
        """Return VNPay's payment page URL with the order's signed parameters."""
        now = timezone.now()
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(int(payment.amount) * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": payment.order_ref,
            # VNPay asks for Vietnamese without diacritics and no special characters here.
            "vnp_OrderInfo": f"Thanh toan phi le phi ho so {payment.dossier.code}",
            "vnp_OrderType": self.order_type,
            "vnp_Locale": self.locale,
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_CreateDate": gateway_timestamp(now),
            "vnp_ExpireDate": gateway_timestamp(now + timedelta(minutes=self.expire_minutes)),
        }
        signature = vnpay_sign(params, self.secret)
        return f"{self.payment_url}?{canonical_query(params)}&vnp_SecureHash={signature}"

    def verify_return(self, params: Mapping[str, str]) -> CallbackResult:
        """Check ``vnp_SecureHash`` over the other ``vnp_`` parameters and read the result."""
        received = {str(k): str(v) for k, v in params.items()}
        signed = {k: v for k, v in received.items() if k.startswith("vnp_")}
        given = signed.pop("vnp_SecureHash", "")
        signed.pop("vnp_SecureHashType", None)
        expected = vnpay_sign(signed, self.secret)
        valid = bool(given) and hmac.compare_digest(
            expected.encode("ascii"), given.lower().encode("utf-8")
        )
        code = signed.get("vnp_ResponseCode", "")
        return CallbackResult(
            provider=self.name,
            signature_valid=valid,
            order_ref=signed.get("vnp_TxnRef", "")[:64],
            amount=_amount(signed.get("vnp_Amount")),
            paid=code == "00" and signed.get("vnp_TransactionStatus") == "00",
            cancelled=code == CUSTOMER_CANCELLED,
            response_code=code[:8],
            provider_txn_no=signed.get("vnp_TransactionNo", "")[:64],
            bank_code=signed.get("vnp_BankCode", "")[:32],
            pay_date=parse_gateway_timestamp(signed.get("vnp_PayDate")),
            params=received,
        )

    def ipn_response(self, verdict: str) -> dict[str, str]:
        return dict(IPN_RESPONSES.get(verdict, IPN_RESPONSES[Verdict.ERROR]))
