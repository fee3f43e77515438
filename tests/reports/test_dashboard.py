"""Dashboard: every number links to the list behind it with the same count, within the scope."""

import re
from datetime import date

import pytest
import time_machine

from motcua.reports import summary_reads
from motcua.reports.indicators import window
from motcua.reports.summaries import summaries_roll
from tests.reports.conftest import NOW

pytestmark = pytest.mark.django_db

MARCH_QS = "date_from=2025-03-01&date_to=2025-03-31"
COUNT_LINK = re.compile(r'data-count="(\w+)" href="([^"]+)">(\d+)<')


@pytest.fixture(autouse=True)
def _swept(request):
    """The due sweep ran at NOW after the set was built: the ended months' stocks are rolled, so
    the dashboard reads the monthly summaries (checked below), as in production."""
    if "march" in request.fixturenames:
        request.getfixturevalue("march")
        with time_machine.travel(NOW, tick=False):
            summaries_roll()


def _numbers(client, query=MARCH_QS):
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/desk/reports/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    return {k: (url.replace("&amp;", "&"), int(n)) for k, url, n in COUNT_LINK.findall(html)}, html


def _list_total(client, url):
    with time_machine.travel(NOW, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return int(re.search(r"<span data-total>(\d+)</span>", response.content.decode()).group(1))


def test_every_dashboard_number_equals_the_count_of_its_list(world, march, login):
    client = login(world.users.city_leader)  # the province's leader: subtree of the whole city
    assert summary_reads.served(window(date(2025, 3, 1), date(2025, 3, 31), now=NOW), now=NOW)
    numbers, html = _numbers(client)
    assert numbers["received"][1] == 7 and numbers["handled"][1] == 8
    assert "75,00%" in html  # on-time rate (Vietnamese decimal comma), as in test_indicators
    for key, (url, n) in numbers.items():
        assert _list_total(client, url) == n, key


def test_a_unit_leader_sees_only_the_numbers_of_their_unit(world, march, login):
    client = login(world.users.leader)  # Hồng Bàng
    numbers, html = _numbers(client)
    assert numbers["received"][1] == 6  # the Lê Chân dossier is not in their scope
    assert "Ủy ban nhân dân quận Lê Chân" not in html
    url, n = numbers["received"]
    with time_machine.travel(NOW, tick=False):
        listed = client.get(url).content.decode()
    assert march.lechan.code not in listed and march.on_time.code in listed


def test_asking_for_another_units_dossiers_gives_nothing(world, march, login):
    client = login(world.users.other_spec)  # Lê Chân specialist
    hong_bang = world.units.d.pk
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/desk/reports/?{MARCH_QS}&unit={hong_bang}")
    assert response.status_code == 400  # the unit is not a choice for them: the form refuses it
    assert not COUNT_LINK.findall(response.content.decode())
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/desk/reports/dossiers/?{MARCH_QS}&key=received&unit={hong_bang}")
    assert response.status_code == 400
    numbers, _html = _numbers(client)
    assert numbers["received"][1] == 1


def test_the_previous_period_is_beside_the_current_one(world, march, login):
    client = login(world.users.city_leader)
    with time_machine.travel(NOW, tick=False):
        html = client.get("/desk/reports/?date_from=2025-04-01&date_to=2025-04-30").content.decode()
    assert "01/03/2025 – 31/03/2025" in html  # the previous month
    assert "40,00%" in html and "75,00%" in html


def test_officers_with_late_steps_link_to_their_dossiers(world, late_step, login):
    client = login(world.users.city_leader)
    with time_machine.travel(NOW, tick=False):
        html = client.get(f"/desk/reports/?{MARCH_QS}").content.decode()
    section = html.split('id="officers-h"')[1].split("</section>")[0]
    links = re.findall(r'href="([^"]+)">(\d+)<', section)
    assert [n for _url, n in links] == ["1"], "spec1's one late step is listed"
    for url, n in links:
        listed = url.replace("&amp;", "&")
        assert _list_total(client, listed) == int(n)
        with time_machine.travel(NOW, tick=False):
            assert late_step.overdue.code in client.get(listed).content.decode()
    with time_machine.travel(NOW, tick=False):  # April: no step finished late
        html = client.get("/desk/reports/?date_from=2025-04-01&date_to=2025-04-30").content.decode()
    assert "Không có bước xử lý quá hạn." in html


def test_indicators_by_sector_procedure_and_channel_and_their_lists(world, march, login):
    client = login(world.users.city_leader)
    online, _html = _numbers(client, f"{MARCH_QS}&channel=2")
    assert (online["received"][1], online["handled"][1]) == (1, 1)
    assert _list_total(client, online["handled"][0]) == 1
    sector, _html = _numbers(client, f"{MARCH_QS}&sector={world.procedure.sector_id}")
    assert sector["received"][1] == 7
    procedure, html = _numbers(client, f"{MARCH_QS}&procedure={world.procedure.pk}")
    assert procedure["handled"][1] == 8
    section = html.split('id="procs-h"')[1].split("</section>")[0]
    for url, n in re.findall(r'href="([^"]+)">(\d+)<', section):
        assert _list_total(client, url.replace("&amp;", "&")) == int(n)


def test_a_scope_of_scattered_units_counts_only_those_units(world, march, login):
    """A person whose scope is not a whole subtree (the city itself without the districts below
    it, and the Lê Chân district): the summaries of those units only, and lists that agree."""
    from motcua.core.roles import Role
    from motcua.units.models import MembershipScope
    from tests.units.factories import make_membership, make_user

    person = make_user("motcua.tonghop.rieng", is_staff=True)
    make_membership(person, world.units.p, Role.UNIT_LEADER, scope=MembershipScope.UNIT)
    make_membership(person, world.units.d2, Role.UNIT_LEADER, scope=MembershipScope.UNIT)
    client = login(person)
    numbers, html = _numbers(client)
    assert numbers["received"][1] == 1 and numbers["handled"][1] == 1  # the Lê Chân dossier
    assert "Ủy ban nhân dân quận Hồng Bàng" not in html
    for key, (url, n) in numbers.items():
        assert _list_total(client, url) == n, key


def test_the_officer_ranking_shows_per_step_rates_as_the_evaluation_counts_them(
    world, late_step, login
):
    from motcua.reports import dashboard as dash
    from motcua.reports.evaluation import officer_evaluation
    from motcua.reports.selectors import SYSTEM_READER, report_scope

    w = window(date(2025, 3, 1), date(2025, 3, 31), now=NOW)
    with time_machine.travel(NOW, tick=False):
        rows = dash.overdue_officers(report_scope(user=SYSTEM_READER), w)
    assert rows
    officers = {u.pk: u for u in vars(world.users).values() if hasattr(u, "pk")}
    for row in rows:
        seen = officer_evaluation(
            viewer=world.users.city_leader, officer=officers[row["assignee"]], w=w
        )
        assert (row["steps"], row["late_steps"], row["step_rate"], row["supplements"]) == (
            seen["steps"],
            seen["late"],
            seen["on_time_rate"],
            seen["supplements"],
        )
        assert row["office_seconds"] == sum(r["seconds"] for r in seen["rows"])
    client = login(world.users.city_leader)
    _numbers_, html = _numbers(client)
    section = html.split('id="officers-h"')[1].split("</section>")[0]
    assert "Tỷ lệ bước đúng hạn" in section and "data-step-rate" in section
