"""The ledger (form 07) desk page in a browser: a reception officer reads a day's book on a phone
(each row a card naming its columns, nothing wider than the screen, every input named), asks for
the PDF and gets the task's page; printed, only the book is on paper.

With ``MOTCUA_SCREENSHOTS=1`` the page is written to ``docs/screenshots/portal-desk-ledger-*.png``.
"""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from motcua.dossiers import services as lifecycle
from tests.browser.conftest import BROWSER, DESKTOP, PHONE, sign_in
from tests.browser.test_screenshots import OVERFLOW, UNNAMED, _save

pytestmark = BROWSER


def test_a_reception_officer_reads_the_days_ledger_on_a_phone_and_prints_it(
    portal_world, page, live_server
):
    w = portal_world
    received = [
        lifecycle.dossier_receive(
            user=w.users.reception,
            procedure=w.procedure,
            unit=w.units.d,
            applicant={"applicant_name": name, "applicant_phone": "0987654321"},
            documents=[{"name": "Đơn đề nghị", "received": True}],
        )
        for name in ("Trần Văn An", "Lê Thị Bích")
    ]
    sign_in(page, live_server, w.users.reception)
    page.set_viewport_size(PHONE)
    day = f"{timezone.localdate():%d/%m/%Y}"
    page.goto(f"{live_server.url}/print/ledger/?unit={w.units.d.pk}&from={day}&to={day}")
    table = page.get_by_role("table")
    expect(table).to_contain_text("2 hồ sơ")  # the caption
    for dossier in received:
        expect(table.get_by_role("rowheader", name=dossier.code)).to_be_visible()
    # on a phone each cell names its column (the header row is for screen readers only)
    card = table.get_by_role("row").filter(has_text="Trần Văn An")
    label = card.locator('[data-label="Cá nhân, tổ chức"]')
    assert "Cá nhân, tổ chức" in label.evaluate("el => getComputedStyle(el, '::before').content")
    width = page.evaluate(OVERFLOW)
    assert width["scroll"] <= width["inner"] + 1, f"the ledger scrolls sideways: {width}"
    assert page.evaluate(UNNAMED, "#desk-main") == []
    _save(page, "desk-ledger", "phone")
    page.set_viewport_size(DESKTOP)
    _save(page, "desk-ledger", "desktop")
    # printed: the book only, not the filters and buttons
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Xem sổ")).to_be_hidden()
    expect(table).to_be_visible()
    page.emulate_media(media="screen")
    # the PDF is asked for and made by a job (inline here); the task page links the file
    page.get_by_role("button", name="Tạo tệp PDF (mẫu 07)").click()
    expect(page.get_by_role("link", name="Mở tệp kết quả (PDF)")).to_be_visible()
