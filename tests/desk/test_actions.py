"""Posting an action: the service runs with the version the officer saw; errors change nothing."""

import re

import pytest
import time_machine

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.states import Status
from tests.builders import at

pytestmark = pytest.mark.django_db


def _url(dossier, action):
    return f"/desk/dossiers/{dossier.pk}/act/{action}/"


def test_forward_moves_the_dossier_to_the_next_step(world, received, login):
    client = login(world.users.spec1)
    response = client.post(
        _url(received, "forward"),
        {"version": received.version, "assignee": world.users.spec2.pk, "note": "Đủ điều kiện"},
    )
    assert response.status_code == 302
    assert response.url == f"/desk/dossiers/{received.pk}/"
    dossier = Dossier.objects.get(pk=received.pk)
    assert dossier.current_step.name == "Lấy ý kiến các sở"
    assert dossier.current_step.assignee == world.users.spec2
    assert dossier.version == received.version + 1
    assert "Đã thực hiện “Chuyển bước tiếp theo”" in client.get(response.url).content.decode()


def test_a_stale_version_gets_409_and_changes_nothing(world, received, login):
    # given: both specialists opened the page; chuyenvien1 acts first at 10:15
    stale = received.version
    with time_machine.travel(at(2025, 3, 4, 10, 15), tick=False):
        services.dossier_request_supplement(
            dossier=received,
            user=world.users.spec1,
            items=["Bản vẽ mặt bằng"],
            expected_version=stale,
        )
    events = DossierEvent.objects.count()
    before = Dossier.objects.get(pk=received.pk)
    # when: the leader posts with the version he saw
    response = login(world.users.leader).post(
        _url(received, "request_supplement"), {"version": stale, "items": "Giấy tờ đất"}
    )
    # then
    assert response.status_code == 409
    html = response.content.decode()
    # the name order depends on the service's formatting (reported: should be "Lê Minh Tuấn")
    assert re.search(
        r"Hồ sơ này đã được (Tuấn Lê Minh|Lê Minh Tuấn) thay đổi lúc 10:15, "
        r"vui lòng tải lại\.",
        html,
    )
    assert 'role="alert"' in html
    after = Dossier.objects.get(pk=received.pk)
    assert DossierEvent.objects.count() == events
    assert (after.version, after.status, after.supplement_items) == (
        before.version,
        before.status,
        before.supplement_items,
    )


def test_a_forbidden_action_gets_403_and_changes_nothing(world, received, login):
    events = DossierEvent.objects.count()
    response = login(world.users.clerk).post(
        _url(received, "forward"), {"version": received.version}
    )
    assert response.status_code == 403
    assert "không có vai trò" in response.content.decode()
    assert DossierEvent.objects.count() == events
    assert Dossier.objects.get(pk=received.pk).version == received.version


def test_missing_input_gets_400_on_the_field(world, received, login):
    response = login(world.users.spec1).post(
        _url(received, "request_supplement"), {"version": received.version, "items": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        'aria-describedby="id_request_supplement_items_helptext id_request_supplement_items_error"'
        in html
    )
    assert '<ul id="id_request_supplement_items_error"' in html
    assert Dossier.objects.get(pk=received.pk).status == Status.IN_PROGRESS


def test_a_refusal_of_the_service_gets_400_with_its_message(world, received, login):
    u = world.users
    dossier = services.dossier_forward(dossier=received, user=u.spec1, assignee=u.spec2)
    response = login(u.spec2).post(_url(dossier, "forward"), {"version": dossier.version})
    assert response.status_code == 400
    assert "Bước này cần 1 ý kiến trả lời, mới có 0." in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).version == dossier.version


def test_an_action_not_allowed_in_this_state_gets_409(world, received, login):
    response = login(world.users.reception).post(
        _url(received, "accept"), {"version": received.version}
    )
    assert response.status_code == 409
    assert "không thể “Tiếp nhận hồ sơ trực tuyến”" in response.content.decode()


def test_the_action_form_is_served_on_get_only_when_allowed(world, received, login):
    page = login(world.users.spec1).get(_url(received, "request_supplement"))
    assert page.status_code == 200
    assert 'for="id_request_supplement_items"' in page.content.decode()
    assert login(world.users.clerk).get(_url(received, "request_supplement")).status_code == 403
    assert login(world.users.spec1).get(_url(received, "nonsense")).status_code == 404
    assert (
        login(world.users.other_spec)
        .post(_url(received, "forward"), {"version": received.version})
        .status_code
        == 404
    )


