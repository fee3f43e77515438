"""Writing and delivering notifications (every message a row, each sent once).

:func:`notification_create` is called inside the transaction of what caused the message (a sweep
batch, an outbox delivery, a digest); the row's ``dedupe_key`` is unique, so a cause replayed after
a crash creates nothing new. :func:`notifications_deliver_due` (scheduled every minute and kicked
after each commit that creates messages) claims each due row with a conditional UPDATE, sends it
through its channel and records the provider's id, or the error and the next attempt: 30 s, 1 min,
2 min, … (the outbox's backoff) until :data:`MAX_ATTEMPTS`, then the row is failed and waits for
the desk's re-send button.

Quiet hours: a staff message (not an in-desk notification, never a citizen's) created outside
office hours is held until the next opening of the site calendar (07:30 of the next working day by
default), so officers are not messaged at night or on holidays.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from motcua.core.selectors import site_calendar
from motcua.integrations.outbox import delivery_lease, outbox_backoff
from motcua.jobs.queue import job_enqueue
from motcua.notifications.channels import ChannelError, channel_for, channel_is_idempotent
from motcua.notifications.models import (
    ChannelKind,
    Notification,
    NotificationStatus,
    StaffContact,
)
from motcua.notifications.texts import message_render

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A claimed row left in "sending" longer than the delivery lease (a killed worker; site config
# ``delivery_lease_seconds``, 5 min by default) is tried again.
OUTCOME_UNKNOWN = (
    "Không rõ kết quả: tiến trình gửi dừng giữa chừng và kênh này không chống gửi trùng; "
    "hãy kiểm tra với người nhận rồi gửi lại nếu cần."
)


def next_opening(moment: datetime) -> datetime:
    """Return *moment* if the office is open then, else the start of the next office interval."""
    calendar = site_calendar()
    if calendar.is_office_moment(moment):
        return moment
    day = calendar.local(moment).date()
    for _ in range(400):
        if calendar.is_working_day(day):
            for start, _end in calendar.office_intervals(day):
                if start > moment:
                    return start
        day += timedelta(days=1)
    raise ValueError("the calendar has no office hours in the coming year")


def notification_create(
    *,
    key: str,
    event: str,
    channel: str,
    context: dict,
    recipient=None,
    address: str = "",
    language: str = "vi",
    for_staff: bool = True,
    dossier_id: int | None = None,
    firing_id: int | None = None,
    link: str = "",
    now: datetime | None = None,
) -> Notification | None:
    """Write one message (rendered now) unless *key* was already written; return the new row.

    Must run in the caller's transaction; delivery is queued after the commit.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notification_create must run inside the transaction of its cause")
    if Notification.objects.filter(dedupe_key=key).exists():
        return None
    now = now or timezone.now()
    if not address and recipient is not None:
        address = staff_address(recipient, channel)
    rendered = message_render(event=event, channel=channel, language=language, context=context)
    held = for_staff and channel != ChannelKind.DESK and next_opening(now) > now
    unreachable = channel in (ChannelKind.EMAIL, ChannelKind.SMS, ChannelKind.ZALO) and not address
    if unreachable:
        status = NotificationStatus.FAILED
    else:
        status = NotificationStatus.HELD if held else NotificationStatus.PENDING
    with transaction.atomic():  # a concurrent writer of the same key: keep theirs
        row, created = Notification.objects.get_or_create(
            dedupe_key=key[:160],
            defaults={
                "event": event,
                "channel": channel,
                "recipient": recipient,
                "address": address,
                "language": language,
                "template_id": rendered.template_id,
                "subject": rendered.subject[:200],
                "body": rendered.body,
                "link": link,
                "dossier_id": dossier_id,
                "firing_id": firing_id,
                "for_staff": for_staff,
                "status": status,
                "last_error": "không có địa chỉ nhận" if unreachable else "",
                "next_attempt_at": None if unreachable else (next_opening(now) if held else now),
                "created_at": now,
            },
        )
    if not created:
        return None
    transaction.on_commit(notifications_kick, robust=True)
    return row


def staff_address(user, channel: str) -> str:
    """The address of a staff member on *channel*: the account's e-mail, or the phone / Zalo id
    of their :class:`~motcua.notifications.models.StaffContact` ("" when they gave none)."""
    if channel == ChannelKind.EMAIL:
        return user.email or ""
    if channel not in (ChannelKind.SMS, ChannelKind.ZALO):
        return ""
    from motcua.notifications.models import StaffContact

    row = StaffContact.objects.filter(user=user).values_list("phone", "zalo_user_id").first()
    if row is None:
        return ""
    return row[0] if channel == ChannelKind.SMS else row[1]


