"""A pretend gateway for the demo and tests: its payment page is a view of this app.

The page (``/thanh-toan/sandbox/<order_ref>/``) offers "Thanh toán thành công" and "Hủy"; either
sends the browser back to the payment's return URL with ``sb_`` parameters signed with HMAC-SHA256
under a key derived from ``SECRET_KEY``, which goes through :meth:`verify_return` and
``payment_confirm`` exactly like a real gateway's callback. Only sites that enable the sandbox
(the default when nothing is configured) serve the page.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string, salted_hmac

from motcua.integrations.payments.base import (
    CallbackResult,
    PaymentProvider,
    canonical_query,
    gateway_timestamp,
    parse_gateway_timestamp,
)

KEY_SALT = "motcua.integrations.payments.sandbox"
PAID, CANCELLED = "paid", "cancelled"


def sandbox_sign(params: Mapping[str, str]) -> str:
    """Return the hex HMAC-SHA256 of the canonical query string, keyed from ``SECRET_KEY``."""
    return salted_hmac(KEY_SALT, canonical_query(params), algorithm="sha256").hexdigest()


class SandboxProvider(PaymentProvider):
    name = "sandbox"
    label = "Cổng thanh toán thử nghiệm"
    confirms_on_return = True

    def create_payment_url(self, *, payment, return_url: str, client_ip: str) -> str:
        return reverse("integrations:sandbox_pay", kwargs={"order_ref": payment.order_ref})

    def callback_params(self, *, payment, decision: str) -> dict[str, str]:
        """Return the signed parameters the pretend gateway sends back for *decision*."""
        if decision not in (PAID, CANCELLED):
            raise ValueError(f"unknown sandbox decision {decision!r}")
        params = {
            "sb_order_ref": payment.order_ref,
            "sb_amount": str(int(payment.amount)),
            "sb_result": decision,
            "sb_txn_no": f"SB{get_random_string(10, '0123456789')}",
            "sb_pay_date": gateway_timestamp(timezone.now()),
        }
        params["sb_signature"] = sandbox_sign(params)
        return params

    def verify_return(self, params: Mapping[str, str]) -> CallbackResult:
        received = {str(k): str(v) for k, v in params.items()}
        signed = {k: v for k, v in received.items() if k.startswith("sb_")}
        given = signed.pop("sb_signature", "")
        valid = bool(given) and hmac.compare_digest(
            sandbox_sign(signed).encode("ascii"), given.lower().encode("utf-8")
        )
        raw_amount = signed.get("sb_amount", "")
        amount = Decimal(int(raw_amount)) if raw_amount.isascii() and raw_amount.isdigit() else None
        result = signed.get("sb_result", "")
        return CallbackResult(
            provider=self.name,
            signature_valid=valid,
            order_ref=signed.get("sb_order_ref", "")[:64],
            amount=amount,
            paid=result == PAID,
            cancelled=result == CANCELLED,
            response_code="00" if result == PAID else result[:8],
            provider_txn_no=signed.get("sb_txn_no", "")[:64],
            bank_code="SANDBOX",
            pay_date=parse_gateway_timestamp(signed.get("sb_pay_date")),
            params=received,
        )
