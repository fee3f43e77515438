"""Outbox handlers, one per topic (declared in ``motcua.integrations.hooks``).

The national public-service portal sync (DuocThanhToanTrucTuyen …) will replace the logging
handler of ``payment.paid``; until then the message is recorded as delivered once logged.

``citizen.notice``: the applicant is told of the events that concern them (Nghị định 61/2018
Điều 18–19, QĐ 766: receipt with the appointment date, supplement with the list of documents,
result ready, refusal, stop, apology with the new date) on each channel they gave — e-mail and
phone (SMS) — once: each message's key is the event and the channel.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse

from motcua.core.lifecycle import LIFECYCLE
from motcua.core.site_urls import public_link
from motcua.integrations.models import OutboxMessage
from motcua.integrations.outbox import outbox_emit, outbox_emit_many
from motcua.notifications.channels import channel_available

log = logging.getLogger(__name__)

#: dossier action → citizen notice event, from the lifecycle declarations (texts per channel in
#: ``motcua.notifications.texts.DEFAULTS``, editable in the desk).
CITIZEN_EVENTS: dict[str, str] = {
    action: rule.applicant_notice
    for action, rule in LIFECYCLE.items()
    if rule.applicant_notice is not None
}


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


def citizen_notice_emit(*, dossier, event) -> None:
    """Write the citizen's notice of *event* to the outbox, if the event concerns them."""
    notice = CITIZEN_EVENTS.get(event.action)
    if notice is None or dossier.is_training:  # training dossiers tell nobody
        return
    outbox_emit(topic="citizen.notice", payload=_notice_payload(notice, event.pk, dossier.pk))


def _notice_payload(notice: str, event_id: int, dossier_id: int) -> dict:
    return {"notice": notice, "event_id": event_id, "dossier_id": dossier_id}


def citizen_notices_emit(pairs, *, notice: str) -> None:
    """Write one *notice* per (event id, dossier id) to the outbox in one INSERT (batch jobs)."""
    if not pairs:
        return
    outbox_emit_many(
        topic="citizen.notice",
        payloads=[_notice_payload(notice, event_id, dossier_id) for event_id, dossier_id in pairs],
    )


def citizen_channels(dossier) -> list[tuple[str, str]]:
    """The (channel, address) pairs the applicant gave; SMS only where a gateway is set up."""
    channels = []
    if dossier.applicant_email:
        channels.append(("email", dossier.applicant_email))
    if dossier.applicant_phone and channel_available("sms"):
        channels.append(("sms", dossier.applicant_phone))
    return channels


def citizen_notice_send(message: OutboxMessage) -> None:
    """Write one notification per channel the applicant gave (idempotent by event and channel)."""
    from motcua.dossiers.models import Dossier, DossierEvent
    from motcua.notifications.services import notification_create

    payload = message.payload
    dossier = Dossier.objects.select_related("procedure").get(pk=payload["dossier_id"])
    event = DossierEvent.objects.get(pk=payload["event_id"])
    context = {
        "code": dossier.code,
        "applicant_name": dossier.applicant_name,
        "procedure": dossier.procedure.name,
        "due_at": dossier.due_at,
        "new_due_at": dossier.apology_due_at,
        "items": [str(item) for item in dossier.supplement_items or []],
        # The supplement's note repeats the items, which the message lists one per line.
        "note": "" if payload["notice"] == "supplement_requested" else event.note,
        # The result's way back (by post: carrier, tracking number, day sent, address).
        "delivery_address": dossier.delivery_address,
        "postal_carrier": dossier.postal_carrier,
        "postal_tracking": dossier.postal_tracking,
        "postal_sent_on": dossier.postal_sent_on,
        # The citizen's page, on the site's public address (never the application server's).
        "status_url": public_link(reverse("portal:status", args=[dossier.code])),
    }
    for channel, address in citizen_channels(dossier):
        notification_create(
            key=f"citizen:{event.pk}:{channel}",
            event=payload["notice"],
            channel=channel,
            context=context,
            address=address,
            language=settings.LANGUAGE_CODE,
            for_staff=False,
            dossier_id=dossier.pk,
        )
