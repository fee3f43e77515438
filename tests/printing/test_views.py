"""Who may print what: anonymous, citizen, officer of another unit, authorised officer."""

from __future__ import annotations

import pytest

from tests.printing.conftest import pdf_text


def url(dossier, code="01"):
    return f"/print/dossiers/{dossier.pk}/{code}/"


def test_anonymous_is_sent_to_login(demo, client):
    response = client.get(url(demo.full))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get("/print/ledger/").status_code == 302


def test_citizen_is_forbidden(demo, world, client):
    client.force_login(world.users.citizen)
    assert client.get(url(demo.full)).status_code == 403
    assert client.get("/print/ledger/").status_code == 403


def test_officer_of_another_unit_gets_404(demo, world, client):
    client.force_login(world.users.other_spec)  # Lê Chân
    assert client.get(url(demo.full)).status_code == 404
    assert client.get(f"/print/dossiers/{demo.full.pk}/result/").status_code == 404


@pytest.mark.parametrize("code", ["01", "02", "04", "06"])
def test_authorised_officer_gets_the_pdf_inline(demo, world, client, frozen_print, code):
    client.force_login(world.users.reception)
    response = client.get(url(demo.full, code))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="mau-{code}-000.00.31.H27-250303-0001.pdf"'
    )
    assert "000.00.31.H27-250303-0001" in pdf_text(response.content)


def test_unknown_form_or_ledger_code_on_a_dossier_is_404(demo, world, client):
    client.force_login(world.users.reception)
    assert client.get(url(demo.full, "08")).status_code == 404
    assert client.get(url(demo.full, "07")).status_code == 404
    assert client.get("/print/dossiers/999999/01/").status_code == 404


def test_post_is_not_allowed(demo, world, client):
    client.force_login(world.users.reception)
    assert client.post(url(demo.full)).status_code == 405


def test_ledger_page_asks_for_unit_and_dates(demo, world, client):
    client.force_login(world.users.reception)
    response = client.get("/print/ledger/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="from"' in page and 'name="to"' in page and 'name="unit"' in page
    assert "Ủy ban nhân dân quận Hồng Bàng" in page
    assert "Ủy ban nhân dân quận Lê Chân" not in page  # only units in scope


def test_ledger_page_by_agency_code_or_pk(demo, world, client, frozen_print):
    client.force_login(world.users.reception)
    for unit in ("000.00.31.H27", world.units.d.pk):
        response = client.get(
            "/print/ledger/", {"unit": unit, "from": "2025-03-01", "to": "2025-03-31"}
        )
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        page = response.content.decode()
        assert demo.full.code in page and demo.other.code not in page


def test_ledger_outside_scope_is_404_and_bad_dates_are_explained(demo, world, client):
    client.force_login(world.users.reception)
    query = {"from": "2025-03-01", "to": "2025-03-31"}
    assert client.get("/print/ledger/", {**query, "unit": "000.00.32.H27"}).status_code == 404
    assert client.get("/print/ledger/", {**query, "unit": "999.99.99.Z99"}).status_code == 404
    response = client.get(
        "/print/ledger/", {"unit": "000.00.31.H27", "from": "2025-03-31", "to": "2025-03-01"}
    )
    assert response.status_code == 400
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()
    response = client.get(
        "/print/ledger/", {"unit": "000.00.31.H27", "from": "2024-01-01", "to": "2025-03-01"}
    )
    assert response.status_code == 400 and "tối đa 366 ngày" in response.content.decode()
