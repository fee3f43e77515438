"""Lookup without an account: dossier code + the applicant's phone or ID number; a wrong pair and
an unknown code get the same answer; attempts are limited per IP and per code."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _lookup(client, code, proof, **extra):
    return client.post("/tra-cuu/", {"code": code, "proof": proof}, **extra)


def _page_without_tokens(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_code_and_phone_open_the_status_page(counter_dossier, login):
    client = login()

    response = _lookup(client, counter_dossier.code.lower(), "0912.345.678")

    assert response.status_code == 302
    assert response["Location"] == f"/tra-cuu/{counter_dossier.code}/"
    page = client.get(response["Location"]).content.decode()
    assert "Hồ sơ đang được giải quyết." in page
    assert "Ngày hẹn trả kết quả" in page and "24/03/2025 17:00" in page


def test_code_and_id_number_work_too(counter_dossier, login):
    assert _lookup(login(), counter_dossier.code, "031190001234").status_code == 302


def test_a_wrong_phone_and_an_unknown_code_look_the_same(counter_dossier, login):
    wrong_phone = _lookup(login(), counter_dossier.code, "0900000000")
    unknown = _lookup(login(), "000.00.31.H27-250303-9999", "0912345678")

    assert wrong_phone.status_code == unknown.status_code == 200
    page = wrong_phone.content.decode()
    assert "Không tìm thấy hồ sơ với mã và thông tin đã nhập." in page
    assert counter_dossier.applicant_name not in page
    assert portal_name_absent(page, counter_dossier)
    # identical but for the code typed in
    first = _page_without_tokens(wrong_phone).replace(f'value="{counter_dossier.code}"', "X")
    second = _page_without_tokens(unknown).replace('value="000.00.31.H27-250303-9999"', "X")
    assert first.splitlines() == second.splitlines()


def portal_name_absent(page: str, dossier) -> bool:
    return dossier.procedure.name not in page and "Đã tiếp nhận" not in page


def test_the_qr_code_address_shows_the_lookup_form_until_proved(counter_dossier, login):
    client = login()
    page = client.get(f"/tra-cuu/{counter_dossier.code}/").content.decode()
    assert f'value="{counter_dossier.code}"' in page
    assert counter_dossier.applicant_name not in page
    assert 'name="proof"' in page
    # an unknown code gives the same page
    other = client.get("/tra-cuu/000.00.31.H27-250303-9999/").content.decode()
    assert other.replace("000.00.31.H27-250303-9999", "X").count("form") == page.replace(
        counter_dossier.code, "X"
    ).count("form")


def test_attempts_are_limited_per_code(counter_dossier, login):
    for index in range(10):
        response = _lookup(
            login(), counter_dossier.code, f"09000000{index:02d}", REMOTE_ADDR=f"10.0.0.{index}"
        )
        assert response.status_code == 200

    blocked = _lookup(login(), counter_dossier.code, "0912345678", REMOTE_ADDR="10.0.1.1")

    assert blocked.status_code == 429
    assert (
        "Ông/bà đã tra cứu quá nhiều lần. Vui lòng thử lại sau 10 phút." in blocked.content.decode()
    )
    assert "tra-cuu/" + counter_dossier.code not in blocked.get("Location", "")


def test_attempts_are_limited_per_address(counter_dossier, login):
    client = login()
    for index in range(10):
        _lookup(client, f"000.00.31.H27-250303-{index:04d}", "0912345678")
    assert _lookup(client, counter_dossier.code, "0912345678").status_code == 429
    # another address is not blocked
    assert (
        _lookup(login(), counter_dossier.code, "0912345678", REMOTE_ADDR="192.0.2.7").status_code
        == 302
    )


def test_the_limit_window_passes(counter_dossier, login, settings):
    import dataclasses

    settings.SITE = dataclasses.replace(
        settings.SITE, extra={**settings.SITE.extra, "portal_lookup_attempts": 2}
    )
    client = login()
    _lookup(client, counter_dossier.code, "0900000001")
    _lookup(client, counter_dossier.code, "0900000002")
    assert _lookup(client, counter_dossier.code, "0912345678").status_code == 429


def test_an_empty_lookup_is_refused_with_messages(portal, login):
    response = _lookup(login(), "", "")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Vui lòng nhập mã hồ sơ." in page
    assert (
        'aria-describedby="id_code_helptext id_code_error"' in page
        or 'aria-describedby="id_code_error id_code_helptext"' in page
    )
