"""The worklist: open dossiers grouped by urgency, with counts; leaders see sub-units and filter.

Default calendar (Mon–Fri, 8 office hours a day, no holidays); "now" is Thu 13 March 2025 10:00.
Step 1 ("Thẩm định hồ sơ") lasts 8 working days, so its due moment sets each dossier's group.
"""

import pytest
import time_machine

from motcua.dossiers import services
from tests.builders import at
from tests.desk.conftest import receive

pytestmark = pytest.mark.django_db

NOW = at(2025, 3, 13, 10, 0)


@pytest.fixture
def board(world, applicant, documents):
    """One dossier per group at NOW; the values are the dossiers."""
    overdue = receive(world, applicant, documents, at(2025, 2, 25, 9, 0))  # step due Fri 7/3
    due_today = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))  # step due Thu 13/3
    due_soon = receive(world, applicant, documents, at(2025, 3, 4, 9, 0))  # step due Fri 14/3
    in_time = receive(world, applicant, documents, at(2025, 3, 10, 9, 0))  # step due Thu 20/3
    paused = receive(world, applicant, documents, at(2025, 3, 11, 9, 0))
    with time_machine.travel(at(2025, 3, 12, 9, 0), tick=False):
        paused = services.dossier_request_supplement(
            dossier=paused, user=paused.current_step.assignee, items=["Bản vẽ mặt cắt"]
        )
    return {
        "overdue": overdue,
        "due_today": due_today,
        "due_soon": due_soon,
        "in_time": in_time,
        "paused": paused,
    }


def _codes(response, group):
    for key, _label, rows in response.context["sections"]:
        if key == group:
            return {d.code for d in rows}
    raise AssertionError(group)


def test_dossiers_are_grouped_by_urgency_with_counts(world, board, login):
    # when
    with time_machine.travel(NOW, tick=False):
        response = login(world.users.leader).get("/desk/")
    # then
    assert response.status_code == 200
    assert response.context["counts"] == {
        "overdue": 1,
        "due_today": 1,
        "due_soon": 1,
        "in_time": 1,
        "paused": 1,
    }
    for group, dossier in board.items():
        assert _codes(response, group) == {dossier.code}
    html = response.content.decode()
    assert 'data-count="overdue">1<' in html
    # the step deadline and the overall deadline are on the row
    assert "07/03/2025 17:00" in html  # step 1 due of the overdue dossier
    assert "18/03/2025 17:00" in html  # its overall due (15 working days after Tue 25/2)


def test_a_leader_filters_by_officer(world, board, login):
    spec1 = world.users.spec1
    mine = {
        d.code
        for d in board.values()
        if d.current_step.assignee_id == spec1.pk and d.status != "supplement_requested"
    }
    with time_machine.travel(NOW, tick=False):
        response = login(world.users.leader).get("/desk/", {"officer": spec1.pk})
    assert response.status_code == 200
    shown = set().union(
        *(_codes(response, g) for g in ("overdue", "due_today", "due_soon", "in_time"))
    )
    assert shown == mine and mine


def test_the_city_leader_sees_the_district_and_filters_by_unit(world, board, login):
    client = login(world.users.city_leader)
    with time_machine.travel(NOW, tick=False):
        everything = client.get("/desk/")
        lechan = client.get("/desk/", {"unit": world.units.d2.pk})
    assert sum(everything.context["counts"].values()) == 5
    assert sum(lechan.context["counts"].values()) == 0


def test_an_officer_of_another_unit_sees_nothing(world, board, login):
    with time_machine.travel(NOW, tick=False):
        response = login(world.users.other_spec).get("/desk/")
    assert response.status_code == 200
    assert sum(response.context["counts"].values()) == 0


def test_an_officer_may_filter_only_by_themselves(world, board, login):
    client = login(world.users.spec1)
    with time_machine.travel(NOW, tick=False):
        own = client.get("/desk/", {"officer": world.users.spec1.pk})
        other = client.get("/desk/", {"officer": world.users.spec2.pk})
    assert own.status_code == 200
    assert other.status_code == 400
    assert 'aria-describedby="id_officer_error"' in other.content.decode()
