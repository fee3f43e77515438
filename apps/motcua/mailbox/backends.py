"""The site's e-mail backend: keep every message, deliver by SMTP when a host is configured."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

from motcua.mailbox.models import OutgoingMail

log = logging.getLogger(__name__)


def _text(message) -> str:
    """The plain-text body, with the HTML alternative appended when there is one."""
    body = message.body or ""
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html" and not body:
            body = str(content)
    return body


def mail_leaves_the_site() -> bool:
    """Whether a sent message reaches its recipient (False: it is only kept for the desk page).

    Only the site's own backend without a mail host keeps messages; any other configured backend
    (SMTP, or another a deployment chose) is taken to deliver.
    """
    ours = f"{__name__}.MailboxBackend" == settings.EMAIL_BACKEND
    return not ours or bool(getattr(settings, "MOTCUA_MAIL_DELIVER", False))


class MailboxBackend(BaseEmailBackend):
    """Record each message as an :class:`OutgoingMail`; send it when ``MOTCUA_MAIL_DELIVER``.

    ``send_messages`` returns how many were *delivered* (or kept, on a site without a mail host),
    so a caller that checks the result never tells a person a message went out when it did not.
    A failed delivery is kept with its error and raises unless ``fail_silently``.
    """

    def send_messages(self, email_messages) -> int:
        deliver = getattr(settings, "MOTCUA_MAIL_DELIVER", False)
        done = 0
        for message in email_messages:
            row = OutgoingMail(
                from_address=message.from_email or settings.DEFAULT_FROM_EMAIL,
                to=", ".join(message.recipients()),
                subject=str(message.subject)[:998],
                body=_text(message),
                outcome=OutgoingMail.Outcome.KEPT,
            )
            error: Exception | None = None
            if deliver:
                try:
                    sent = SmtpBackend(fail_silently=False).send_messages([message])
                except OSError as exc:  # refused, timed out, rejected (SMTPException is OSError)
                    error = exc
                    sent = 0
                row.outcome = OutgoingMail.Outcome.SENT if sent else OutgoingMail.Outcome.FAILED
                row.error = "" if sent else str(error or "not sent")
            row.save()
            if row.outcome == OutgoingMail.Outcome.FAILED:
                log.warning("mail to %s not delivered: %s", row.to, row.error)
                if not self.fail_silently:
                    raise error or OSError(row.error)
                continue
            done += 1
        return done
