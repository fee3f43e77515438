"""A new citizen on the embedded default: sign up, read the verification mail, verify, log in.

The site is the one ``make run`` serves (patches and demo data loaded with ``call_command``), with
its own mail backend (pytest-django swaps in the in-memory one, so the test puts it back): no mail
host, so the message is kept and an administrator reads it on the desk's "Thư đã gửi" page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from motcua.demo import loader as demo
from motcua.mailbox.models import OutgoingMail
from tests.browser.conftest import BROWSER, sign_in

pytestmark = BROWSER

EMAIL = "tran.van.cuong@example.vn"
PASSWORD = "Cat-Bi-2026-x"
SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
SAVE = os.environ.get("MOTCUA_SCREENSHOTS") == "1"


@pytest.fixture
def embedded_site(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "_logins_file", lambda: tmp_path / "demo-logins.txt")
    settings.EMAIL_BACKEND = "motcua.mailbox.backends.MailboxBackend"
    settings.MOTCUA_MAIL_DELIVER = False
    call_command("run_patches", verbosity=0)
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_new_citizen_signs_up_reads_the_mail_verifies_and_logs_in(
    embedded_site, browser, page, live_server
):
    main = page.get_by_role("main")

    # -- sign up -----------------------------------------------------------------------------
    # the first request of a process imports every URLconf (seconds on a loaded machine)
    page.goto(f"{live_server.url}/tai-khoan/dang-ky/", timeout=30_000)
    main.get_by_label("Họ và tên").fill("Trần Văn Cường")
    main.get_by_label("Thư điện tử").fill(EMAIL)
    main.get_by_label(re.compile(r"^Mật khẩu")).fill(PASSWORD)
    main.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    main.get_by_role("button", name="Đăng ký").click()

    # the page says where the mail is, not that it reached the citizen's mailbox
    expect(page.get_by_role("heading", level=1)).to_have_text("Thư xác minh đã được lưu")
    expect(main).to_contain_text("Thư đã gửi")
    assert not get_user_model().objects.get(username=EMAIL).is_active
    if SAVE:
        page.screenshot(path=SHOTS / "portal-signup-done-desktop.png", full_page=True)

    # -- an administrator reads it on the desk ------------------------------------------------
    admin_page = browser.new_context(locale="vi-VN").new_page()
    sign_in(admin_page, live_server, get_user_model().objects.get(username="quantri"))
    admin_page.goto(f"{live_server.url}/admin/")
    admin_page.get_by_role("link", name="Thư đã gửi").first.click()
    admin_page.get_by_role("link", name="Xác minh thư điện tử").click()
    link = admin_page.get_by_role("link", name=re.compile(r"tai-khoan.xac-minh"))
    expect(link).to_be_visible()
    url = link.get_attribute("href")
    if SAVE:
        admin_page.screenshot(path=SHOTS / "desk-outgoing-mail-desktop.png", full_page=True)
    admin_page.context.close()
    assert OutgoingMail.objects.get(to=EMAIL).outcome == OutgoingMail.Outcome.KEPT

    # -- the citizen opens the link: verified and logged in -----------------------------------
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
    expect(page.get_by_role("status").first).to_contain_text("Đã xác minh thư điện tử")

    # -- log out and in again with the password -------------------------------------------------
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    main.get_by_label("Thư điện tử hoặc số điện thoại").fill(EMAIL)
    main.get_by_label("Mật khẩu").fill(PASSWORD)
    main.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
