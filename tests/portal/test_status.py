"""The status page and the applicant's actions: supplement, withdrawal, delivery, rating, result
and document downloads; authorisation as a matrix (owner, other citizen, officers, anonymous)."""

from datetime import date

import pytest
import time_machine
from django.core.files.base import ContentFile

from motcua.dossiers import services as lifecycle
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent
from motcua.dossiers.states import Action, Status
from motcua.portal.models import DossierLink, Rating, Upload
from tests.portal.conftest import EXE, at, pdf_bytes, stored_files, submit, upload

pytestmark = pytest.mark.django_db

MONDAY = at(2025, 3, 3, 9, 0)


@pytest.fixture
def online(portal, login):
    """An online dossier of the citizen Bình, submitted Mon 3/3/2025 09:00 (awaiting intake)."""
    with time_machine.travel(MONDAY, tick=False):
        submit(login(portal.citizen), portal)
    return Dossier.objects.get()


def _accept(world, dossier):
    with time_machine.travel(MONDAY, tick=False):
        return lifecycle.dossier_accept(dossier=dossier, user=world.users.reception)


def _to_result(world, dossier, *, result_file=True):
    u = world.users
    with time_machine.travel(at(2025, 3, 4, 9, 0), tick=False):
        dossier = _accept(world, dossier)
        dossier = lifecycle.dossier_forward(dossier=dossier, user=u.spec1)
        dossier = lifecycle.consultation_answer(dossier=dossier, user=u.sxd_spec, answer="Đồng ý.")
        dossier = lifecycle.dossier_forward(dossier=dossier, user=u.spec1)
        return lifecycle.dossier_issue_result(
            dossier=dossier,
            user=u.leader,
            result_number="25/GPXD",
            result_date=date(2025, 3, 4),
            result_file=ContentFile(pdf_bytes(), name="gpxd.pdf") if result_file else None,
        )


