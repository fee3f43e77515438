"""Intake of online submissions: accept (the clock starts), refuse with a reason, or supplement."""

import pytest
import time_machine

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import Status
from tests.builders import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world, applicant, documents):
    with time_machine.travel(at(2025, 3, 2, 21, 0), tick=False):  # Sunday evening, online
        return services.dossier_submit_online(
            procedure=world.procedure,
            unit=world.units.d,
            applicant=applicant,
            documents=documents,
            user=world.users.citizen,
        )


def _act(dossier, action):
    return f"/desk/dossiers/{dossier.pk}/act/{action}/"


def test_the_queue_lists_online_submissions_with_their_buttons(world, submitted, login):
    response = login(world.users.reception).get("/desk/intake/")
    assert response.status_code == 200
    html = response.content.decode()
    assert submitted.code in html and "02/03/2025 21:00" in html
    assert f'href="{_act(submitted, "accept")}"' in html
    assert f'href="{_act(submitted, "refuse_intake")}"' in html
    assert f'href="{_act(submitted, "request_supplement")}"' in html


def test_the_queue_is_scoped(world, submitted, login):
    response = login(world.users.other_spec).get("/desk/intake/")
    assert submitted.code not in response.content.decode()
    html = login(world.users.spec1).get("/desk/intake/").content.decode()
    assert submitted.code in html and f'href="{_act(submitted, "accept")}"' not in html


def test_accepting_from_the_queue_asks_for_confirmation_first(world, submitted, login):
    client = login(world.users.reception)
    queue = client.get("/desk/intake/").content.decode()
    assert f'action="{_act(submitted, "accept")}"' not in queue  # no one-click accept
    confirm = client.get(_act(submitted, "accept"))
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert f'action="{_act(submitted, "accept")}"' in page and submitted.code in page


def test_accepting_starts_the_clock(world, submitted, login):
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        response = login(world.users.reception).post(
            _act(submitted, "accept"), {"version": submitted.version}
        )
    assert response.status_code == 302
    dossier = Dossier.objects.get(pk=submitted.pk)
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.received_at == at(2025, 3, 3, 9, 0)
    assert dossier.due_at == at(2025, 3, 24, 17, 0)
    assert dossier.current_step.name == "Thẩm định hồ sơ"


def test_refusing_needs_a_reason(world, submitted, login):
    client = login(world.users.reception)
    response = client.post(_act(submitted, "refuse_intake"), {"version": submitted.version})
    assert response.status_code == 400
    assert Dossier.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    response = client.post(
        _act(submitted, "refuse_intake"),
        {"version": submitted.version, "reason": "Không thuộc thẩm quyền"},
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(pk=submitted.pk)
    assert dossier.status == Status.REJECTED
    assert dossier.events.last().note == "Không thuộc thẩm quyền"


def test_a_supplement_can_be_requested_at_intake(world, submitted, login):
    page = login(world.users.reception).get(_act(submitted, "request_supplement"))
    assert page.status_code == 200
    response = login(world.users.reception).post(
        _act(submitted, "request_supplement"),
        {"version": submitted.version, "items": "Bản vẽ mặt bằng\nGiấy tờ đất"},
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(pk=submitted.pk)
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert dossier.supplement_items == ["Bản vẽ mặt bằng", "Giấy tờ đất"]