def test_suspend_then_resume_in_two_clicks(world, received, login):
    client = login(world.users.spec1)
    client.post(_url(received, "suspend"), {"version": received.version, "reason": "Chờ thuế"})
    dossier = Dossier.objects.get(pk=received.pk)
    assert dossier.status == Status.SUSPENDED
    assert client.post(_url(dossier, "resume"), {"version": dossier.version}).status_code == 302
    assert Dossier.objects.get(pk=received.pk).status == Status.IN_PROGRESS


def test_the_result_is_issued_and_returned_at_the_counter(world, received, login):
    u = world.users
    d = services.dossier_forward(dossier=received, user=u.spec1, assignee=u.spec2)
    d = services.consultation_answer(dossier=d, user=u.sxd_spec, answer="Đồng ý")
    d = services.dossier_forward(dossier=d, user=u.spec2)
    response = login(u.leader).post(
        _url(d, "issue_result"),
        {"version": d.version, "result_number": "125/GPXD", "result_date": "2025-03-12"},
    )
    assert response.status_code == 302
    d = Dossier.objects.get(pk=d.pk)
    assert (d.status, d.result_number) == (Status.RESULT_READY, "125/GPXD")
    response = login(u.reception).post(
        _url(d, "return_result"), {"version": d.version, "delivery": "counter"}
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=d.pk).status == Status.RETURNED


def test_every_action_form_matches_its_service():
    """Field names are the services' keyword names (except the supplement's file pair)."""
    import inspect

    from motcua.desk.actions import DESK_ACTIONS
    from motcua.desk.forms import SupplementForm

    for name, desk_action in DESK_ACTIONS.items():
        accepted = set(inspect.signature(desk_action.service).parameters)
        assert {"dossier", "user", "expected_version"} <= accepted, name
        fields = set(desk_action.form_class.base_fields) - {"version"}
        if desk_action.form_class is SupplementForm:
            fields = {"files", "note"}
        assert fields <= accepted, (name, fields - accepted)


def test_consultation_answer_and_transfer_through_the_desk(world, received, login):
    u = world.users
    client = login(u.spec1)
    # consult two departments, one answer needed
    response = client.post(
        _url(received, "consult"),
        {
            "version": received.version,
            "units": [world.units.sxd.pk, world.units.stn.pk],
            "required": "1",
            "note": "Xin ý kiến về quy hoạch",
        },
    )
    assert response.status_code == 302
    d = Dossier.objects.get(pk=received.pk)
    assert d.current_step.consultations.count() == 2
    # the department officer sees the dossier and answers from the desk
    page = login(u.stn_spec).get(f"/desk/dossiers/{d.pk}/")
    assert 'data-action="answer_consultation"' in page.content.decode()
    response = login(u.stn_spec).post(
        _url(d, "answer_consultation"),
        {"version": d.version, "verdict": "agree", "answer": "Phù hợp quy hoạch"},
    )
    assert response.status_code == 302
    d = Dossier.objects.get(pk=d.pk)
    assert "Phù hợp quy hoạch" in client.get(f"/desk/dossiers/{d.pk}/").content.decode()
    # transfer (liên thông) to Lê Chân, which also receives this procedure
    response = client.post(
        _url(d, "transfer"), {"version": d.version, "to_unit": world.units.d2.pk}
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=d.pk).current_unit == world.units.d2


def test_an_apology_records_the_new_date(world, received, login):
    with time_machine.travel(at(2025, 3, 20, 9, 0), tick=False):
        response = login(world.users.spec1).post(
            _url(received, "apologize"),
            {
                "version": received.version,
                "new_due_at": "2025-03-28T16:00",
                "reason": "Chờ ý kiến của Sở Xây dựng",
            },
        )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=received.pk).apology_due_at == at(2025, 3, 28, 16, 0)


def test_the_counter_records_a_supplement_with_its_file(world, received, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    d = services.dossier_request_supplement(
        dossier=received, user=world.users.spec1, items=["Bản vẽ mặt cắt"]
    )
    upload = SimpleUploadedFile("mat-cat.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = login(world.users.reception).post(
        _url(d, "supplement"),
        {"version": d.version, "document_name": "Bản vẽ mặt cắt", "file": upload},
    )
    assert response.status_code == 302
    d = Dossier.objects.get(pk=d.pk)
    assert d.status == Status.IN_PROGRESS
    assert d.documents.get(is_supplement=True).name == "Bản vẽ mặt cắt"


def test_a_post_without_the_version_is_refused_as_bad_input(world, received, login):
    response = login(world.users.spec1).post(_url(received, "resume"), {})
    assert response.status_code == 400
    assert "Thiếu phiên bản của hồ sơ; vui lòng tải lại trang." in response.content.decode()
