"""The desk side: bell and notifications page, the dossier page's panel, monitoring, health."""

import pytest
import time_machine
from django.test import Client

from motcua.jobs.sweep import due_sweep
from motcua.notifications.models import Notification
from tests.dossiers.conftest import at
from tests.notifications.conftest import act

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "vi"
    return client


def test_the_bell_counts_unread_and_the_page_marks_them_read(world, received, ladder):
    act(at(2025, 4, 28, 17, 30), due_sweep)  # due soon: chuyenvien1 is told in the desk
    client = login(world.users.spec1)
    page = client.get("/desk/")
    assert 'data-unread="1"' in page.content.decode()
    inbox = client.get("/desk/notifications/")
    assert inbox.status_code == 200
    html = inbox.content.decode()
    assert "sắp đến hạn" in html and received.code in html
    assert client.post("/desk/notifications/read/").status_code == 302
    assert 'data-unread="0"' in client.get("/desk/").content.decode()
    assert Notification.objects.get(channel="desk").read_at is not None


def test_the_dossier_page_shows_who_was_told_when_and_how(world, received, ladder):
    act(at(2025, 4, 29, 17, 30), due_sweep)
    with time_machine.travel(at(2025, 4, 29, 17, 35), tick=False):
        html = login(world.users.leader).get(f"/desk/dossiers/{received.pk}/").content.decode()
    assert 'data-due-state="overdue"' in html
    assert 'data-firing="overdue"' in html and 'data-firing="due_soon"' in html
    assert "Thư điện tử" in html and "Giữ lại ngoài giờ hành chính" in html


def test_monitoring_is_for_administrators_and_health_follows_the_sweep(world, settings):
    settings.MOTCUA_JOBS_INLINE = True
    assert login(world.users.spec1).get("/desk/jobs/").status_code == 403
    page = login(world.users.admin).get("/desk/jobs/")
    assert page.status_code == 200 and 'data-sweep-stale="1"' in page.content.decode()

    assert Client().get("/health/jobs/").status_code == 503  # no sweep has run yet
    due_sweep()
    response = Client().get("/health/jobs/")
    assert response.status_code == 200
    assert response.json()["ok"] is True and response.json()["last_sweep"]
    assert 'data-sweep-stale="0"' in login(world.users.admin).get("/desk/jobs/").content.decode()


def test_an_overlapping_sweep_does_nothing(world, received, ladder):
    from datetime import timedelta

    from motcua.jobs.locks import lease_release, lease_take

    token = lease_take("due_sweep", lease=timedelta(minutes=2))
    assert act(at(2025, 4, 29, 17, 30), due_sweep) == {"skipped": True}
    lease_release("due_sweep", token)
    assert act(at(2025, 4, 29, 17, 30), due_sweep)["changed"] == 2  # the dossier and its step
