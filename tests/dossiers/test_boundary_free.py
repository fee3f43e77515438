"""Boundary-free reception (NĐ 118/2025/NĐ-CP; dossiers/boundary.py): the city's service centre
receives a commune's procedure for that commune. Both units are shown and printed, the scope
follows both, the KPIs credit the reception to the centre and the processing to the commune."""

import io
import json
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command

from motcua.core.roles import Role
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossiers_visible
from motcua.dossiers.services import DossierError
from motcua.dossiers.states import Status
from motcua.printing.render import form_data, render_html
from motcua.procedures.models import Procedure
from motcua.procedures.services import procedure_publish
from motcua.reports import indicators as ind
from motcua.reports.selectors import SYSTEM_READER, report_dossiers
from motcua.units.models import UnitLevel
from tests.builders import at
from tests.units.factories import make_membership, make_unit, make_user

pytestmark = pytest.mark.django_db

DECISION = "Quyết định 1580/QĐ-UBND ngày 01/7/2025 của UBND thành phố"


@pytest.fixture
def city(world):
    centre_level, _ = UnitLevel.objects.get_or_create(
        code="service_centre", defaults={"name": "Trung tâm Phục vụ hành chính công", "rank": 2}
    )
    p = world.units.p
    centre = make_unit(
        "000.00.01.H27", "Trung tâm Phục vụ hành chính công thành phố", centre_level, p
    )
    ward_a = make_unit(
        "000.01.31.H27", "Ủy ban nhân dân phường Hồng Bàng", world.levels["commune"], p
    )
    ward_b = make_unit(
        "000.02.31.H27", "Ủy ban nhân dân phường Lê Chân", world.levels["commune"], p
    )
    users = SimpleNamespace(
        centre_reception=make_user("motcua.ttpvhcc"),
        a_spec=make_user("chuyenvien.hongbang"),
        a_reception=make_user("motcua.hongbang"),
        b_spec=make_user("chuyenvien.lechan2"),
    )
    make_membership(users.centre_reception, centre, Role.RECEPTION_OFFICER)
    make_membership(users.a_spec, ward_a, Role.SPECIALIST)
    make_membership(users.a_reception, ward_a, Role.RECEPTION_OFFICER)
    make_membership(users.b_spec, ward_b, Role.SPECIALIST)
    procedure = Procedure.objects.create(
        national_code="2.000884",
        name="Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        sector=world.procedure.sector,
        level=world.levels["commune"],
        processing_amount=Decimal(2),
        processing_unit="working_days",
        result_type="Bản sao được chứng thực",
        boundary_free=True,
        boundary_free_decision=DECISION,
    )
    procedure.units.set([ward_a, ward_b])
    procedure_publish(procedure=procedure)
    return SimpleNamespace(centre=centre, a=ward_a, b=ward_b, users=users, procedure=procedure)


def _counter_post(client, city, applicant, **extra):
    client.force_login(city.users.centre_reception)
    return client.post(
        "/desk/receive/",
        {
            "unit": city.centre.pk,
            "procedure": city.procedure.pk,
            "competent": city.a.pk,
            "applicant_kind": "individual",
            "channel": 1,
            "delivery": "counter",
            **{k: v for k, v in applicant.items()},
            **extra,
        },
    )


@pytest.fixture
def received(client, city, applicant):
    with time_machine.travel(at(2025, 7, 7, 9, 0), tick=False):
        response = _counter_post(client, city, applicant)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Dossier.objects.get(procedure=city.procedure)


