"""Once a reception commits, the officer sees its code; what it queues for later is retried."""

import pytest
import time_machine

from motcua.dossiers.models import Dossier
from motcua.integrations.models import OutboxMessage
from motcua.integrations.outbox import outbox_deliver_due
from tests.desk.test_counter import MONDAY, _form

# Real commits: the effects run after COMMIT, as in production (not inside a test transaction);
# ``serialized_rollback`` restores the migrations' data (role groups) that the flush removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def queue_down(settings, monkeypatch):
    """Jobs go to a Redis that refuses connections (a real refusal: nothing listens there)."""
    from django_rq.settings import QUEUES

    settings.MOTCUA_JOBS_INLINE = False
    monkeypatch.setitem(QUEUES["default"], "URL", "redis://127.0.0.1:9/0")


def test_a_failing_effect_after_commit_never_answers_500(world, client, queue_down):
    # given: the job queue is down when the reception commits
    client.force_login(world.users.reception)
    # when: a dossier is received and its after-commit effects run
    with time_machine.travel(MONDAY, tick=False):
        response = client.post("/desk/receive/", _form(world))
    # then: the officer is sent to the dossier, with its code
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response.url == f"/desk/dossiers/{dossier.pk}/"
    page = client.get(response.url).content.decode()
    assert f"Đã tiếp nhận hồ sơ {dossier.code}" in page
    # and the applicant's receipt, written in the same transaction, waits in the outbox
    notice = OutboxMessage.objects.get(topic="citizen.notice")
    assert notice.payload["event_id"] in set(dossier.events.values_list("pk", flat=True))
    assert notice.delivered_at is None


def test_the_retried_effect_is_delivered_once_the_cause_is_gone(
    world, client, queue_down, settings
):
    client.force_login(world.users.reception)
    with time_machine.travel(MONDAY, tick=False):
        client.post("/desk/receive/", _form(world))
    # the worker (jobs run in-process there) delivers the waiting notice, once
    settings.MOTCUA_JOBS_INLINE = True
    result = outbox_deliver_due()
    assert result["delivered"] >= 1
    assert OutboxMessage.objects.get(topic="citizen.notice").delivered_at is not None
    assert outbox_deliver_due()["delivered"] == 0
