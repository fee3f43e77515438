"""Citizen accounts: sign-up by e-mail (verified by a link) or phone, organisations with a tax
code, login with either, password reset, "Hồ sơ của tôi" showing only one's own dossiers."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from motcua.core.roles import Role
from motcua.dossiers import services as lifecycle
from motcua.portal.models import CitizenProfile

pytestmark = pytest.mark.django_db

PASSWORD = "Mot-cua-2025!"


def _signup(client, **overrides):
    data = {
        "kind": "individual",
        "full_name": "Phạm Thu Hà",
        "email": "ha@example.vn",
        "phone": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return client.post("/tai-khoan/dang-ky/", data)


def _link(message) -> str:
    return re.search(r"https?://[^/]+(/\S+)", message.body).group(1)


def test_sign_up_by_email_verify_then_log_in(portal, login):
    client = login()

    response = _signup(client)

    assert response.status_code == 200
    assert "Kiểm tra thư điện tử" in response.content.decode()
    user = get_user_model().objects.get(username="ha@example.vn")
    assert not user.is_active and not user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [Role.CITIZEN]
    assert user.citizen_profile.full_name == "Phạm Thu Hà"
    assert (user.last_name, user.first_name) == ("Phạm Thu", "Hà")
    # before verification the login says why it fails
    refused = client.post(
        "/tai-khoan/dang-nhap/", {"username": "ha@example.vn", "password": PASSWORD}
    )
    assert "Tài khoản chưa được kích hoạt" in refused.content.decode()
    # the link in the e-mail activates and logs in
    link = _link(mail.outbox[0])
    verified = client.get(link)
    assert verified.status_code == 302 and verified["Location"] == "/tai-khoan/ho-so-cua-toi/"
    user.refresh_from_db()
    assert user.is_active and user.citizen_profile.email_verified_at is not None
    assert client.get("/tai-khoan/ho-so-cua-toi/").status_code == 200
    # the link works once
    assert login().get(link).status_code == 400
    # and the account logs in with its e-mail, in any case
    fresh = login()
    ok = fresh.post("/tai-khoan/dang-nhap/", {"username": "HA@example.vn", "password": PASSWORD})
    assert ok.status_code == 302


def test_a_tampered_link_is_refused(portal, login):
    _signup(login())
    link = _link(mail.outbox[0])
    assert login().get(link[:-3] + "xyz/").status_code == 400
    assert not get_user_model().objects.get(username="ha@example.vn").is_active


def test_sign_up_by_phone_logs_in_at_once_and_logs_in_with_the_phone(portal, login):
    client = login()
    response = _signup(client, email="", phone="0903 111 222")
    assert response.status_code == 302
    user = get_user_model().objects.get(username="0903111222")
    assert user.is_active and user.citizen_profile.phone == "0903111222"
    again = login().post(
        "/tai-khoan/dang-nhap/", {"username": "+84 903 111 222", "password": PASSWORD}
    )
    assert again.status_code == 302


def test_sign_up_refusals_are_clear_and_create_nothing(portal, login):
    client = login()
    count = get_user_model().objects.count()

    checks = [
        ({"email": "", "phone": ""}, "Vui lòng nhập thư điện tử hoặc số điện thoại."),
        ({"password2": "khac"}, "Hai mật khẩu không khớp nhau."),
        ({"email": "binh@example.vn"}, "Thư điện tử này đã được dùng"),
        ({"email": "", "phone": "0912345678"}, "Số điện thoại này đã được dùng"),
        ({"kind": "organisation"}, "Vui lòng nhập tên tổ chức, doanh nghiệp."),
        ({"kind": "organisation", "organisation_name": "HTX Đông Hải"}, "Vui lòng nhập mã số thuế"),
        ({"password1": "12345678", "password2": "12345678"}, "password1_error"),
    ]
    for overrides, expected in checks:
        response = _signup(client, **overrides)
        assert response.status_code == 400, overrides
        assert expected in response.content.decode(), overrides
    assert get_user_model().objects.count() == count
    assert not mail.outbox


def test_an_organisation_signs_up_with_its_tax_code(portal, login):
    _signup(
        login(),
        kind="organisation",
        organisation_name="Công ty CP Cảng Đình Vũ",
        tax_code="0200519875",
        email="cang@example.vn",
    )
    profile = CitizenProfile.objects.get(user__username="cang@example.vn")
    assert (profile.kind, profile.tax_code, profile.display_name) == (
        "organisation",
        "0200519875",
        "Công ty CP Cảng Đình Vũ",
    )


def test_wrong_password_gives_one_message(portal, login):
    response = login().post(
        "/tai-khoan/dang-nhap/", {"username": "binh@example.vn", "password": "sai"}
    )
    assert response.status_code == 200
    assert "Thông tin đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_password_reset_by_email(portal, login):
    client = login()
    response = client.post("/tai-khoan/quen-mat-khau/", {"email": "binh@example.vn"})
    assert response["Location"] == "/tai-khoan/quen-mat-khau/da-gui/"
    link = _link(mail.outbox[0])
    assert link.startswith("/tai-khoan/dat-lai-mat-khau/")
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert done["Location"] == "/tai-khoan/dat-lai-mat-khau/xong/"
    assert (
        login()
        .post("/tai-khoan/dang-nhap/", {"username": "binh@example.vn", "password": PASSWORD})
        .status_code
        == 302
    )


def test_my_dossiers_lists_only_my_own(portal, login, applicant, documents):
    mine = lifecycle.dossier_submit_online(
        procedure=portal.procedure, unit=portal.units.d, applicant=applicant, user=portal.citizen
    )
    theirs = lifecycle.dossier_submit_online(
        procedure=portal.procedure,
        unit=portal.units.d,
        applicant=applicant,
        user=portal.other_citizen,
    )

    page = login(portal.citizen).get("/tai-khoan/ho-so-cua-toi/").content.decode()

    assert mine.code in page and theirs.code not in page
    anonymous = login().get("/tai-khoan/ho-so-cua-toi/")
    assert anonymous["Location"].startswith("/tai-khoan/dang-nhap/?next=")


def test_logout_returns_home(portal, login):
    client = login(portal.citizen)
    response = client.post("/tai-khoan/dang-xuat/")
    assert response["Location"] == "/"
    assert client.get("/tai-khoan/ho-so-cua-toi/").status_code == 302
