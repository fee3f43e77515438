"""In Chromium: a manager builds, saves and exports a report, opens the dashboard, clicks a number
and gets the same count of dossiers. With ``MOTCUA_SCREENSHOTS=1`` it (re)writes
``docs/screenshots/reports-dashboard-desktop.png`` and ``reports-builder-desktop.png``.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from django.conf import settings
from openpyxl import load_workbook
from playwright.sync_api import expect

from motcua.reports.summaries import summaries_roll
from tests.browser.conftest import BROWSER, sign_in

pytestmark = BROWSER

SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
SAVE = os.environ.get("MOTCUA_SCREENSHOTS") == "1"


def test_manager_builds_saves_exports_and_drills_down(page, live_server, world, march):
    page.context.set_default_timeout(30_000)  # the report pages aggregate; the machine is shared
    summaries_roll()  # the due sweep rolled the months that ended: the dashboard reads summaries
    sign_in(page, live_server, world.users.city_leader)

    # builds a report: dossiers by receiving unit and status, counted, as a cross-tab
    page.goto(f"{live_server.url}/desk/reports/builder/")
    page.get_by_label("Nhóm theo", exact=True).select_option("unit.name")
    page.get_by_label("Nhóm tiếp theo").select_option("status")
    page.get_by_label("Trình bày").select_option("crosstab")
    page.get_by_label("Lọc theo trường 1").select_option("received_at")
    page.get_by_label("Phép so sánh 1").select_option("range")
    page.get_by_label("Giá trị 1").fill("01/03/2025")
    page.get_by_label("Đến (khoảng) 1").fill("31/03/2025")
    # a second filter row is added and removed again with the buttons (no JSON anywhere)
    page.get_by_role("button", name="+ Thêm điều kiện lọc").click()
    expect(page.get_by_label("Lọc theo trường 2")).to_be_visible()
    expect(page.get_by_label("Giá trị 1")).to_have_value("01/03/2025")
    page.get_by_role("button", name="Bỏ điều kiện lọc 2").click()
    expect(page.get_by_label("Lọc theo trường 2")).to_have_count(0)
    page.get_by_role("button", name="Xem báo cáo", exact=True).last.click()
    table = page.locator("table[data-report=crosstab]")
    expect(table).to_contain_text("Ủy ban nhân dân quận Hồng Bàng")
    expect(table.locator("tr").last).to_contain_text("7")  # grand total: received in March
    if SAVE:
        page.screenshot(path=str(SHOTS / "reports-builder-desktop.png"), full_page=True)

    # saves it with a name
    page.get_by_label("Tên báo cáo").fill("Hồ sơ tháng 3 theo đơn vị")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("status").or_(page.locator("li[role=status]"))).to_contain_text(
        "Đã lưu báo cáo"
    )
    expect(page.get_by_role("heading", name="Hồ sơ tháng 3 theo đơn vị")).to_be_visible()

    # exports it as XLSX
    with page.expect_download() as info:
        page.get_by_role("link", name="XLSX").click()
    rows = list(load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active.values)
    assert rows[-1][0] == "Tổng cộng" and rows[-1][-1] == 7

    # opens the dashboard, types March as dd/mm/yyyy and clicks the number of dossiers handled
    page.goto(f"{live_server.url}/desk/reports/")
    page.get_by_label("Từ ngày").fill("01/03/2025")
    page.get_by_label("Đến ngày").fill("31/03/2025")
    page.get_by_role("button", name="Xem", exact=True).click()
    number = page.locator("a[data-count=handled]")
    expect(number).to_have_text("8")
    if SAVE:
        page.screenshot(path=str(SHOTS / "reports-dashboard-desktop.png"), full_page=True)
    number.click()
    expect(page.locator("[data-total]")).to_have_text("8")
    expect(page.locator("#desk-main table tbody tr")).to_have_count(8)
