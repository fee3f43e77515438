"""``{% load motcua_payments %}``: the payment facts of a dossier (amounts: ``{% load motcua %}``)."""

from django import template

from motcua.integrations.selectors import PaymentState, payment_state

register = template.Library()


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
