"""A citizen's whole journey through the portal's real pages, in Chromium.

Find the procedure by an unaccented query → open it → log in → fill the generated form (one
validation error first) with a PDF → submit → read the code → log out → look the dossier up with
code + phone → an officer asks for a supplement → log in from the status page and upload it → the
officers finish with a result file, online delivery → download the result (a PDF) → pay in the
sandbox → rate "Rất hài lòng". The officers act through the lifecycle services (deterministic and
fast; the desk pages have their own tests). Locators are by label and role, so the labels are
checked on the way.
"""

from __future__ import annotations

import io
import re

from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from motcua.dossiers import services as lifecycle
from motcua.dossiers.models import Delivery, Dossier
from motcua.dossiers.states import Status
from motcua.integrations.models import Payment, PaymentStatus
from motcua.portal.models import Rating
from tests.browser.conftest import (
    BROWSER,
    CITIZEN_EMAIL,
    CITIZEN_PASSWORD,
    PROCEDURE_NAME,
    pdf_bytes,
    pdf_file,
)

pytestmark = BROWSER


def _log_in(page) -> None:
    main = page.get_by_role("main")
    main.get_by_label("Thư điện tử hoặc số điện thoại").fill(CITIZEN_EMAIL)
    main.get_by_label("Mật khẩu").fill(CITIZEN_PASSWORD)
    main.get_by_role("button", name="Đăng nhập").click()


