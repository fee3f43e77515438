"""Issue 16 in the browser: the transfer that must land on a workable step (1), the return that
waits for the fee (2) and goes by post with its tracking number (3), and the citizen's status page
in every state of the lifecycle (4).

With ``MOTCUA_SCREENSHOTS=1`` the status page of each state is (re)written to
``docs/screenshots/status-<state>-phone.png`` (as ``test_screenshots.py`` does for the main pages).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from motcua.dossiers import services as lifecycle
from motcua.dossiers.models import Delivery, Dossier
from motcua.dossiers.states import Status
from tests.browser.conftest import BROWSER, PHONE, sign_in

pytestmark = BROWSER

SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
SAVE = os.environ.get("MOTCUA_SCREENSHOTS") == "1"
MAX_BYTES = 400 * 1024
ADDRESS = "Số 5 ngõ 12 Trần Nguyên Hãn, phường Cát Dài, quận Lê Chân"
APPLICANT = {
    "applicant_name": "Nguyễn Thị Bình",
    "applicant_id_number": "031190001234",
    "applicant_phone": "0912345678",
    "applicant_email": "binh@example.vn",
    "applicant_address": "12 Lý Tự Trọng, phường Hoàng Văn Thụ, quận Hồng Bàng",
}
DOCUMENTS = [{"name": "Đơn đề nghị", "received": True}, {"name": "Bản vẽ", "received": True}]


def _received(w, **kw) -> Dossier:
    """A counter dossier of the citizen (linked to their account), at step 1 with chuyenvien1."""
    d = lifecycle.dossier_receive(
        user=w.users.reception,
        procedure=w.procedure,
        unit=w.units.d,
        applicant=APPLICANT,
        documents=DOCUMENTS,
        assignee=w.users.spec1,
        **kw,
    )
    Dossier.objects.filter(pk=d.pk).update(applicant_user=w.citizen)
    return Dossier.objects.get(pk=d.pk)


def _result_ready(w, **kw) -> Dossier:
    u = w.users
    d = _received(w, **kw)
    d = lifecycle.dossier_forward(dossier=d, user=u.spec1, assignee=u.spec2)
    d = lifecycle.consultation_answer(dossier=d, user=u.sxd_spec, answer="Thống nhất.")
    d = lifecycle.dossier_forward(dossier=d, user=u.spec2, assignee=u.leader)
    return lifecycle.dossier_issue_result(
        dossier=d, user=u.leader, result_number="125/GPXD", result_date=timezone.localdate()
    )


def _slow(page):
    """The desk's pages take a while on a shared machine: wait longer for them."""
    page.set_default_navigation_timeout(30_000)
    page.set_default_timeout(15_000)


def _act(page, action: str, fields: dict, *, select: dict | None = None) -> None:
    """Open an action of the desk's dossier page, fill it and submit it."""
    box = page.locator(f'details[data-action="{action}"]')
    box.locator("summary").click()
    for selector, value in (select or {}).items():
        box.locator(selector).select_option(label=value)
    for selector, value in fields.items():
        box.locator(selector).fill(value)
    box.locator('button[type="submit"]').click()
    page.wait_for_load_state("load")


# ----------------------------------------------------------------------------- 1. transfer


def test_a_transfer_offers_the_landing_step_and_refuses_one_nobody_can_work(
    portal_world, page, live_server
):
    w = portal_world
    d = _received(w)
    _slow(page)
    sign_in(page, live_server, w.users.spec1)
    page.goto(f"{live_server.url}/desk/dossiers/{d.pk}/")
    step = page.locator('details[data-action="transfer"]').get_by_label(
        "Bước xử lý tại đơn vị nhận"
    )
    expect(step).to_have_value("0")  # the first step of the workflow by default
    # when: the officer picks the leader's step at Lê Chân, which has no leader
    _act(
        page,
        "transfer",
        {},
        select={
            "#id_transfer_to_unit": str(w.units.d2),
            "#id_transfer_to_step": "3. Lãnh đạo phê duyệt, ký",
        },
    )
    expect(page.locator("#desk-main")).to_contain_text(
        "tại Ủy ban nhân dân quận Lê Chân (000.00.32.H27) không có cán bộ đang hoạt động giữ "
        "vai trò Lãnh đạo đơn vị để xử lý bước “Lãnh đạo phê duyệt, ký”"
    )
    assert Dossier.objects.get(pk=d.pk).current_unit == w.units.d
    # then: the first step, which Lê Chân's specialist works, is accepted
    page.goto(f"{live_server.url}/desk/dossiers/{d.pk}/")
    _act(page, "transfer", {}, select={"#id_transfer_to_unit": str(w.units.d2)})
    d = Dossier.objects.get(pk=d.pk)
    assert (d.current_unit, d.current_step.index) == (w.units.d2, 0)
    assert d.current_step.assignee == w.users.other_spec


# ----------------------------------------------------------------------------- 2 and 3


