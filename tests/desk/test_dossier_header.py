"""The dossier page header follows the dossier: no stale "Nội dung cần bổ sung" once the
supplement arrived, no "Bước hiện tại" once the workflow is over, the unit of the current step;
the online submission is logged as the citizen's, not as a reception."""

import re

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import Delivery
from motcua.procedures.services import procedure_publish
from tests.builders import at
from tests.desk.conftest import receive

pytestmark = pytest.mark.django_db


def _page(client, dossier) -> str:
    return client.get(f"/desk/dossiers/{dossier.pk}/").content.decode()


def test_the_supplement_items_disappear_once_the_supplement_arrived(world, received, login):
    u = world.users
    d = services.dossier_request_supplement(
        dossier=received, user=u.spec1, items=["Bản vẽ có chữ ký"], note="Thiếu chữ ký."
    )
    client = login(u.spec1)
    assert "Nội dung cần bổ sung" in _page(client, d)
    d = services.dossier_supplement(dossier=d, user=u.reception, note="Đã nộp bản vẽ.")
    assert "Nội dung cần bổ sung" not in _page(client, d)


def test_the_current_step_is_not_shown_once_the_result_is_issued(world, received, login):
    u = world.users
    d = services.dossier_forward(dossier=received, user=u.spec1, assignee=u.spec2)
    d = services.consultation_answer(dossier=d, user=u.sxd_spec, answer="Đồng ý")
    d = services.dossier_forward(dossier=d, user=u.spec2)
    from datetime import date

    d = services.dossier_issue_result(
        dossier=d, user=u.leader, result_number="1/GP", result_date=date(2025, 3, 10)
    )
    html = _page(login(u.reception), d)
    assert "Đã kết thúc quy trình xử lý" in html
    assert "Lãnh đạo phê duyệt, ký — " not in html


def test_an_online_submission_is_logged_as_submitted_by_the_citizen(world, login, applicant):
    online = services.dossier_submit_online(
        procedure=world.procedure,
        unit=world.units.d,
        applicant=applicant,
        delivery=Delivery.COUNTER,
    )
    html = _page(login(world.users.reception), online)
    assert "— Nộp hồ sơ trực tuyến" in html
    assert "— Tiếp nhận\n" not in html


def test_the_desk_header_shows_the_officers_name_in_vietnamese_order(world, received, login):
    page = login(world.users.reception).get(f"/desk/dossiers/{received.pk}/").content.decode()
    assert "Trần Thị Hoa" in page
    assert "Hoa Trần Thị" not in page


def _processing_unit(html: str) -> str:
    """The header's "Đơn vị đang xử lý" value."""
    match = re.search(r"Đơn vị đang xử lý:</dt>\s*<dd[^>]*>([^<]*)</dd>", html)
    assert match, "no processing unit in the header"
    return match.group(1).strip()


def test_the_processing_unit_follows_a_fixed_unit_step(world, applicant, documents, login):
    """Issue 12, item 11: the header kept the receiving district while a step fixed at the
    department (Sở Xây dựng) held the dossier."""
    u = world.users
    review = world.procedure.steps.get(order=2)
    review.unit_mode, review.unit, review.required_answers = "fixed", world.units.sxd, 0
    review.save()
    review.consult_units.clear()
    procedure_publish(procedure=world.procedure)
    d = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    watcher = login(u.city_leader)  # reads the whole province: both units
    assert _processing_unit(_page(watcher, d)) == "Ủy ban nhân dân quận Hồng Bàng"
    d = services.dossier_forward(dossier=d, user=u.spec1, assignee=u.sxd_spec)
    assert d.current_step.unit == world.units.sxd
    assert _processing_unit(_page(watcher, d)) == "Sở Xây dựng"
