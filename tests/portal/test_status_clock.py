"""While the clock is stopped the status page says so (not the old appointment as if firm), and
the officer's supplement note reaches the citizen; the procedure page says which documents are
mandatory and the apply form shows the fee."""

import pytest
import time_machine

from motcua.dossiers import services as lifecycle
from motcua.procedures.models import Fee
from motcua.procedures.services import procedure_publish
from tests.portal import test_status
from tests.portal.test_status import MONDAY, _accept, _page

online = test_status.online  # the fixture, re-exported

pytestmark = pytest.mark.django_db


def test_a_supplement_request_shows_the_officers_note_and_a_stopped_clock(portal, online, login):
    dossier = _accept(portal, online)
    with time_machine.travel(MONDAY, tick=False):
        lifecycle.dossier_request_supplement(
            dossier=dossier,
            user=dossier.current_step.assignee,
            items=["Bản vẽ mặt bằng có chữ ký"],
            note="Bản vẽ nộp chưa có chữ ký của chủ đầu tư.",
        )
    html = _page(login(portal.citizen), dossier)
    assert "Ghi chú của cán bộ: " in html
    assert "Bản vẽ nộp chưa có chữ ký của chủ đầu tư." in html
    assert "Thời hạn giải quyết đang tạm dừng" in html
    assert "Ngày hẹn trả kết quả:" not in html.replace("<strong>", "")


def test_a_running_dossier_shows_its_appointment(portal, online, login):
    dossier = _accept(portal, online)
    html = _page(login(portal.citizen), dossier)
    assert "Ngày hẹn trả kết quả" in html and "đang tạm dừng" not in html


def test_the_procedure_page_says_which_documents_are_mandatory(portal, client):
    html = client.get(f"/thu-tuc/{portal.procedure.national_code}/").content.decode()
    assert '<th scope="col">Bắt buộc</th>' in html
    assert "<strong>Bắt buộc</strong>" in html


def test_the_apply_form_shows_the_fee(portal, login):
    Fee.objects.create(procedure=portal.procedure, name="Lệ phí cấp giấy phép", amount=75000)
    procedure_publish(procedure=portal.procedure)
    html = (
        login(portal.citizen)
        .get(f"/thu-tuc/{portal.procedure.national_code}/nop-ho-so/")
        .content.decode()
    )
    assert "Lệ phí cấp giấy phép: <strong>75.000\xa0₫</strong>" in html


def test_the_applicant_downloads_their_own_receipt_but_not_the_office_records(
    portal, online, login
):
    from tests.printing.conftest import pdf_text

    dossier = _accept(portal, online)
    citizen = login(portal.citizen)
    assert f'href="/tra-cuu/{dossier.code}/mau/01/"' in _page(citizen, dossier)
    receipt = citizen.get(f"/tra-cuu/{dossier.code}/mau/01/")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    text = pdf_text(receipt.content)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and dossier.code in text
    assert citizen.get(f"/tra-cuu/{dossier.code}/mau/06/").status_code == 404  # control sheet
    assert login(portal.other_citizen).get(f"/tra-cuu/{dossier.code}/mau/01/").status_code == 404
