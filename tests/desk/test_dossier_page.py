"""The dossier page: everything about the dossier, and only the buttons the officer may use now."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.dossiers import services
from motcua.dossiers.models import Delegation
from motcua.dossiers.permissions import dossier_available_actions
from tests.builders import at
from tests.desk.conftest import receive

pytestmark = pytest.mark.django_db


def _buttons(response) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', response.content.decode()))


def test_the_assigned_specialist_sees_only_the_allowed_buttons(world, received, login):
    response = login(world.users.spec1).get(f"/desk/dossiers/{received.pk}/")
    assert response.status_code == 200
    buttons = _buttons(response)
    assert {"forward", "request_supplement"} <= buttons
    assert not buttons & {"issue_result", "approve", "accept", "return_result", "withdraw"}
    allowed = {str(a) for a in dossier_available_actions(user=world.users.spec1, dossier=received)}
    assert buttons == allowed
    for action in buttons:
        assert f'action="/desk/dossiers/{received.pk}/act/{action}/"' in response.content.decode()
    assert f'name="version" value="{received.version}"' in response.content.decode()


def test_the_clerk_sees_the_dossier_but_no_buttons(world, received, login):
    response = login(world.users.clerk).get(f"/desk/dossiers/{received.pk}/")
    assert response.status_code == 200
    assert _buttons(response) == set()
    assert "Bạn không có thao tác nào với hồ sơ này lúc này." in response.content.decode()


def test_an_officer_of_another_unit_gets_404(world, received, login):
    assert login(world.users.other_spec).get(f"/desk/dossiers/{received.pk}/").status_code == 404


def test_the_page_shows_applicant_documents_step_and_deadlines(world, received, login):
    html = login(world.users.spec1).get(f"/desk/dossiers/{received.pk}/").content.decode()
    for text in (
        "Nguyễn Thị Bình",
        "031190001234",
        "0912345678",
        "Đơn đề nghị",
        "Bản vẽ",
        "Thẩm định hồ sơ",
        "Lê Minh Tuấn",
        "13/03/2025 17:00",
        "24/03/2025 17:00",
        "03/03/2025 09:00",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)",
        "Tiếp nhận",
        "Trần Thị Hoa",
    ):
        assert text in html, text


def test_documents_are_previewed_through_the_scoped_view(world, applicant, login):
    upload = SimpleUploadedFile("don.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    dossier = receive(
        world,
        applicant,
        [{"name": "Đơn đề nghị", "file": upload}, {"name": "Bản vẽ", "received": True}],
        at(2025, 3, 3, 9, 0),
    )
    document = dossier.documents.get(name="Đơn đề nghị")
    url = f"/desk/dossiers/{dossier.pk}/documents/{document.pk}/"
    assert url in login(world.users.spec1).get(f"/desk/dossiers/{dossier.pk}/").content.decode()
    response = login(world.users.spec1).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert login(world.users.other_spec).get(url).status_code == 404


def test_the_timeline_names_who_acted_for_whom(world, received, login):
    # given: chuyenvien1 (assignee) delegated his work to chuyenvien2
    today = timezone.localdate()
    Delegation.objects.create(
        delegator=world.users.spec1,
        delegate=world.users.spec2,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
    )
    services.dossier_forward(
        dossier=received,
        user=world.users.spec2,
        assignee=world.users.spec2,
        note="Hồ sơ đủ điều kiện",
    )
    # when
    html = login(world.users.leader).get(f"/desk/dossiers/{received.pk}/").content.decode()
    # then
    assert "Vũ Văn Nam thay Lê Minh Tuấn" in html
    assert "Hồ sơ đủ điều kiện" in html
    assert html.count("data-event=") == 3  # receive, start, forward
    assert "Sở Xây dựng" in html and "chưa trả lời" in html  # the consultation of step 2


def test_a_leader_of_the_unit_sees_the_signing_buttons_at_the_last_step(world, received, login):
    u = world.users
    with time_machine.travel(at(2025, 3, 4, 9, 0), tick=False):
        d = services.dossier_forward(dossier=received, user=u.spec1, assignee=u.spec2)
        d = services.consultation_answer(dossier=d, user=u.sxd_spec, answer="Đồng ý")
        d = services.dossier_forward(dossier=d, user=u.spec2)
    assert {"issue_result", "apologize"} <= _buttons(login(u.leader).get(f"/desk/dossiers/{d.pk}/"))
    assert _buttons(login(u.spec1).get(f"/desk/dossiers/{d.pk}/")) == set()
