"""Issue 16, 7: links that leave the site (mails, notices, printed QR codes) are on the site's
public address, never the application server's host; the citizen's own online submission is not
logged as a reception on their page."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.core import mail

from motcua.core.site_urls import public_link, public_url
from motcua.dossiers import services as lifecycle
from motcua.printing.context import lookup_url

pytestmark = pytest.mark.django_db

PUBLIC = "https://dichvucong.haiphong.gov.vn"
PASSWORD = "Mot-cua-2025!"


@pytest.fixture
def public_site(settings):
    settings.SITE = dataclasses.replace(
        settings.SITE, extra={**settings.SITE.extra, "public_url": PUBLIC + "/"}
    )
    return PUBLIC


def _links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def test_the_verification_mail_links_to_the_public_address(portal, login, public_site):
    login().post(
        "/tai-khoan/dang-ky/",
        {
            "kind": "individual",
            "full_name": "Phạm Thu Hà",
            "email": "ha@example.vn",
            "phone": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    (link,) = _links(mail.outbox[0])
    assert link.startswith(f"{PUBLIC}/tai-khoan/")


def test_the_password_reset_mail_links_to_the_public_address(portal, login, public_site):
    login().post("/tai-khoan/quen-mat-khau/", {"email": "binh@example.vn"})
    (link,) = _links(mail.outbox[0])
    assert link.startswith(f"{PUBLIC}/tai-khoan/dat-lai-mat-khau/")


def test_printed_forms_and_notices_use_the_public_address(public_site):
    assert public_url() == PUBLIC
    assert lookup_url("000.00.31.H27-250303-0001") == f"{PUBLIC}/tra-cuu/000.00.31.H27-250303-0001/"
    assert public_link("/tra-cuu/X/") == f"{PUBLIC}/tra-cuu/X/"


def test_without_a_public_address_a_request_gives_its_own_host(rf, settings):
    settings.ALLOWED_HOSTS = ["motcua.example.vn"]
    settings.SITE = dataclasses.replace(settings.SITE, extra={})
    request = rf.get("/", HTTP_HOST="motcua.example.vn")
    assert public_url(request) == "http://motcua.example.vn"


def test_the_citizens_own_submission_is_not_shown_as_a_reception(portal, login, applicant):
    d = lifecycle.dossier_submit_online(
        procedure=portal.procedure,
        unit=portal.units.d,
        applicant=applicant,
        documents=[{"name": "Đơn đề nghị", "received": True}],
        user=portal.citizen,
    )
    page = login(portal.citizen).get(f"/tra-cuu/{d.code}/").content.decode()
    timeline = page[page.index('id="timeline-title"') :]
    assert "Nộp hồ sơ trực tuyến" in timeline
    assert "Tiếp nhận" not in timeline