def test_the_counter_offers_the_competent_units_of_a_boundary_free_procedure(client, city):
    client.force_login(city.users.centre_reception)
    response = client.get(
        "/desk/receive/", {"unit": city.centre.pk, "procedure": city.procedure.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Cơ quan có thẩm quyền giải quyết" in page
    assert "phường Hồng Bàng" in page and "phường Lê Chân" in page
    assert DECISION in page


def test_the_counter_asks_for_the_competent_unit(client, city, applicant):
    response = _counter_post(client, city, applicant, competent="")
    assert response.status_code == 400
    assert "Cần chọn cơ quan có thẩm quyền giải quyết" in response.content.decode()
    assert not Dossier.objects.exists()


def test_the_dossier_shows_both_units_and_runs_at_the_competent_one(client, city, received):
    assert received.unit == city.centre
    assert received.competent_unit == city.a
    assert received.current_unit == city.a
    assert received.current_step.unit == city.a  # the workflow runs at the deciding unit
    assert received.code.startswith("000.00.01.H27-250707-")  # the receiving counter's sequence
    event = received.events.get(action="receive")
    assert event.data["decision"] == DECISION
    client.force_login(city.users.centre_reception)  # the counter's session was in the past
    page = client.get(f"/desk/dossiers/{received.pk}/").content.decode()
    assert "Trung tâm Phục vụ hành chính công thành phố" in page
    assert "Ủy ban nhân dân phường Hồng Bàng" in page
    assert "tiếp nhận không phụ thuộc địa giới hành chính" in page


def test_the_receipt_names_both_units_and_the_decision(city, received):
    spec, data, issuer = form_data(code="01", user=city.users.centre_reception, dossier=received.pk)
    html, _template, _problem = render_html(spec, data, unit=issuer)
    text = " ".join(html.split())
    assert "Bộ phận tiếp nhận và trả kết quả Trung tâm Phục vụ hành chính công thành phố" in text
    assert 'Cơ quan giải quyết: <span class="b">Ủy ban nhân dân phường Hồng Bàng</span>' in text
    assert "tiếp nhận không phụ thuộc vào địa giới hành chính" in text
    assert DECISION in text


def test_the_centre_and_the_competent_commune_see_it_another_commune_does_not(
    client, city, received
):
    for user, sees in [
        (city.users.centre_reception, True),
        (city.users.a_spec, True),
        (city.users.b_spec, False),
    ]:
        assert dossiers_visible(user=user).filter(pk=received.pk).exists() is sees
        client.force_login(user)
        status = client.get(f"/desk/dossiers/{received.pk}/").status_code
        assert status == (200 if sees else 404)


def test_only_a_centre_receives_for_another_unit_of_the_province(world, city, applicant):
    # a district (not a centre) may not receive the commune's procedure
    make_membership(city.users.centre_reception, world.units.d, Role.RECEPTION_OFFICER)
    with pytest.raises(DossierError, match="không phải Trung tâm"):
        services.dossier_receive(
            user=city.users.centre_reception,
            procedure=city.procedure,
            unit=world.units.d,
            competent_unit=city.a,
            applicant=applicant,
        )
    # a procedure that is not boundary-free stays with its own units
    Procedure.objects.filter(pk=city.procedure.pk).update(boundary_free=False)
    city.procedure.refresh_from_db()
    with pytest.raises(DossierError, match="không tiếp nhận"):
        services.dossier_receive(
            user=city.users.centre_reception,
            procedure=city.procedure,
            unit=city.centre,
            competent_unit=city.a,
            applicant=applicant,
        )
    assert not Dossier.objects.filter(procedure=city.procedure).exists()


def test_kpis_credit_reception_to_the_centre_and_processing_to_the_commune(city, received):
    with time_machine.travel(at(2025, 7, 8, 10, 0), tick=False):
        dossier = services.dossier_issue_result(
            dossier=received,
            user=city.users.a_spec,
            result_number="15/CT",
            result_date=date(2025, 7, 8),
        )
        # the result goes back through the counter that received it
        dossier = services.dossier_return_result(
            dossier=dossier, user=city.users.centre_reception, delivery="counter"
        )
    assert dossier.status == Status.RETURNED

    def kpi(unit):
        out = io.StringIO()
        call_command(
            "kpi",
            unit=unit.agency_code,
            date_from="2025-07-01",
            date_to="2025-07-31",
            json=True,
            stdout=out,
        )
        return json.loads(out.getvalue())

    centre, ward_a, ward_b = kpi(city.centre), kpi(city.a), kpi(city.b)
    assert (centre["received"], centre["handled"], centre["resolved_on_time"]) == (1, 0, 0)
    assert (ward_a["received"], ward_a["handled"], ward_a["resolved_on_time"]) == (0, 1, 1)
    assert (ward_b["received"], ward_b["handled"]) == (0, 0)
    # grouped by unit (the dashboard's ranking, the summary export): the same split, same totals
    w = ind.window(date(2025, 7, 1), date(2025, 7, 31))
    rows = {
        r["unit"]: r for r in ind.indicator_rows(report_dossiers(user=SYSTEM_READER), w, "unit")
    }
    assert (rows[city.centre.pk]["received"], rows[city.centre.pk]["handled"]) == (1, 0)
    assert (rows[city.a.pk]["received"], rows[city.a.pk]["handled"]) == (0, 1)
    assert rows[city.a.pk]["on_time_rate"] == Decimal("100.00")
    assert rows[city.centre.pk]["online_rate"] == Decimal("0.00")