def _page(client, dossier) -> str:
    response = client.get(f"/tra-cuu/{dossier.code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_owner_sees_status_in_plain_words_and_the_public_timeline(portal, online, login):
    with time_machine.travel(MONDAY, tick=False):
        lifecycle.dossier_request_supplement(
            dossier=online,
            user=portal.users.reception,
            items=["Bản vẽ mặt bằng có chữ ký"],
            note="Bản vẽ cần có chữ ký của chủ hộ",
        )

    page = _page(login(portal.citizen), online)

    assert "Hồ sơ cần bổ sung." in page
    assert "Bản vẽ mặt bằng có chữ ký" in page
    assert "Nộp hồ sơ trực tuyến" in page and "Yêu cầu bổ sung hồ sơ" in page
    # the supplement request's note is addressed to the applicant (the desk labels it so, and
    # it is e-mailed to them): it is shown with the items
    assert "Ghi chú của cán bộ: " in page and "cần có chữ ký của chủ hộ" in page
    assert 'name="item_0"' in page  # the upload form of the supplement
    assert "motcua" not in page  # no officer's name or username


def test_a_supplement_upload_returns_the_dossier_to_its_previous_state(portal, online, login):
    dossier = _accept(portal, online)
    with time_machine.travel(at(2025, 3, 5, 10, 0), tick=False):
        dossier = lifecycle.dossier_request_supplement(
            dossier=dossier, user=portal.users.spec1, items=["Bản vẽ mặt bằng tầng 2"]
        )
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    client = login(portal.citizen)

    with time_machine.travel(at(2025, 3, 6, 10, 0), tick=False):
        response = client.post(
            f"/tra-cuu/{dossier.code}/bo-sung/",
            {"item_0": upload("mat-bang.pdf", pdf_bytes()), "note": "Đã bổ sung bản vẽ."},
        )

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS  # back where it was paused from
    added = dossier.documents.get(is_supplement=True)
    assert added.name == "Bản vẽ mặt bằng tầng 2" and added.file.name.startswith("portal/")
    event = dossier.events.get(action=Action.SUPPLEMENT)
    assert event.actor == portal.citizen
    assert "Đã gửi bổ sung hồ sơ" in _page(client, dossier)


def test_a_supplement_at_intake_goes_back_to_the_intake_queue(portal, online, login):
    with time_machine.travel(MONDAY, tick=False):
        lifecycle.dossier_request_supplement(
            dossier=online, user=portal.users.reception, items=["Đơn có chữ ký"]
        )
    login(portal.citizen).post(
        f"/tra-cuu/{online.code}/bo-sung/", {"item_0": upload("don.pdf", pdf_bytes())}
    )
    online.refresh_from_db()
    assert online.status == Status.SUBMITTED


def test_a_bad_supplement_is_refused_and_nothing_changes(portal, online, login):
    with time_machine.travel(MONDAY, tick=False):
        lifecycle.dossier_request_supplement(
            dossier=online, user=portal.users.reception, items=["Đơn có chữ ký"]
        )
    client = login(portal.citizen)
    before_files, before_uploads = stored_files(), Upload.objects.count()

    exe = client.post(f"/tra-cuu/{online.code}/bo-sung/", {"item_0": upload("don.pdf", EXE)})
    empty = client.post(f"/tra-cuu/{online.code}/bo-sung/", {"note": ""})

    assert exe.status_code == empty.status_code == 400
    assert "không được chấp nhận" in exe.content.decode()
    assert "Vui lòng tải lên ít nhất một tệp bổ sung" in empty.content.decode()
    online.refresh_from_db()
    assert online.status == Status.SUPPLEMENT_REQUESTED
    assert Upload.objects.count() == before_uploads and stored_files() == before_files
    assert not DossierDocument.objects.filter(is_supplement=True).exists()


def test_another_citizen_cannot_see_or_act(portal, online, login):
    other = login(portal.other_citizen)
    page = other.get(f"/tra-cuu/{online.code}/").content.decode()
    assert 'name="proof"' in page and online.applicant_name not in page
    assert (
        other.post(
            f"/tra-cuu/{online.code}/rut-ho-so/", {"reason": "x", "confirm": "on"}
        ).status_code
        == 404
    )
    online.refresh_from_db()
    assert online.status == Status.SUBMITTED


def test_withdrawal_with_a_reason(portal, online, login):
    client = login(portal.citizen)

    refused = client.post(f"/tra-cuu/{online.code}/rut-ho-so/", {"reason": "", "confirm": "on"})
    assert refused.status_code == 400
    assert "Vui lòng ghi lý do rút hồ sơ." in refused.content.decode()
    online.refresh_from_db()
    assert online.status == Status.SUBMITTED

    done = client.post(
        f"/tra-cuu/{online.code}/rut-ho-so/", {"reason": "Nộp nhầm thủ tục", "confirm": "on"}
    )
    assert done.status_code == 302
    online.refresh_from_db()
    assert online.status == Status.WITHDRAWN
    page = _page(client, online)
    assert "Hồ sơ đã được rút theo đề nghị của người nộp." in page
    assert "Nộp nhầm thủ tục" in page  # the citizen's own reason is on the timeline
    assert "rut-ho-so" not in page  # no second withdrawal
    again = client.post(f"/tra-cuu/{online.code}/rut-ho-so/", {"reason": "lần 2", "confirm": "on"})
    assert again.status_code == 409
    assert DossierEvent.objects.filter(action=Action.WITHDRAW).count() == 1


def test_delivery_by_post_needs_an_address_and_the_desk_sees_it(portal, online, login):
    client = login(portal.citizen)
    refused = client.post(f"/tra-cuu/{online.code}/nhan-ket-qua/", {"delivery": "post"})
    assert refused.status_code == 400
    client.post(
        f"/tra-cuu/{online.code}/nhan-ket-qua/",
        {"delivery": "post", "delivery_address": "5 Điện Biên Phủ"},
    )
    online.refresh_from_db()
    assert (online.delivery, online.delivery_address) == ("post", "5 Điện Biên Phủ")
    desk = login(portal.users.reception).get(f"/desk/dossiers/{online.pk}/").content.decode()
    assert "Nhận qua bưu chính" in desk


def test_rating_after_the_result_once_only(portal, online, login):
    client = login(portal.citizen)
    early = client.post(f"/tra-cuu/{online.code}/danh-gia/", {"score": "5"})
    assert early.status_code == 409
    assert Rating.objects.count() == 0

    _to_result(portal, online)
    assert "Đánh giá mức độ hài lòng" in _page(client, online)
    first = client.post(f"/tra-cuu/{online.code}/danh-gia/", {"score": "4", "comment": "Nhanh gọn"})
    second = client.post(f"/tra-cuu/{online.code}/danh-gia/", {"score": "1"})

    assert first.status_code == 302
    assert second.status_code == 409
    assert "mỗi hồ sơ chỉ được đánh giá một lần" in second.content.decode()
    rating = Rating.objects.get()
    assert (rating.score, rating.comment, rating.user) == (4, "Nhanh gọn", portal.citizen)
    assert "Hài lòng" in _page(client, online)


def test_the_result_is_downloaded_when_issued(portal, online, login):
    client = login(portal.citizen)
    assert client.get(f"/tra-cuu/{online.code}/ket-qua/").status_code == 404
    _to_result(portal, online)

    response = client.get(f"/tra-cuu/{online.code}/ket-qua/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "Tải kết quả" in _page(client, online)
    assert login(portal.other_citizen).get(f"/tra-cuu/{online.code}/ket-qua/").status_code == 404


def test_attachments_are_served_to_the_owner_and_officers_in_scope_only(portal, online, login):
    document = online.documents.get(name="Đơn đề nghị")
    url = f"/tra-cuu/{online.code}/giay-to/{document.pk}/"

    assert login(portal.citizen).get(url).status_code == 200
    assert login(portal.users.reception).get(url).status_code == 200  # officer of Hồng Bàng
    assert login(portal.other_citizen).get(url).status_code == 404
    assert login(portal.users.other_spec).get(url).status_code == 404  # Lê Chân: out of scope
    assert login().get(url).status_code == 404
    served = login(portal.citizen).get(url)
    assert served["Content-Type"] == "application/pdf"
    assert "don-de-nghi.pdf" in served["Content-Disposition"]
    assert served["X-Content-Type-Options"] == "nosniff"


def test_the_desk_and_the_portal_serve_a_document_by_one_policy(portal, online, login):
    """Issue 12, item 3: the desk served octet-stream under the random stored name while the
    portal served the same file correctly; both now answer with the same headers."""
    document = online.documents.get(name="Đơn đề nghị")
    from_portal = login(portal.citizen).get(f"/tra-cuu/{online.code}/giay-to/{document.pk}/")
    from_desk = login(portal.users.reception).get(
        f"/desk/dossiers/{online.pk}/documents/{document.pk}/"
    )
    assert from_desk.status_code == from_portal.status_code == 200
    for header in (
        "Content-Type",
        "Content-Disposition",
        "X-Content-Type-Options",
        "Content-Security-Policy",
    ):
        assert from_desk[header] == from_portal[header], header
    assert from_desk["Content-Type"] == "application/pdf"
    assert from_desk["Content-Disposition"].startswith('inline; filename="don-de-nghi.pdf"')
    assert b"".join(from_desk.streaming_content) == b"".join(from_portal.streaming_content)


def test_an_officer_sees_the_page_but_gets_no_citizen_actions(portal, online, login):
    page = _page(login(portal.users.reception), online)
    assert online.code in page
    assert "rut-ho-so" not in page and "nhan-ket-qua" not in page
    response = login(portal.users.reception).post(
        f"/tra-cuu/{online.code}/rut-ho-so/", {"reason": "x", "confirm": "on"}
    )
    assert response.status_code == 404


def test_a_counter_dossier_looked_up_can_be_linked_then_supplemented(
    portal, login, applicant, documents
):
    with time_machine.travel(MONDAY, tick=False):
        dossier = lifecycle.dossier_receive(
            user=portal.users.reception,
            procedure=portal.procedure,
            unit=portal.units.d,
            applicant=applicant,
            documents=documents,
        )
        dossier = lifecycle.dossier_request_supplement(
            dossier=dossier, user=portal.users.spec1, items=["Giấy ủy quyền"]
        )
    visitor = login()
    visitor.post("/tra-cuu/", {"code": dossier.code, "proof": "0912345678"})
    page = _page(visitor, dossier)
    assert "Giấy ủy quyền" in page and "đăng nhập" in page
    assert 'name="item_0"' not in page  # no account: read only
    # the visitor logs in (the session, with its lookup, survives) and links the dossier
    visitor.post("/tai-khoan/dang-nhap/", {"username": "0987654321", "password": "x"})
    assert "Gắn vào tài khoản của tôi" in _page(visitor, dossier)
    assert visitor.post(f"/tra-cuu/{dossier.code}/gan-tai-khoan/").status_code == 302
    dossier.refresh_from_db()
    assert dossier.applicant_user == portal.other_citizen
    assert DossierLink.objects.get().proof == "phone"
    # now they act as the applicant
    visitor.post(f"/tra-cuu/{dossier.code}/bo-sung/", {"item_0": upload("uq.pdf", pdf_bytes())})
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS
    # nobody can link it a second time
    second = login(portal.citizen)
    second.post("/tra-cuu/", {"code": dossier.code, "proof": "0912345678"})
    refused = second.post(f"/tra-cuu/{dossier.code}/gan-tai-khoan/")
    assert refused.status_code == 409
    assert "Hồ sơ này đã được gắn với một tài khoản." in refused.content.decode()
    dossier.refresh_from_db()
    assert dossier.applicant_user == portal.other_citizen


def test_a_link_needs_the_lookup_in_this_session(portal, login, applicant, documents):
    with time_machine.travel(MONDAY, tick=False):
        dossier = lifecycle.dossier_receive(
            user=portal.users.reception,
            procedure=portal.procedure,
            unit=portal.units.d,
            applicant=applicant,
            documents=documents,
        )
    response = login(portal.citizen).post(f"/tra-cuu/{dossier.code}/gan-tai-khoan/")
    assert response.status_code == 404
    dossier.refresh_from_db()
    assert dossier.applicant_user is None


def test_an_anonymous_lookup_may_rate_but_not_withdraw(portal, online, login):
    _to_result(portal, online)
    visitor = login()
    visitor.post("/tra-cuu/", {"code": online.code, "proof": "031190001234"})
    assert (
        visitor.post(
            f"/tra-cuu/{online.code}/rut-ho-so/", {"reason": "x", "confirm": "on"}
        ).status_code
        == 404
    )
    assert visitor.post(f"/tra-cuu/{online.code}/danh-gia/", {"score": "5"}).status_code == 302
    assert Rating.objects.get().user is None
