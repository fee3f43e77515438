"""Outbox handlers, one per topic (registered when the app is ready).

The national public-service portal sync (DuocThanhToanTrucTuyen …) will replace the logging
handler of ``payment.paid``; until then the message is recorded as delivered once logged.
"""

from __future__ import annotations

import logging

from motcua.dossiers import effects as dossier_effects
from motcua.integrations.models import OutboxMessage
from motcua.integrations.outbox import outbox_handler

log = logging.getLogger(__name__)

# Dossier event effects the queue could not take at commit time are retried through the outbox.
outbox_handler("dossier.event_effects")(dossier_effects.effects_retry)


@outbox_handler("payment.paid")
def payment_paid_log(message: OutboxMessage) -> None:
    """Log a confirmed online payment (idempotent: logging twice harms nobody)."""
    payload = message.payload
    log.info(
        "payment %s confirmed: dossier %s paid %s đồng online via %s (outbox #%s)",
        payload.get("order_ref"),
        payload.get("dossier_code"),
        payload.get("amount"),
        payload.get("provider"),
        message.pk,
    )
