"""The counter fills the procedure's generated form (tờ khai) like the portal: same fields, same
validation, saved as form_data, so a counter dossier with dien_tich_san > 500 routes like an
online one (to the consultation step)."""

from __future__ import annotations

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import Delivery, Dossier
from motcua.portal.models import FormField
from motcua.procedures.services import procedure_publish
from motcua.procedures.workflow import WorkflowStep
from tests.desk.test_counter import _form

pytestmark = pytest.mark.django_db

FIELDS = [
    dict(key="ten_cong_trinh", label="Tên công trình", kind="text", required=True),
    dict(key="dien_tich_san", label="Tổng diện tích sàn (m²)", kind="number", required=True),
    dict(key="ngay_khoi_cong", label="Ngày dự kiến khởi công", kind="date", required=True),
    dict(key="dien_thoai_giam_sat", label="Điện thoại người giám sát", kind="phone"),
]


@pytest.fixture
def routed(world):
    """The consultation step only for floor areas above 500 m², and a generated form."""
    WorkflowStep.objects.filter(procedure=world.procedure, order=2).update(
        condition_field="dien_tich_san", condition_op=">", condition_value="500"
    )
    for order, spec in enumerate(FIELDS, start=1):
        field = FormField(procedure=world.procedure, order=order, **spec)
        field.full_clean()
        field.save()
    procedure_publish(procedure=world.procedure)
    return world


def _declaration(**values):
    data = {
        "tk-f_ten_cong_trinh": "Nhà ở gia đình ông An",
        "tk-f_dien_tich_san": "620",
        "tk-f_ngay_khoi_cong": "15/09/2025",
        "tk-f_dien_thoai_giam_sat": "",  # optional: may stay empty
    }
    data.update(values)
    return data


def _next_step_after_forward(world, dossier) -> str:
    dossier = services.dossier_forward(dossier=dossier, user=world.users.spec1)
    return dossier.current_step.name


def test_the_counter_shows_the_generated_form(routed, login):
    page = login(routed.users.reception).get(
        "/desk/receive/", {"unit": routed.units.d.pk, "procedure": routed.procedure.pk}
    )
    html = page.content.decode()
    assert '<legend class="font-semibold text-base text-important mb-1">Tờ khai</legend>' in html
    assert 'name="tk-f_dien_tich_san"' in html and 'placeholder="dd/mm/yyyy"' in html


def test_a_counter_dossier_over_500_m2_routes_like_the_portals(routed, login):
    response = login(routed.users.reception).post(
        "/desk/receive/", {**_form(routed), **_declaration()}
    )
    assert response.status_code == 302
    counter = Dossier.objects.get()
    assert counter.form_data == {
        "ten_cong_trinh": "Nhà ở gia đình ông An",
        "dien_tich_san": "620",
        "ngay_khoi_cong": "2025-09-15",
        "dien_thoai_giam_sat": "",
    }
    online = services.dossier_submit_online(
        procedure=routed.procedure,
        unit=routed.units.d,
        applicant={"applicant_name": "Trần Văn An", "applicant_phone": "0987654321"},
        form_data=counter.form_data,
        delivery=Delivery.COUNTER,
    )
    online = services.dossier_accept(
        dossier=online, user=routed.users.reception, assignee=routed.users.spec1
    )
    counter.current_step.assignee = routed.users.spec1
    counter.current_step.save()
    assert _next_step_after_forward(routed, counter) == "Lấy ý kiến các sở"
    assert _next_step_after_forward(routed, online) == "Lấy ý kiến các sở"


def test_a_small_house_at_the_counter_skips_the_consultation(routed, login):
    login(routed.users.reception).post(
        "/desk/receive/", {**_form(routed), **_declaration(**{"tk-f_dien_tich_san": "120"})}
    )
    counter = Dossier.objects.get()
    counter.current_step.assignee = routed.users.spec1
    counter.current_step.save()
    assert _next_step_after_forward(routed, counter) == "Lãnh đạo phê duyệt, ký"


def test_the_counter_validates_the_form_as_the_portal_does_and_saves_nothing(routed, login):
    response = login(routed.users.reception).post(
        "/desk/receive/",
        {
            **_form(routed),
            **_declaration(**{"tk-f_ten_cong_trinh": "", "tk-f_ngay_khoi_cong": "09/25/2025"}),
        },
    )
    assert response.status_code == 400
    errors = response.context["declaration"].errors
    assert set(errors) == {"f_ten_cong_trinh", "f_ngay_khoi_cong"}
    assert "Tên công trình" in errors["f_ten_cong_trinh"][0]
    assert not Dossier.objects.exists()
