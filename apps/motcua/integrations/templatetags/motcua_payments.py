"""``{% load motcua_payments %}``: amounts in đồng and the payment facts of a dossier."""

from django import template

from motcua.integrations.formatting import format_vnd
from motcua.integrations.selectors import PaymentState, payment_state

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """``{{ dossier.fee_total|vnd }}`` → ``1.500.000 ₫``."""
    return format_vnd(amount)


@register.simple_tag(takes_context=True)
def dossier_payment_state(context, dossier) -> PaymentState:
    """``{% dossier_payment_state dossier as pay %}`` for a dossier the page may already show.

    The pay button needs the request's user (the owner) or session (a portal lookup).
    """
    request = context.get("request")
    return payment_state(
        dossier=dossier,
        user=getattr(request, "user", None),
        session=getattr(request, "session", None),
    )
