"""The outbox (docs/architecture.md, Jobs): messages written with the change, delivered later with retries.

A service that must tell another system about a change calls :func:`outbox_emit` inside the
transaction of that change, so the message exists if and only if the change committed. The
scheduled job :func:`outbox_deliver_due` (``motcua.jobs.schedule``, every minute; also kicked after
each commit that emits) hands each due message to the handler registered for its topic.

Delivery is at least once: a message is claimed with a conditional UPDATE (no lock held while the
handler talks to the outside world); a worker that dies mid-delivery leaves the claim to expire and
the message is tried again, so handlers must be idempotent (use ``message.pk`` as the key). A
failing handler does not stop the batch; its message is retried after an exponential backoff
(30 s, 1 min, 2 min, … at most 6 h) until :data:`MAX_ATTEMPTS`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from motcua.core.rows_update import rows_insert
from motcua.integrations.models import OutboxMessage
from motcua.jobs.queue import job_enqueue

log = logging.getLogger(__name__)

Handler = Callable[[OutboxMessage], None]

#: topic → handler; filled by :func:`outbox_handler` when ``motcua.integrations`` is ready.
HANDLERS: dict[str, Handler] = {}

BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=6)
MAX_ATTEMPTS = 20
#: How long a claimed message is left alone before another run may take it again (the default of
#: the site config's ``delivery_lease_seconds``, :func:`delivery_lease`).
LEASE = timedelta(minutes=5)


def delivery_lease() -> timedelta:
    """The claim's lease: a run killed mid-delivery leaves its messages to the next run after it."""
    from django.conf import settings

    return timedelta(
        seconds=getattr(settings, "MOTCUA_DELIVERY_LEASE_SECONDS", LEASE.total_seconds())
    )


def outbox_handler(topic: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of *topic* (one handler per topic)."""

    def register(func: Handler) -> Handler:
        if topic in HANDLERS and HANDLERS[topic] is not func:
            raise ValueError(f"outbox topic {topic!r} already has a handler")
        HANDLERS[topic] = func
        return func

    return register


def outbox_emit(*, topic: str, payload: dict) -> OutboxMessage:
    """Write a message in the caller's transaction; it is delivered after the commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_emit must run inside the transaction of the change it reports")
    message = OutboxMessage.objects.create(
        topic=topic, payload=payload, next_attempt_at=timezone.now()
    )
    # robust: a delivery problem is the outbox's business, never the committed change's.
    transaction.on_commit(outbox_kick, robust=True)
    return message


def outbox_emit_many(*, topic: str, payloads: list[dict]) -> None:
    """Write several messages of one topic in one INSERT (no model instances), in the caller's
    transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_emit must run inside the transaction of the change it reports")
    now = timezone.now()
    rows_insert(
        OutboxMessage,
        ("topic", "payload", "created_at", "next_attempt_at"),
        [(topic, payload, now, now) for payload in payloads],
    )
    transaction.on_commit(outbox_kick, robust=True)


def outbox_kick() -> None:
    """Queue a delivery run now instead of waiting for the next minute."""
    job_enqueue(outbox_deliver_due)


def outbox_backoff(attempts: int) -> timedelta:
    """Return the wait before attempt ``attempts + 1``: 30 s doubled each time, at most 6 h."""
    return min(BASE_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)


def outbox_deliver_due(batch_size: int = 100) -> dict[str, int]:
    """Deliver up to *batch_size* due messages; return how many were delivered and failed.

    Safe to run twice or concurrently: a message is handled only by the run that claimed it.
    """
    now = timezone.now()
    ids = list(
        OutboxMessage.objects.filter(delivered_at__isnull=True, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    counts = {"delivered": 0, "failed": 0}
    for pk in ids:
        outcome = _deliver_one(pk)
        if outcome:
            counts[outcome] += 1
    return counts


def _deliver_one(pk: int) -> str | None:
    claimed_at = timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=pk, delivered_at__isnull=True, next_attempt_at__lte=claimed_at
    ).update(next_attempt_at=claimed_at + delivery_lease())
    if not claimed:  # delivered meanwhile, or another run holds it
        return None
    message = OutboxMessage.objects.get(pk=pk)
    try:
        handler = HANDLERS.get(message.topic)
        if handler is None:
            raise LookupError(f"no handler registered for topic {message.topic!r}")
        with transaction.atomic():  # the handler's own writes roll back if it fails
            handler(message)
    except Exception as exc:  # per-message isolation: one bad message never stops the batch
        attempts = message.attempts + 1
        failed_at = timezone.now()
        retry_at = failed_at + outbox_backoff(attempts) if attempts < MAX_ATTEMPTS else None
        OutboxMessage.objects.filter(pk=pk).update(
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=retry_at,
        )
        log.warning(
            "outbox message %s (%s) failed, attempt %s; next try %s",
            pk,
            message.topic,
            attempts,
            retry_at or "never",
            exc_info=True,
        )
        return "failed"
    OutboxMessage.objects.filter(pk=pk).update(
        attempts=F("attempts") + 1,
        delivered_at=timezone.now(),
        last_error="",
        next_attempt_at=None,
    )
    return "delivered"
