"""New portal pages of the day-one fixes, at phone and desktop width: the accounts page and the
friendly 404. No input without a name, no sideways scroll on a phone; with
``MOTCUA_SCREENSHOTS=1`` they are written to ``docs/screenshots/``."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER, DESKTOP, PHONE
from tests.browser.test_screenshots import OVERFLOW, UNNAMED, _save

pytestmark = BROWSER

PAGES = {
    "account": ("/tai-khoan/", "Tài khoản", 200),
    "not-found": ("/khong-co-trang-nay/", "Không tìm thấy trang", 404),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_new_pages_at_phone_and_desktop_width(name, page, live_server):
    path, heading, status = PAGES[name]
    page.set_viewport_size(PHONE)
    response = page.goto(live_server.url + path, timeout=30_000)
    assert response.status == status
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    width = page.evaluate(OVERFLOW)
    assert page.evaluate(UNNAMED, "#main") == []
    _save(page, name, "phone")
    page.set_viewport_size(DESKTOP)
    _save(page, name, "desktop")
    assert width["scroll"] <= width["inner"] + 1, f"{name} scrolls sideways on a phone: {width}"
