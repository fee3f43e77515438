"""The SMS channel against a local HTTP gateway: retries with backoff, then failed; ids kept.

Moved here with the channel from motcua's notifications app; the gateway server and the message
builder are the core's (``tests/notifications/test_channels.py``).
"""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction

from motcua.notifications.channels import CHANNELS
from motcua.notifications.services import MAX_ATTEMPTS, notification_deliver, notifications_resend
from tests.notifications.test_channels import OPEN_HOUR, _message

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("sms" not in CHANNELS, reason="the sms_gateway plugin is not enabled"),
]


def test_sms_500_is_retried_with_backoff_then_marked_failed_and_can_be_resent(gateway):
    sms = gateway("sms_gateway_url", [(500, {"error": "busy"})] * MAX_ATTEMPTS)
    row = _message("sms", "0912345678")
    moment = OPEN_HOUR
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with time_machine.travel(moment, tick=False):
            outcome = notification_deliver(row.pk)
        row.refresh_from_db()
        assert row.attempts == attempt and "HTTP 500" in row.last_error
        if attempt < MAX_ATTEMPTS:
            assert outcome == "retry" and row.status == "pending"
            waits.append(row.next_attempt_at - moment)
            with time_machine.travel(moment + timedelta(seconds=1), tick=False):
                assert notification_deliver(row.pk) is None  # not due yet: the backoff holds
            moment = row.next_attempt_at
    assert outcome == "failed" and row.status == "failed" and row.next_attempt_at is None
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert len(sms.requests) == MAX_ATTEMPTS
    headers, body = sms.requests[0]
    assert body == {"to": "0912345678", "text": row.body, "ref": str(row.pk)}
    assert row.body.startswith("Hồ sơ H27-250304-0001 đã có kết quả")

    sms.replies = [(200, {"id": "SMS-77"})]
    with transaction.atomic():
        assert notifications_resend(ids=[row.pk]) == 1
    assert notification_deliver(row.pk) == "sent"
    row.refresh_from_db()
    assert row.status == "sent" and row.provider_message_id == "SMS-77"


def test_sms_200_records_the_providers_id_and_is_sent_once(gateway):
    sms = gateway("sms_gateway_url", [(200, {"id": "SMS-1"})])
    row = _message("sms", "0912345678")
    with time_machine.travel(OPEN_HOUR, tick=False):
        assert notification_deliver(row.pk) == "sent"
        assert notification_deliver(row.pk) is None
    row.refresh_from_db()
    assert (row.status, row.provider_message_id, row.attempts) == ("sent", "SMS-1", 1)
    assert len(sms.requests) == 1
    assert _message("sms", "0912345678") is None  # the same key never makes a second message


def test_sms_is_offered_to_citizens_only_where_the_site_names_a_gateway(monkeypatch):
    from django.conf import settings

    from motcua.notifications.channels import channel_available

    monkeypatch.delitem(settings.SITE.extra, "sms_gateway_url", raising=False)
    assert not channel_available("sms")
    monkeypatch.setitem(settings.SITE.extra, "sms_gateway_url", "http://127.0.0.1:9/send")
    assert channel_available("sms")
