"""Side effects of dossier events, run after commit: never inside the change.

The applicant is told by e-mail when something needs them or their result is ready. Channels
(SMS, Zalo, national portal sync) plug in here when the integrations issue lands; each effect runs
as a job (inline on the embedded default) so a slow mail server never blocks an officer.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.utils.translation import gettext as _

from motcua.core.lifecycle import LIFECYCLE
from motcua.jobs.queue import job_enqueue

log = logging.getLogger(__name__)

#: What the applicant is e-mailed about an event, from the lifecycle declarations.
_APPLICANT_MESSAGES = {
    action: rule.applicant_message
    for action, rule in LIFECYCLE.items()
    if rule.applicant_message is not None
}


#: Outbox topic of effects the queue could not take at commit time (retried with backoff).
EFFECTS_RETRY_TOPIC = "dossier.event_effects"


def dossier_event_effects(*, event_id: int) -> None:
    """Queue the side effects of one event (called from ``transaction.on_commit``); never raise.

    The change is committed when this runs: an error here must not reach the officer as a server
    error (they would enter the dossier again). A failure (the queue or the database unavailable,
    an inline job failing) is logged and the effects are left in the outbox, which retries them.
    """
    try:
        job_enqueue(notify_applicant, event_id)
    except Exception:
        log.exception("effects of dossier event %s failed; left in the outbox for retry", event_id)
        _effects_retry_later(event_id)


def _effects_retry_later(event_id: int) -> None:
    from django.utils import timezone

    from motcua.integrations.models import OutboxMessage

    try:
        OutboxMessage.objects.create(
            topic=EFFECTS_RETRY_TOPIC,
            payload={"event_id": event_id},
            next_attempt_at=timezone.now(),
        )
    except Exception:
        log.exception("effects of dossier event %s could not be queued for retry", event_id)


def effects_retry(message) -> None:
    """Outbox handler of :data:`EFFECTS_RETRY_TOPIC`: run the effects now; raise to retry."""
    notify_applicant(message.payload["event_id"])


def notify_applicant(event_id: int) -> bool:
    """E-mail the applicant about an event that concerns them; return whether a mail was sent."""
    from motcua.dossiers.models import DossierEvent

    event = DossierEvent.objects.select_related("dossier").filter(pk=event_id).first()
    if (
        event is None
        or event.action not in _APPLICANT_MESSAGES
        or not event.dossier.applicant_email
    ):
        return False
    body = _APPLICANT_MESSAGES[event.action] % {"code": event.dossier.code, "note": event.note}
    try:
        send_mail(
            _("Thông báo hồ sơ %(code)s") % {"code": event.dossier.code},
            body,
            None,
            [event.dossier.applicant_email],
        )
    except OSError:
        log.exception("could not e-mail the applicant of %s", event.dossier.code)
        return False
    return True
