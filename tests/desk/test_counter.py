"""The reception counter: find the procedure fast, tick the checklist, receive, print the receipt."""

import io

import pytest
import time_machine

from motcua.dossiers.models import Dossier, DossierEvent
from tests.builders import at

pytestmark = pytest.mark.django_db

MONDAY = at(2025, 3, 3, 9, 0)


def _form(world, **overrides):
    data = {
        "unit": world.units.d.pk,
        "procedure": world.procedure.pk,
        "applicant_kind": "individual",
        "applicant_name": "Nguyễn Thị Bình",
        "applicant_id_number": "031190001234",
        "applicant_tax_code": "",
        "applicant_phone": "0912345678",
        "applicant_email": "binh@example.vn",
        "applicant_address": "12 Lý Tự Trọng, Hồng Bàng",
        "channel": "1",
        "delivery": "counter",
        "doc_0": "on",
        "doc_1": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_counter_opens_with_the_procedure_search_focused(world, login):
    response = login(world.users.reception).get("/desk/receive/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="q"' in html and "autofocus" in html
    assert 'list="procedure-options"' in html
    assert "Ủy ban nhân dân quận Hồng Bàng" in html


@pytest.mark.parametrize("query", ["cap phep xay dung", "1.009994", "GIẤY PHÉP"])
def test_a_procedure_is_found_by_code_or_unaccented_name(world, login, query):
    response = login(world.users.reception).get(
        "/desk/receive/", {"unit": world.units.d.pk, "q": query}
    )
    assert response.status_code == 200
    assert response.context["procedure"] == world.procedure
    html = response.content.decode()
    assert "Đơn đề nghị" in html and "Bản vẽ" in html  # the checklist from the version snapshot
    assert 'id="id_applicant_name"' in html


def test_the_procedure_lookup_answers_json(world, login):
    response = login(world.users.reception).get(
        "/desk/receive/procedures/", {"unit": world.units.d.pk, "q": "xay dung"}
    )
    assert response.json() == {
        "results": [{"id": world.procedure.pk, "code": "1.009994", "name": world.procedure.name}]
    }


def test_a_dossier_is_received_end_to_end(world, login):
    client = login(world.users.reception)
    # when
    with time_machine.travel(MONDAY, tick=False):
        response = client.post("/desk/receive/", _form(world))
    # then
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response.url == f"/desk/dossiers/{dossier.pk}/"
    assert dossier.code == "000.00.31.H27-250303-0001"
    assert dossier.received_by == world.users.reception
    assert list(dossier.documents.values_list("received", flat=True)) == [True, True]
    page = client.get(response.url).content.decode()
    assert "Đã tiếp nhận hồ sơ 000.00.31.H27-250303-0001" in page
    assert "24/03/2025 17:00" in page  # the appointment (due_at)
    assert f'href="/print/dossiers/{dossier.pk}/01/"' in page
    assert "In giấy tiếp nhận" in page


def test_a_missing_mandatory_document_is_refused_and_nothing_is_created(world, login):
    client = login(world.users.reception)
    with time_machine.travel(MONDAY, tick=False):
        response = client.post("/desk/receive/", _form(world, doc_1=None))
    assert response.status_code == 400
    assert "Còn thiếu giấy tờ bắt buộc: Bản vẽ." in response.content.decode()
    assert not Dossier.objects.exists()
    assert not DossierEvent.objects.exists()


def test_bad_applicant_input_is_shown_on_the_field(world, login):
    response = login(world.users.reception).post(
        "/desk/receive/", _form(world, applicant_name="", applicant_phone="abc")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-describedby="id_applicant_name_error"' in html
    assert 'id="id_applicant_phone_error"' in html
    assert not Dossier.objects.exists()


def test_an_officer_who_is_not_at_the_counter_is_refused(world, login):
    client = login(world.users.spec1)
    assert client.get("/desk/receive/").status_code == 403
    assert client.post("/desk/receive/", _form(world)).status_code == 403
    assert not Dossier.objects.exists()


def test_the_receipt_is_form_01_as_a_pdf_one_click_away(world, login):
    from pypdf import PdfReader

    client = login(world.users.reception)
    with time_machine.travel(MONDAY, tick=False):
        client.post("/desk/receive/", _form(world))
    dossier = Dossier.objects.get()
    page = client.get(f"/desk/dossiers/{dossier.pk}/").content.decode()
    assert f'href="/print/dossiers/{dossier.pk}/01/"' in page

    response = client.get(f"/print/dossiers/{dossier.pk}/01/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (dossier.code, "Nguyễn Thị Bình", "24/03/2025"):
        assert expected in text, expected
    assert login(world.users.other_spec).get(f"/print/dossiers/{dossier.pk}/01/").status_code == 404


def test_an_officer_at_two_counters_picks_the_unit(world, login):
    from motcua.core.roles import Role
    from tests.units.factories import make_membership

    make_membership(world.users.reception, world.units.sxd, Role.RECEPTION_OFFICER)
    client = login(world.users.reception)
    html = client.get("/desk/receive/").content.decode()
    assert '<select name="unit"' in html and "Sở Xây dựng" in html
    # the Department of Construction does not receive this district procedure
    response = client.get(
        "/desk/receive/", {"unit": world.units.sxd.pk, "procedure": world.procedure.pk}
    )
    assert response.context["procedure"] is None
    assert "không tiếp nhận thủ tục" in response.content.decode()
    with time_machine.travel(MONDAY, tick=False):
        response = client.post("/desk/receive/", _form(world, unit=world.units.sxd.pk))
    assert response.status_code == 400
    assert not Dossier.objects.exists()