def test_the_result_waits_for_the_fee_then_goes_by_post_with_its_tracking_number(
    portal_world, page, live_server
):
    w = portal_world
    d = _result_ready(w, delivery=Delivery.POST)
    Dossier.objects.filter(pk=d.pk).update(delivery_address=ADDRESS)
    _slow(page)
    sign_in(page, live_server, w.users.reception)
    page.goto(f"{live_server.url}/desk/dossiers/{d.pk}/")
    # 2. returning while the 75.000 ₫ fee is unpaid is refused
    _act(page, "return_result", {"#id_return_result_postal_tracking": "EL123456789VN"})
    expect(page.locator("#desk-main")).to_contain_text("Hồ sơ chưa nộp phí, lệ phí")
    assert Dossier.objects.get(pk=d.pk).status == Status.RESULT_READY
    # the counter records the payment with its receipt number
    page.goto(f"{live_server.url}/desk/dossiers/{d.pk}/")
    _act(page, "record_payment", {"#id_record_payment_receipt_number": "BL-0001234"})
    expect(page.locator("dd[data-fee]")).to_contain_text("biên lai số BL-0001234")
    expect(page.locator("dd[data-fee]")).to_contain_text("Trần Thị Hoa")
    # 3. then the result goes by post
    _act(page, "return_result", {"#id_return_result_postal_tracking": "EL123456789VN"})
    d = Dossier.objects.get(pk=d.pk)
    assert d.status == Status.RETURNED
    delivery = page.locator("dd[data-delivery]")
    expect(delivery).to_contain_text(ADDRESS)  # the address stays next to the tracking number
    expect(delivery).to_contain_text("EL123456789VN")
    # the citizen sees the carrier, the tracking number and the day, and no payment is offered
    page.context.clear_cookies()
    sign_in(page, live_server, w.citizen)
    page.goto(f"{live_server.url}/tra-cuu/{d.code}/")
    postal = page.locator("dd[data-postal]")
    expect(postal).to_contain_text("Bưu điện Việt Nam (VNPost)")
    expect(postal).to_contain_text("EL123456789VN")
    expect(postal).to_contain_text(timezone.localdate().strftime("%d/%m/%Y"))
    expect(page.get_by_role("main")).to_contain_text("Đã nộp — tại bộ phận một cửa")
    expect(page.get_by_role("button", name="Thanh toán trực tuyến")).to_have_count(0)


# ----------------------------------------------------------------------------- 4. status page


def _submitted(w):
    d = lifecycle.dossier_submit_online(
        procedure=w.procedure,
        unit=w.units.d,
        applicant=APPLICANT,
        documents=[{"name": "Đơn đề nghị", "received": True}],
        delivery=Delivery.ONLINE,
        user=w.citizen,
    )
    return d


def _suspended(w):
    return lifecycle.dossier_suspend(
        dossier=_received(w),
        user=w.users.spec1,
        reason="Chờ kết quả đo đạc của Văn phòng đăng ký đất đai",
    )


def _supplement(w):
    return lifecycle.dossier_request_supplement(
        dossier=_received(w),
        user=w.users.spec1,
        items=["Bản vẽ mặt bằng tầng 1 có chữ ký của chủ đầu tư"],
        note="Bản vẽ nộp chưa có chữ ký.",
    )


def _returned(w):
    d = _result_ready(w)
    d = lifecycle.dossier_record_payment(
        dossier=d, user=w.users.reception, receipt_number="BL-0001234"
    )
    return lifecycle.dossier_return_result(dossier=d, user=w.users.reception, delivery="counter")


def _ended(service, who):
    def build(w):
        return service(dossier=_received(w), user=getattr(w.users, who), reason="Theo đề nghị")

    return build


#: state → (how to build it, what the page must say, whether the appointment date is shown)
STATES = {
    "submitted": (_submitted, "đang chờ cán bộ một cửa kiểm tra và tiếp nhận", False),
    "in-progress": (_received, "Cơ quan đang giải quyết: Ủy ban nhân dân quận Hồng Bàng", True),
    "supplement": (_supplement, "Ông/bà cần gửi bổ sung", False),
    "suspended": (_suspended, "Lý do: Chờ kết quả đo đạc của Văn phòng đăng ký đất đai", False),
    "result-ready": (_result_ready, "Có kết quả từ", True),
    "returned": (_returned, "Đã trả kết quả lúc", False),
    "refused": (_ended(lifecycle.dossier_refuse, "spec1"), "Hồ sơ bị từ chối giải quyết", False),
    "withdrawn": (_ended(lifecycle.dossier_withdraw, "reception"), "Hồ sơ đã được rút", False),
    "stopped": (_ended(lifecycle.dossier_stop, "spec1"), "Dừng giải quyết từ", False),
}


def _save(page, name: str) -> None:
    if not SAVE:
        return
    target = SHOTS / f"status-{name}-phone.png"
    page.screenshot(path=str(target), type="png", full_page=True)
    if target.stat().st_size > MAX_BYTES:
        page.screenshot(
            path=str(target),
            type="png",
            clip={"x": 0, "y": 0, "width": PHONE["width"], "height": 2400},
        )
    assert target.stat().st_size <= MAX_BYTES, (target, target.stat().st_size)


@pytest.mark.parametrize("state", list(STATES))
def test_the_status_page_states_the_situation_in_every_state(
    state, portal_world, page, live_server
):
    build, said, appointment = STATES[state]
    d = build(portal_world)
    _slow(page)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, portal_world.citizen)
    page.goto(f"{live_server.url}/tra-cuu/{d.code}/")
    box = page.locator(".status-box")
    expect(box).to_contain_text(said)
    if appointment:
        expect(box).to_contain_text("Ngày hẹn trả kết quả")
    else:
        expect(box).not_to_contain_text("Ngày hẹn trả kết quả")
    if Status(d.status) in (Status.RETURNED, Status.REJECTED, Status.WITHDRAWN, Status.STOPPED):
        for offer in ("Gửi bổ sung", "Rút hồ sơ", "Lưu hình thức nhận kết quả"):
            expect(page.get_by_role("button", name=offer)).to_have_count(0)
        expect(page.get_by_role("button", name="Thanh toán trực tuyến")).to_have_count(0)
    page.wait_for_load_state("load")
    _save(page, state)
