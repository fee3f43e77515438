"""Extension points of the portal's pages, for apps that must not edit the portal.

Payment ("Thanh toán" block of the status page). The integrations app adds it in either way:

1. ship a template ``portal/_payment.html`` (in its own ``templates/`` folder); the status page
   includes it, when it exists, with ``dossier``, ``access`` (owner / officer / lookup) and
   ``request`` in the context; or
2. call :func:`register_payment_block` from its ``AppConfig.ready()`` with a function
   ``(dossier, request) -> str`` returning safe HTML ("" when there is nothing to pay).

With neither, :func:`payment_block` returns "" and the page shows no payment block.
"""

from __future__ import annotations

from collections.abc import Callable

_payment_block: Callable | None = None


def register_payment_block(func: Callable) -> Callable:
    global _payment_block
    _payment_block = func
    return func


def payment_block(dossier, request=None) -> str:
    """Return the HTML of the payment block for *dossier*; "" by default."""
    if _payment_block is None:
        return ""
    return _payment_block(dossier, request) or ""
