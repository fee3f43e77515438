"""Zalo OA API as a local HTTP server: retries with backoff, then failed; ids kept (SMS: plugins/sms_gateway)."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.conf import settings
from django.db import transaction

from motcua.notifications.models import Notification
from motcua.notifications.services import (
    notification_create,
    notification_deliver,
)
from tests.dossiers.conftest import at

pytestmark = pytest.mark.django_db

OPEN_HOUR = at(2025, 3, 4, 9, 0)  # a Tuesday, office open


class Gateway:
    """A tiny HTTP service answering with a queue of (status, json) replies; records requests."""

    def __init__(self, replies):
        self.replies = list(replies)
        self.requests = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append(
                    ({k.lower(): v for k, v in self.headers.items()}, json.loads(body))
                )
                status, answer = gateway.replies.pop(0) if gateway.replies else (500, {})
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(monkeypatch):
    made = []

    def make(key, replies):
        g = Gateway(replies)
        monkeypatch.setitem(settings.SITE.extra, key, g.url)
        made.append(g)
        return g

    yield make
    for g in made:
        g.close()


def _message(channel, address, key="t1"):
    with time_machine.travel(OPEN_HOUR, tick=False), transaction.atomic():
        return notification_create(
            key=key,
            event="result_ready",
            channel=channel,
            address=address,
            for_staff=False,
            context={"code": "H27-250304-0001", "applicant_name": "Bình", "procedure": "GPXD"},
        )


def test_zalo_error_then_success_records_the_message_id(gateway, monkeypatch):
    monkeypatch.setitem(settings.SITE.extra, "zalo_access_token", "tok-123")
    zalo = gateway(
        "zalo_api_url",
        [(500, {}), (200, {"error": 0, "message": "Success", "data": {"message_id": "zl-9"}})],
    )
    row = _message("zalo", "2512523625412515")
    with time_machine.travel(OPEN_HOUR, tick=False):
        assert notification_deliver(row.pk) == "retry"
    with time_machine.travel(OPEN_HOUR + timedelta(seconds=31), tick=False):
        assert notification_deliver(row.pk) == "sent"
    row.refresh_from_db()
    assert (row.status, row.provider_message_id, row.attempts) == ("sent", "zl-9", 2)
    headers, body = zalo.requests[-1]
    assert headers["access_token"] == "tok-123"
    assert body["recipient"] == {"user_id": "2512523625412515"}


def test_zalo_500s_back_off_then_the_message_is_failed(gateway, monkeypatch):
    """Every attempt answered 500: waits of 30 s doubling, then failed after the last one."""
    from motcua.notifications.services import MAX_ATTEMPTS

    monkeypatch.setitem(settings.SITE.extra, "zalo_access_token", "tok-123")
    zalo = gateway("zalo_api_url", [(500, {})] * MAX_ATTEMPTS)
    row = _message("zalo", "2512523625412515")
    moments = [OPEN_HOUR]
    outcomes = []
    while len(outcomes) < MAX_ATTEMPTS:
        with time_machine.travel(moments[-1], tick=False):
            outcomes.append(notification_deliver(row.pk))
        row.refresh_from_db()
        if row.next_attempt_at is not None:
            moments.append(row.next_attempt_at)
    waits = [(b - a).total_seconds() for a, b in zip(moments, moments[1:], strict=False)]
    assert outcomes == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed"]
    assert waits == [30 * 2**k for k in range(MAX_ATTEMPTS - 1)]
    assert (row.status, row.attempts, row.provider_message_id) == ("failed", MAX_ATTEMPTS, "")
    assert len(zalo.requests) == MAX_ATTEMPTS


def test_zalo_api_error_code_in_a_200_is_a_failure(gateway):
    gateway("zalo_api_url", [(200, {"error": -216, "message": "Access token is invalid"})])
    row = _message("zalo", "2512523625412515")
    with time_machine.travel(OPEN_HOUR, tick=False):
        assert notification_deliver(row.pk) == "retry"
    row.refresh_from_db()
    assert "-216" in row.last_error and row.provider_message_id == ""


def test_a_desk_template_replaces_the_shipped_text_and_is_sandboxed():
    from django.core.exceptions import ValidationError

    from motcua.notifications.models import NotificationTemplate

    for bad in ("{{ code.__class__ }}", "{% load static %}", "{% include 'x.html' %}"):
        with pytest.raises(ValidationError):
            NotificationTemplate(
                event="result_ready", channel="email", language="vi", body=bad
            ).full_clean()
    NotificationTemplate.objects.create(
        event="result_ready",
        channel="email",
        language="vi",
        subject="KQ {{ code }}",
        body="Xin chào {{ applicant_name }}",
    )
    with time_machine.travel(OPEN_HOUR, tick=False), transaction.atomic():
        row = notification_create(
            key="tpl",
            event="result_ready",
            channel="email",
            address="a@b.vn",
            for_staff=False,
            context={"code": "X-1", "applicant_name": "<b>Bình</b>", "procedure": "GPXD"},
        )
    assert row.subject == "KQ X-1"
    assert row.body == "Xin chào <b>Bình</b>"  # plain text: the name as typed
    assert Notification.objects.get(pk=row.pk).template_id is not None
