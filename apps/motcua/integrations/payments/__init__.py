"""Online fee payment: the provider interface and its providers (VNPay, sandbox)."""

from motcua.integrations.payments.base import (
    CallbackResult,
    PaymentProvider,
    ProviderNotConfigured,
    payment_provider,
)

__all__ = ["CallbackResult", "PaymentProvider", "ProviderNotConfigured", "payment_provider"]
