"""The counter in a real browser, keyboard only: type a code, Enter, fill, Space, Enter, print."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="needs Debian's chromium"),
]


@pytest.fixture
def page(live_server):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync ORM + Playwright
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser.new_page(viewport={"width": 1280, "height": 900})
        browser.close()


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_a_dossier_is_received_with_the_keyboard(world, page, live_server):
    from motcua.dossiers.models import Dossier

    world.users.reception.set_password("x")
    world.users.reception.save()
    page.goto(f"{live_server.url}/admin/login/?next=/desk/receive/")
    page.fill("#id_username", "motcua")
    page.fill("#id_password", "x")
    page.press("#id_password", "Enter")
    page.wait_for_url("**/desk/receive/")
    page.wait_for_load_state("load")
    # the procedure search has the focus; a code and Enter pick the procedure
    assert _focused_id(page) == "id_q"
    page.keyboard.type("1.009994")
    page.keyboard.press("Enter")
    page.wait_for_selector("#id_applicant_name")
    page.wait_for_load_state("load")
    assert _focused_id(page) == "id_applicant_name"
    page.keyboard.type("Nguyễn Thị Bình")
    for box in ("#id_doc_0", "#id_doc_1"):
        page.focus(box)
        page.keyboard.press("Space")
    page.focus("#id_applicant_phone")
    page.keyboard.type("0912345678")
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/dossiers/*/")
    dossier = Dossier.objects.get()
    assert f"Đã tiếp nhận hồ sơ {dossier.code}" in page.content()
    # one more click: the receipt (form 01 as a PDF)
    receipt = page.get_by_role("link", name="In giấy tiếp nhận")
    assert receipt.get_attribute("href") == f"/print/dossiers/{dossier.pk}/01/"
    pdf = page.request.get(live_server.url + receipt.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
