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


# --------------------------------------------------------------------------- one group, page by page


@pytest.fixture
def overdue_five(world, applicant, documents):
    """Five dossiers overdue at NOW (received on five mornings, so their deadlines differ)."""
    from motcua.jobs.sweep import due_sweep

    rows = [
        receive(world, applicant, documents, at(2025, 2, day, 9, 0)) for day in (24, 25, 26, 27, 28)
    ]
    with time_machine.travel(NOW, tick=False):
        due_sweep()
    return rows


def _page(client, **params):
    with time_machine.travel(NOW, tick=False):
        response = client.get("/desk/", {"group": "overdue", **params})
    assert response.status_code == 200
    [(key, _label, rows)] = response.context["sections"]
    assert key == "overdue"
    return response, [d.code for d in rows]


def test_a_group_is_listed_page_by_page_most_urgent_first(world, overdue_five, login, monkeypatch):
    from motcua.dossiers import selectors
    from motcua.dossiers.models import Dossier

    monkeypatch.setattr("motcua.desk.views.GROUP_PAGE_ROWS", 2)
    monkeypatch.setattr(selectors, "WORKLIST_ROWS", 3)
    client = login(world.users.leader)
    by_urgency = [d.code for d in sorted(overdue_five, key=lambda d: (d.watch_due_at, d.pk))]
    persisted = Dossier.objects.filter(due_state="overdue").count()
    assert persisted == 5

    # the worklist shows the three most urgent, the exact count and a link to the whole group
    with time_machine.travel(NOW, tick=False):
        overview = client.get("/desk/")
    assert overview.context["counts"]["overdue"] == persisted
    assert [d.code for d in overview.context["sections"][0][2]] == by_urgency[:3]
    assert "?group=overdue" in overview.content.decode()

    first, codes1 = _page(client)
    second, codes2 = _page(client, page=2)
    third, codes3 = _page(client, page=3)
    assert (codes1, codes2, codes3) == (by_urgency[:2], by_urgency[2:4], by_urgency[4:])
    assert first.context["counts"]["overdue"] == persisted == first.context["page"].paginator.count
    html = first.content.decode()
    assert 'href="?group=overdue&amp;page=2"' in html  # the next page keeps the group
    assert 'aria-labelledby="heading-overdue"' in html


def test_group_pages_keep_the_filters_and_the_scope(world, overdue_five, login, monkeypatch):
    monkeypatch.setattr("motcua.desk.views.GROUP_PAGE_ROWS", 2)
    spec1 = world.users.spec1
    own = sorted(
        (d for d in overdue_five if d.current_step.assignee_id == spec1.pk),
        key=lambda d: (d.watch_due_at, d.pk),
    )
    assert own  # round robin gave spec1 some of them
    leader = login(world.users.leader)
    first, codes = _page(leader, officer=spec1.pk)
    assert first.context["counts"]["overdue"] == len(own)
    for number in range(2, first.context["page"].paginator.num_pages + 1):
        codes += _page(leader, officer=spec1.pk, page=number)[1]
    assert codes == [d.code for d in own]
    if len(own) > 2:
        assert f"officer={spec1.pk}&amp;page=2" in first.content.decode()
    # an officer of another unit gets an empty group, whatever the page asked
    response, codes = _page(login(world.users.other_spec), page=2)
    assert codes == [] and response.context["counts"]["overdue"] == 0


def test_the_rows_of_every_group_are_joined_in_one_query(world, board):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.dossiers.selectors import worklist

    # when: five groups of one dossier each
    with CaptureQueriesContext(connection) as queries:
        groups = worklist(user=world.users.leader, now=NOW)
    # then: each group's ids read alone, the rows with their procedure and step joined once
    joined = [q["sql"] for q in queries.captured_queries if "JOIN" in q["sql"].upper()]
    assert len([sql for sql in joined if "dossiers_dossierstep" in sql]) == 1
    for group, dossier in board.items():
        rows = getattr(groups, group)
        assert [d.pk for d in rows] == [dossier.pk]
        assert rows[0].current_step.assignee_id == dossier.current_step.assignee_id
