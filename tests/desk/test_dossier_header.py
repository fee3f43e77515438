"""The dossier page header follows the dossier: no stale "Nội dung cần bổ sung" once the
supplement arrived, no "Bước hiện tại" once the workflow is over, the unit of the current step;
the online submission is logged as the citizen's, not as a reception."""

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import Delivery

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
