"""Every portal page: language set, skip link, inputs labelled, errors tied to their inputs,
headings in order from one h1, real buttons and links; colours with enough contrast."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine

from motcua.dossiers import services as lifecycle
from motcua.dossiers.models import Dossier
from tests.portal.conftest import apply_url, at, form_data, submit

pytestmark = pytest.mark.django_db

VOID = {"input", "br", "img", "meta", "link", "hr", "source", "col", "wbr", "area", "base"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls, self.labels, self.headings, self.ids = [], set(), [], set()
        self.clickables, self.lang, self.links = [], None, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if "id" in a:
            self.ids.add(a["id"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a)
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if a.get("onclick") or (a.get("role") == "button" and tag != "button"):
            self.clickables.append(tag)
        if tag == "a":
            self.links.append(a.get("href"))


def check(response):
    assert response.status_code in (200, 400, 409, 429), response.status_code
    page = _Page()
    page.feed(response.content.decode())
    assert page.lang in ("vi", "en")
    assert "#main" in page.links and "main" in page.ids  # the skip link and its target
    for control in page.controls:
        assert control.get("id") in page.labels or control.get("aria-label"), control
        for ref in (control.get("aria-describedby") or "").split():
            assert ref in page.ids, (control.get("id"), ref)
    assert page.headings and page.headings[0] == 1 and page.headings.count(1) == 1, page.headings
    assert all(b <= a + 1 for a, b in zip(page.headings, page.headings[1:], strict=False)), (
        page.headings
    )
    assert page.clickables == []
    return page


def test_public_pages(portal, login):
    client = login()
    for url in [
        "/",
        "/thu-tuc/",
        "/thu-tuc/?q=xay+dung",
        f"/thu-tuc/{portal.procedure.national_code}/",
        "/tra-cuu/",
        "/tai-khoan/dang-ky/",
        "/tai-khoan/dang-nhap/",
        "/tai-khoan/quen-mat-khau/",
        apply_url(portal),
    ]:
        check(client.get(url))


def test_forms_with_errors(portal, login):
    client = login(portal.citizen)
    page = check(
        client.post(
            apply_url(portal),
            form_data(portal, f_dien_tich="", applicant_phone="", f_loai_cong_trinh="Nhà xưởng"),
        )
    )
    invalid = [c for c in page.controls if c.get("aria-invalid") == "true"]
    assert {c["id"] for c in invalid} >= {"id_f_dien_tich", "id_applicant_phone", "id_f_so_tang"}
    assert all("_error" in c.get("aria-describedby", "") for c in invalid)
    anonymous = login()
    check(anonymous.post("/tra-cuu/", {"code": "", "proof": ""}))
    check(anonymous.post("/tai-khoan/dang-ky/", {"kind": "organisation"}))
    check(anonymous.post("/tai-khoan/dang-nhap/", {"username": "x", "password": "y"}))


def test_account_and_status_pages(portal, login):
    client = login(portal.citizen)
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        submit(client, portal)
        dossier = Dossier.objects.get()
        lifecycle.dossier_request_supplement(
            dossier=dossier, user=portal.users.reception, items=["Đơn có chữ ký"]
        )
    check(client.get("/tai-khoan/ho-so-cua-toi/"))
    check(client.get(f"/tra-cuu/{dossier.code}/"))
    check(client.post(f"/tra-cuu/{dossier.code}/bo-sung/", {}))
    check(client.post(f"/tra-cuu/{dossier.code}/rut-ho-so/", {"reason": ""}))
    check(client.post(f"/tra-cuu/{dossier.code}/nhan-ket-qua/", {"delivery": "post"}))


def test_the_language_switch_sets_the_page_language(portal, login):
    client = login()
    page = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in page and 'name="language"' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert check(client.get("/")).lang == "en"


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_colours_have_enough_contrast():
    import motcua.portal

    css = (Path(motcua.portal.__file__).parent / "static/portal/portal.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))
    pairs = [
        ("text", "bg"),
        ("primary", "bg"),
        ("muted", "bg"),
        ("error", "bg"),
        ("error", "error-bg"),
        ("ok", "ok-bg"),
        ("primary-dark", "info-bg"),
        ("muted", "soft"),
        ("text", "info-bg"),
    ]
    for fg, bg in pairs:
        assert _contrast(colours[fg], colours[bg]) >= 4.5, (fg, bg)
    assert _contrast("#ffffff", colours["primary"]) >= 4.5  # button and header text
    assert _contrast(colours["border"], colours["bg"]) >= 3  # input borders (WCAG 1.4.11)