def staff_contact_save(*, user, phone: str, zalo_user_id: str, by) -> StaffContact:
    """Set *user*'s SMS phone and Zalo id (by themself or an administrator of their units);
    raises ``ValidationError`` (Vietnamese) on a bad value and saves nothing then."""
    from django.core.exceptions import PermissionDenied

    from motcua.notifications.selectors import staff_editable_by

    if by.pk != user.pk and not staff_editable_by(by).filter(pk=user.pk).exists():
        raise PermissionDenied
    contact = StaffContact.objects.filter(user=user).first() or StaffContact(user=user)
    contact.phone, contact.zalo_user_id = phone, zalo_user_id
    contact.full_clean()
    contact.save()
    return contact


def notifications_kick() -> None:
    job_enqueue(notifications_deliver_due)


def _due_rows(now: datetime) -> Q:
    waiting = Q(status__in=[NotificationStatus.PENDING, NotificationStatus.HELD])
    stale = Q(status=NotificationStatus.SENDING)  # next_attempt_at is the lease's end
    return (waiting | stale) & Q(next_attempt_at__lte=now)


def notifications_deliver_due(batch_size: int = 200) -> dict[str, int]:
    """Send up to *batch_size* due messages; safe to run twice or concurrently."""
    now = timezone.now()
    ids = list(
        Notification.objects.filter(_due_rows(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for pk in ids:
        outcome = notification_deliver(pk)
        if outcome:
            counts[outcome] += 1
    return counts


def notification_deliver(pk: int) -> str | None:
    """Claim and send one message; return "sent", "retry", "failed" or None if not claimed.

    The claim marks the row "sending" and counts the attempt *before* the provider is called, so
    a worker that dies mid-call leaves a trace: after the lease the row is taken up again, and
    sent again only through a channel that de-duplicates (``channel_is_idempotent``); otherwise
    it is failed as "outcome unknown" for the desk's re-send button (see ``channels``).
    """
    claimed_at = timezone.now()
    candidates = Notification.objects.filter(_due_rows(claimed_at), pk=pk)
    row = candidates.first()
    if row is None:
        return None
    interrupted = row.status == NotificationStatus.SENDING
    try:
        channel = channel_for(row.channel)
    except ChannelError:
        channel = None
    if interrupted and (
        (channel is not None and not channel_is_idempotent(channel)) or row.attempts >= MAX_ATTEMPTS
    ):
        unknown = candidates.filter(status=NotificationStatus.SENDING).update(
            status=NotificationStatus.FAILED,
            next_attempt_at=None,
            last_error=OUTCOME_UNKNOWN,
        )
        return "failed" if unknown else None
    claimed = (
        candidates.filter(status=row.status)
        .filter(attempts__lt=MAX_ATTEMPTS)
        .update(
            status=NotificationStatus.SENDING,
            next_attempt_at=claimed_at + delivery_lease(),
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return None
    row.refresh_from_db()
    try:
        if channel is None:
            channel_for(row.channel)  # raises the configuration error
        provider_id = channel.send(row)  # type: ignore[union-attr]
    except ChannelError as exc:
        done = row.attempts >= MAX_ATTEMPTS
        Notification.objects.filter(pk=pk).update(
            last_error=str(exc)[:2000],
            status=NotificationStatus.FAILED if done else NotificationStatus.PENDING,
            next_attempt_at=None if done else timezone.now() + outbox_backoff(row.attempts),
        )
        log.warning(
            "notification %s (%s) failed, attempt %s: %s", pk, row.channel, row.attempts, exc
        )
        return "failed" if done else "retry"
    Notification.objects.filter(pk=pk).update(
        status=NotificationStatus.SENT,
        provider_message_id=provider_id[:120],
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
    )
    return "sent"


def notifications_resend(*, ids) -> int:
    """Put failed messages back on the queue with fresh attempts (the desk's re-send button)."""
    count = Notification.objects.filter(pk__in=ids, status=NotificationStatus.FAILED).update(
        status=NotificationStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if count:
        transaction.on_commit(notifications_kick, robust=True)
    return count


def notifications_mark_read(*, user, ids=None) -> int:
    """Mark the user's desk notifications read (all unread when *ids* is None)."""
    rows = Notification.objects.filter(
        recipient=user, channel=ChannelKind.DESK, read_at__isnull=True
    )
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())
