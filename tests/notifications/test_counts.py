"""The worklist and the desk's dossier list show the counts of a direct query of the due states."""

import pytest
import time_machine

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import worklist
from motcua.jobs.sweep import due_sweep
from tests.dossiers.conftest import at
from tests.notifications.conftest import act
from tests.notifications.conftest import receive as receive_at

pytestmark = pytest.mark.django_db

NOW = at(2025, 3, 13, 10, 0)  # Thu; step 1 lasts 8 working days


@pytest.fixture
def board(world, applicant, documents):
    def receive(moment):
        return receive_at(world, applicant, documents, moment)

    overdue = [receive(at(2025, 2, 25, 9, 0)), receive(at(2025, 2, 26, 9, 0))]
    due_soon = [receive(at(2025, 3, 4, 9, 0))]
    in_time = [receive(at(2025, 3, 10, 9, 0)), receive(at(2025, 3, 11, 9, 0))]
    paused = receive(at(2025, 3, 11, 10, 0))
    act(
        at(2025, 3, 12, 9, 0),
        services.dossier_request_supplement,
        dossier=paused,
        user=paused.current_step.assignee,
        items=["Bản vẽ"],
    )
    closed = receive(at(2025, 3, 11, 11, 0))
    act(
        at(2025, 3, 12, 9, 0),
        services.dossier_refuse,
        dossier=closed,
        user=closed.current_step.assignee,
        reason="Không đủ điều kiện",
    )
    return overdue, due_soon, in_time


def test_worklist_and_desk_list_counts_equal_the_persisted_states(world, board, client):
    act(NOW, due_sweep)
    persisted = {
        state: Dossier.objects.filter(due_state=state).count()
        for state in ("overdue", "due_soon", "in_time", "paused", "")
    }
    assert persisted == {"overdue": 2, "due_soon": 1, "in_time": 2, "paused": 1, "": 1}

    with time_machine.travel(NOW, tick=False):
        counts = worklist(user=world.users.leader).counts()
    assert counts["overdue"] == persisted["overdue"]
    assert counts["due_soon"] + counts["due_today"] == persisted["due_soon"]
    assert counts["in_time"] == persisted["in_time"]
    assert counts["paused"] == persisted["paused"]

    client.force_login(world.users.admin)  # administrator of the province: sees every dossier
    for state in ("overdue", "due_soon", "in_time", "paused"):
        with time_machine.travel(NOW, tick=False):
            response = client.get("/admin/dossiers/dossier/", {"due_state": state})
        assert response.status_code == 200
        assert response.context["cl"].result_count == persisted[state], state
