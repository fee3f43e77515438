"""The outbox: written in the change's transaction, delivered with retries, backoff, isolation."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from motcua.integrations import outbox
from motcua.integrations.models import OutboxMessage
from motcua.integrations.outbox import outbox_deliver_due, outbox_emit
from motcua.jobs.schedule import SCHEDULE
from tests.builders import at

pytestmark = pytest.mark.django_db

T0 = at(2025, 3, 3, 9, 0)


class Flaky:
    """A handler that fails *failures* times, then succeeds; records what it was given."""

    def __init__(self, failures: int = 0):
        self.failures = failures
        self.calls: list[int] = []

    def __call__(self, message):
        self.calls.append(message.pk)
        if len(self.calls) <= self.failures:
            raise ConnectionError("cổng quốc gia không phản hồi")


@pytest.fixture
def handler(monkeypatch):
    def install(topic: str, failures: int = 0) -> Flaky:
        flaky = Flaky(failures)
        monkeypatch.setitem(outbox.HANDLERS, topic, flaky)
        return flaky

    return install


def emit(topic: str = "test.topic", **payload) -> OutboxMessage:
    with transaction.atomic():
        return outbox_emit(topic=topic, payload=payload)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_emit_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        outbox_emit(topic="test.topic", payload={})


def test_a_rolled_back_change_leaves_no_message():
    def change():
        with transaction.atomic():
            outbox_emit(topic="test.topic", payload={})
            raise ValueError("the change failed")

    with pytest.raises(ValueError, match="the change failed"):
        change()
    assert not OutboxMessage.objects.exists()


def test_a_succeeding_handler_marks_the_message_delivered(handler):
    flaky = handler("test.topic")
    with time_machine.travel(T0, tick=False):
        message = emit(n=1)
        assert outbox_deliver_due() == {"delivered": 1, "failed": 0}

    message.refresh_from_db()
    assert message.delivered_at == T0 and message.attempts == 1
    assert message.next_attempt_at is None and message.last_error == ""
    assert flaky.calls == [message.pk]


def test_running_twice_delivers_once(handler):
    flaky = handler("test.topic")
    with time_machine.travel(T0, tick=False):
        emit()
        outbox_deliver_due()
        assert outbox_deliver_due() == {"delivered": 0, "failed": 0}
    assert len(flaky.calls) == 1


def test_a_failing_handler_is_retried_with_exponential_backoff(handler):
    flaky = handler("test.topic", failures=3)
    with time_machine.travel(T0, tick=False) as clock:
        message = emit()

        # attempt 1 fails: next try in 30 s
        assert outbox_deliver_due() == {"delivered": 0, "failed": 1}
        message.refresh_from_db()
        assert message.attempts == 1 and message.delivered_at is None
        assert message.next_attempt_at == T0 + timedelta(seconds=30)
        assert "ConnectionError: cổng quốc gia không phản hồi" in message.last_error

        # not due yet: nothing happens
        clock.shift(timedelta(seconds=29))
        assert outbox_deliver_due() == {"delivered": 0, "failed": 0}

        # attempt 2 at +30 s fails: next in 60 s; attempt 3 fails: next in 120 s
        clock.shift(timedelta(seconds=1))
        outbox_deliver_due()
        message.refresh_from_db()
        assert message.attempts == 2
        assert message.next_attempt_at == timezone.now() + timedelta(seconds=60)
        clock.shift(timedelta(seconds=60))
        outbox_deliver_due()
        message.refresh_from_db()
        assert message.attempts == 3
        assert message.next_attempt_at == timezone.now() + timedelta(seconds=120)

        # attempt 4 succeeds
        clock.shift(timedelta(seconds=120))
        assert outbox_deliver_due() == {"delivered": 1, "failed": 0}
        message.refresh_from_db()
        assert message.attempts == 4 and message.delivered_at == timezone.now()
        assert message.last_error == "" and message.next_attempt_at is None
    assert len(flaky.calls) == 4


def test_backoff_is_capped_and_attempts_end():
    assert outbox.outbox_backoff(1) == timedelta(seconds=30)
    assert outbox.outbox_backoff(5) == timedelta(minutes=8)
    assert outbox.outbox_backoff(30) == timedelta(hours=6)


def test_after_the_last_attempt_the_message_is_left_for_a_person(handler):
    handler("test.topic", failures=100)
    with time_machine.travel(T0, tick=False):
        message = emit()
        OutboxMessage.objects.filter(pk=message.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
        outbox_deliver_due()
    message.refresh_from_db()
    assert message.attempts == outbox.MAX_ATTEMPTS
    assert message.next_attempt_at is None and message.delivered_at is None


def test_one_failing_message_does_not_stop_the_batch(handler):
    handler("test.bad", failures=100)
    good = handler("test.good")
    with time_machine.travel(T0, tick=False):
        bad_message = emit("test.bad")
        good_message = emit("test.good")
        assert outbox_deliver_due() == {"delivered": 1, "failed": 1}
    good_message.refresh_from_db()
    bad_message.refresh_from_db()
    assert good_message.delivered_at is not None
    assert bad_message.delivered_at is None and bad_message.attempts == 1
    assert good.calls == [good_message.pk]


def test_a_topic_without_handler_is_retried_not_lost():
    with time_machine.travel(T0, tick=False):
        message = emit("nobody.listens")
        assert outbox_deliver_due() == {"delivered": 0, "failed": 1}
    message.refresh_from_db()
    assert "no handler registered" in message.last_error
    assert message.next_attempt_at == T0 + timedelta(seconds=30)


def test_a_failing_handler_s_own_writes_roll_back(monkeypatch):
    def writes_then_fails(message):
        OutboxMessage.objects.create(topic="side.effect", payload={})
        raise RuntimeError("boom")

    monkeypatch.setitem(outbox.HANDLERS, "test.topic", writes_then_fails)
    with time_machine.travel(T0, tick=False):
        emit()
        outbox_deliver_due()
    assert not OutboxMessage.objects.filter(topic="side.effect").exists()


def test_a_message_claimed_by_another_run_is_skipped(handler):
    flaky = handler("test.topic")
    with time_machine.travel(T0, tick=False) as clock:
        message = emit()
        # another worker claimed it a moment ago (its lease moves the next attempt on)
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=T0 + outbox.LEASE)
        assert outbox_deliver_due() == {"delivered": 0, "failed": 0}
        # that worker died: after the lease the message is delivered
        clock.shift(outbox.LEASE)
        assert outbox_deliver_due() == {"delivered": 1, "failed": 0}
    assert flaky.calls == [message.pk]


def test_batches_take_the_oldest_due_first(handler):
    flaky = handler("test.topic")
    with time_machine.travel(T0, tick=True):
        first, second, third = emit(), emit(), emit()
        assert outbox_deliver_due(batch_size=2) == {"delivered": 2, "failed": 0}
        assert flaky.calls == [first.pk, second.pk]
        outbox_deliver_due(batch_size=2)
    assert flaky.calls == [first.pk, second.pk, third.pk]


def test_payment_paid_is_handled_by_a_logging_handler(caplog):
    with time_machine.travel(T0, tick=False):
        emit(
            "payment.paid",
            order_ref="R1",
            dossier_code="000.00.31.H27-250303-0001",
            amount="1500000",
            provider="vnpay",
        )
        with caplog.at_level(logging.INFO, logger="motcua.integrations.handlers"):
            assert outbox_deliver_due() == {"delivered": 1, "failed": 0}
    assert "R1" in caplog.text and "000.00.31.H27-250303-0001" in caplog.text


def test_emit_kicks_a_delivery_after_commit(handler, django_capture_on_commit_callbacks):
    flaky = handler("test.topic")
    with django_capture_on_commit_callbacks(execute=True):
        message = emit()
    assert flaky.calls == [message.pk]


def test_delivery_is_in_the_one_schedule():
    job = next(job for job in SCHEDULE if job.name == "outbox_deliver")
    assert job.func == "motcua.integrations.outbox.outbox_deliver_due"
    assert job.cron == "* * * * *"