def test_a_citizen_applies_supplements_pays_downloads_and_rates(portal_world, page, live_server):
    u = portal_world.users
    main = page.get_by_role("main")

    # -- home → catalogue: an unaccented query finds the accented name ---------------------------
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dịch vụ công trực tuyến")
    main.get_by_label("Tên hoặc mã thủ tục").fill("cap phep xay dung")
    main.get_by_role("button", name="Tìm kiếm").click()
    expect(page).to_have_url(re.compile(r"/thu-tuc/\?q=cap\+phep\+xay\+dung"))
    expect(main.get_by_role("heading", name="1 thủ tục")).to_be_visible()
    main.get_by_role("link", name=PROCEDURE_NAME).click()

    # -- the procedure page ----------------------------------------------------------------------
    expect(page.get_by_role("heading", level=1)).to_have_text(PROCEDURE_NAME)
    expect(main).to_contain_text("1.009994")
    expect(main).to_contain_text("Lệ phí cấp giấy phép xây dựng")
    expect(main).to_contain_text(re.compile(r"75\.000\s₫"))
    main.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()

    # -- the form asks for an account: log in (a verified citizen) and come back -----------------
    expect(page.get_by_role("heading", level=1)).to_have_text("Nộp hồ sơ trực tuyến")
    expect(main).to_contain_text("để nộp hồ sơ cần đăng nhập")
    main.get_by_role("link", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    _log_in(page)
    expect(page).to_have_url(f"{live_server.url}/thu-tuc/1.009994/nop-ho-so/")

    # the applicant's part comes from the account's profile
    expect(main.get_by_label("Họ và tên người nộp")).to_have_value("Nguyễn Thị Bình")
    expect(main.get_by_label("Số định danh cá nhân (CCCD)")).to_have_value("031190001234")
    expect(main.get_by_label("Số điện thoại")).to_have_value("0912345678")
    main.get_by_label("Nơi nộp hồ sơ").select_option(
        label="Ủy ban nhân dân quận Hồng Bàng (000.00.31.H27)"
    )

    # the generated part: text, number with a minimum, select, date, phone; a PDF upload
    main.get_by_label("Tên công trình").fill("Nhà ở gia đình bà Bình")
    area = main.get_by_label("Tổng diện tích sàn (m²)")
    area.fill("12")  # below the minimum of 20
    main.get_by_label("Loại nhà ở").select_option("Nhà ở riêng lẻ")
    main.get_by_label("Ngày dự kiến khởi công").fill("2025-09-15")
    main.get_by_label("Điện thoại người giám sát thi công").fill("0987 654 321")
    main.get_by_label("Đơn đề nghị").set_input_files(pdf_file("don-de-nghi.pdf"))
    main.get_by_label("Nhận trực tuyến").check()
    main.get_by_role("button", name="Nộp hồ sơ").click()

    # one error, summarised and tied to its input; the other input is kept
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Hồ sơ chưa được lưu: vui lòng sửa các lỗi sau")
    expect(summary).to_contain_text("“Tổng diện tích sàn (m²)” phải lớn hơn hoặc bằng 20.")
    expect(area).to_have_attribute("aria-invalid", "true")
    expect(main.get_by_label("Tên công trình")).to_have_value("Nhà ở gia đình bà Bình")
    assert Dossier.objects.count() == 0
    area.fill("126,5")  # the Vietnamese decimal comma
    main.get_by_label("Đơn đề nghị").set_input_files(pdf_file("don-de-nghi.pdf"))
    main.get_by_role("button", name="Nộp hồ sơ").click()

    # -- the confirmation: the dossier's code ----------------------------------------------------
    confirmation = page.get_by_role("status").filter(has_text="Nộp hồ sơ thành công")
    expect(confirmation).to_be_visible()
    code = re.search(r"Mã hồ sơ của ông/bà là (\S+);", confirmation.inner_text()).group(1)
    dossier = Dossier.objects.get()
    assert code == dossier.code and code.startswith("000.00.31.H27-")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {code}")
    assert dossier.form_data["dien_tich_san"] == "126.5"
    assert dossier.form_data["ngay_khoi_cong"] == "2025-09-15"
    assert dossier.delivery == Delivery.ONLINE
    assert dossier.documents.get(name="Đơn đề nghị").file.read().startswith(b"%PDF-1.4")

    # -- log out; look it up anonymously with code + phone --------------------------------------
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Tra cứu hồ sơ"
    ).click()
    main.get_by_label("Mã hồ sơ").fill(code)
    main.get_by_label("Số điện thoại hoặc số định danh (CCCD) của người nộp").fill("0912 345 678")
    main.get_by_role("button", name="Tra cứu").click()
    expect(page).to_have_url(f"{live_server.url}/tra-cuu/{code}/")
    status_box = main.locator(".status-box")
    expect(status_box).to_contain_text("đang chờ cán bộ một cửa kiểm tra và tiếp nhận")
    expect(main).to_contain_text("Nguyễn Thị Bình")

    # -- the officers accept it and the specialist asks for a supplement -------------------------
    dossier = lifecycle.dossier_accept(dossier=dossier, user=u.reception, assignee=u.spec1)
    dossier = lifecycle.dossier_request_supplement(
        dossier=dossier, user=u.spec1, items=["Bản vẽ mặt bằng tầng 1 có chữ ký của chủ đầu tư"]
    )

    # the anonymous visitor sees what is missing, and logs in to upload it
    page.reload()
    expect(status_box).to_contain_text("Hồ sơ cần bổ sung")
    supplement = main.locator(
        "section", has=page.get_by_role("heading", name="Nội dung cần bổ sung")
    )
    expect(supplement).to_contain_text("Bản vẽ mặt bằng tầng 1 có chữ ký của chủ đầu tư")
    expect(main.get_by_role("button", name="Gửi bổ sung")).to_have_count(0)
    main.get_by_role("link", name="đăng nhập").click()
    _log_in(page)
    expect(page).to_have_url(f"{live_server.url}/tra-cuu/{code}/")
    supplement.get_by_label("Bản vẽ mặt bằng tầng 1 có chữ ký của chủ đầu tư").set_input_files(
        pdf_file("mat-bang-tang-1.pdf", "Ban ve mat bang tang 1")
    )
    supplement.get_by_label("Ghi chú gửi cán bộ").fill("Đã bổ sung bản vẽ có chữ ký.")
    supplement.get_by_role("button", name="Gửi bổ sung").click()
    expect(page.get_by_role("status").filter(has_text="Đã gửi bổ sung hồ sơ")).to_be_visible()
    expect(status_box).to_contain_text("Hồ sơ đang được giải quyết.")
    expect(main.get_by_role("heading", name="Nội dung cần bổ sung")).to_have_count(0)
    documents = main.locator("section", has=page.get_by_role("heading", name="Giấy tờ đã nộp"))
    expect(documents).to_contain_text("bổ sung")
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS

    # -- the officers finish: consultation, signature with the result file ----------------------
    dossier = lifecycle.dossier_forward(dossier=dossier, user=u.spec1, assignee=u.spec1)
    dossier = lifecycle.consultation_answer(
        dossier=dossier, user=u.sxd_spec, answer="Phù hợp quy hoạch."
    )
    dossier = lifecycle.dossier_forward(dossier=dossier, user=u.spec1)
    today = timezone.localdate()
    dossier = lifecycle.dossier_issue_result(
        dossier=dossier,
        user=u.leader,
        result_number="125/GPXD",
        result_date=today,
        result_file=ContentFile(pdf_bytes("Giay phep xay dung 125/GPXD"), name="gpxd.pdf"),
    )
    assert dossier.status == Status.RESULT_READY

    # -- the citizen sees the result and downloads it -------------------------------------------
    page.reload()
    expect(status_box).to_contain_text(
        "Đã có kết quả. Ông/bà tải kết quả ở mục “Kết quả” bên dưới."
    )
    result = main.locator("section", has=page.get_by_role("heading", name="Kết quả", exact=True))
    expect(result).to_contain_text(f"Số 125/GPXD, ngày {today:%d/%m/%Y}")
    link = result.get_by_role("link", name="Tải kết quả")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f"ket-qua-{code}" in response.headers["content-disposition"]
    body = response.body()
    assert body.startswith(b"%PDF-")
    assert "125/GPXD" in PdfReader(io.BytesIO(body)).pages[0].extract_text()

    # -- pay the fee in the sandbox --------------------------------------------------------------
    payment = main.locator("section.payment")
    expect(payment).to_contain_text(re.compile(r"75\.000\s₫"))
    expect(payment).to_contain_text("Chưa nộp")
    payment.get_by_role("button", name="Thanh toán trực tuyến").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cổng thanh toán thử nghiệm")
    expect(page.get_by_text(code)).to_be_visible()
    page.get_by_role("button", name="Thanh toán thành công").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thanh toán thành công")
    page.get_by_role("link", name="Quay lại trang hồ sơ").click()
    expect(page).to_have_url(f"{live_server.url}/tra-cuu/{code}/")
    expect(payment).to_contain_text("Đã nộp — thanh toán trực tuyến")
    expect(payment.get_by_role("button", name="Thanh toán trực tuyến")).to_have_count(0)
    assert Payment.objects.get(dossier=dossier).status == PaymentStatus.PAID

    # -- rate the service ------------------------------------------------------------------------
    rating = main.locator(
        "section", has=page.get_by_role("heading", name="Đánh giá mức độ hài lòng")
    )
    rating.get_by_label("Rất hài lòng", exact=True).check()
    rating.get_by_label("Góp ý (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình, có kết quả sớm.")
    rating.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("status").filter(has_text="Cảm ơn ông/bà đã đánh giá.")).to_be_visible()
    given = main.locator("section", has=page.get_by_role("heading", name="Đánh giá của ông/bà"))
    expect(given).to_contain_text("Rất hài lòng — Cán bộ hướng dẫn tận tình, có kết quả sớm.")
    expect(main.get_by_role("button", name="Gửi đánh giá")).to_have_count(0)
    expect(main.get_by_role("heading", name="Đánh giá mức độ hài lòng")).to_have_count(0)
    assert Rating.objects.get(dossier=dossier).score == 5

    # -- the counter records the online return: the dossier is complete -------------------------
    lifecycle.dossier_return_result(dossier=dossier, user=u.reception, delivery=Delivery.ONLINE)
    page.reload()
    expect(status_box).to_contain_text("Đã trả kết quả. Hồ sơ đã hoàn thành.")
    expect(result.get_by_role("link", name="Tải kết quả")).to_be_visible()
