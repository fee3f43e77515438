"""Every form rendered to PDF for demo dossiers built through the lifecycle services."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.printing import context as ctx
from motcua.printing.registry import FORMS
from motcua.printing.render import render_form, render_form_pdf
from motcua.printing.selectors import dossier_print_links
from tests.builders import at
from tests.printing.conftest import pdf_images, pdf_text

HEADER = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
NAME = "Nguyễn Thị Bình"


def render_text(code, user, **kw) -> str:
    return pdf_text(render_form_pdf(code=code, user=user, **kw))


def assert_common(text: str, code: str):
    for line in HEADER:
        assert line in text
    assert FORMS[code].legal_basis.split(";")[0] in text


def test_registry_has_the_seven_forms_of_design_section_6():
    assert list(FORMS) == ["01", "02", "03", "04", "05", "06", "07"]
    assert [spec.code for spec in FORMS.values() if spec.has_qr] == ["01", "02", "04"]
    assert FORMS["06"].legal_basis.startswith("Mẫu số 06, Phụ lục I Thông tư 03/2025/TT-VPCP")
    assert FORMS["07"].legal_basis.startswith("Mẫu số 07, Phụ lục I Thông tư 03/2025/TT-VPCP")


#: Phụ lục I TT 03/2025/TT-VPCP as the texts that quote it number the forms (see the registry's
#: docstring: 01–03 Nghệ An 3857/QĐ-UBND, 06–07 Hà Nội 1594/QĐ-TTPVHCC, 05 named by TT 03 Điều 7,
#: 04–05 numbered by the secondary list only). Under TT 01/2018 the control sheet was 05.
ANNEX_I = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    "05": "Thông báo dừng giải quyết hồ sơ",
    "06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "07": "Sổ theo dõi hồ sơ",
}


def test_each_form_has_the_number_and_name_of_annex_i():
    assert {code: spec.name for code, spec in FORMS.items()} == ANNEX_I


def test_no_module_cites_a_form_by_the_former_numbering():
    """Issue 12, item 10: the code cited "mẫu số 05 TT 01/2018" for the control sheet (06 now)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "apps"
    former = re.compile(r"[Mm]ẫu( số)? 0\d[^\n]{0,60}01/2018")
    cited = [
        f"{path.relative_to(root)}:{number}"
        for path in [*root.rglob("*.py"), *root.rglob("*.html")]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if former.search(line)
    ]
    assert cited == []


def test_the_desk_menu_and_the_pdf_give_each_form_the_same_number(demo, world, frozen_print):
    """One numbering (TT 03/2025 Phụ lục I): "(mẫu 06)" in the menu is "Mẫu số 06" on paper."""
    links = {
        link.code: link.label
        for link in dossier_print_links(dossier=demo.full, user=world.users.reception)
    }
    assert links["06"].endswith("(mẫu 06)")
    for code, label in links.items():
        number = label.rsplit("mẫu ", 1)[1].rstrip(")")
        text = render_text(code, world.users.reception, dossier=demo.full)
        assert f"Mẫu số {number}, Phụ lục I Thông tư 03/2025/TT-VPCP" in text
        assert "01/2018" not in text


def test_form_01_receipt_and_appointment(demo, world, frozen_print):
    text = render_text("01", world.users.reception, dossier=demo.full)
    assert_common(text, "01")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Mã hồ sơ: 000.00.31.H27-250303-0001" in text
    assert f"Tiếp nhận hồ sơ của: {NAME}" in text
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG" in text  # parent agency, upper case
    assert "ỦY BAN NHÂN DÂN QUẬN HỒNG BÀNG" in text
    assert "Đơn đề nghị" in text and "Bản vẽ" in text
    assert "2. Số lượng hồ sơ: 01 (bộ)" in text
    assert "3. Thời gian giải quyết hồ sơ theo quy định là: 15 ngày làm việc" in text
    assert "4. Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 03/03/2025" in text
    # The appointment is the current due moment (moved by the supplement pause to 27/3 10:00).
    assert "5. Ngày hẹn trả kết quả: 10 giờ 00 phút, ngày 27/03/2025" in text
    assert "ngày 03 tháng 3 năm 2025" in text  # date line, NĐ 30/2020 style
    assert "Trần Thị Hoa" in text  # receiving officer, family name first
    assert "http://127.0.0.1:8000/tra-cuu/000.00.31.H27-250303-0001/" in text


def test_form_02_supplement_request(demo, world, frozen_print):
    text = render_text("02", world.users.spec1, dossier=demo.full)
    assert_common(text, "02")
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "000.00.31.H27-250303-0001" in text
    assert f"Hồ sơ của: {NAME}" in text
    assert "1. Bản vẽ mặt bằng tầng 2" in text and "2. Bản sao sổ đỏ" in text
    assert "Lý do: Bản vẽ thiếu chữ ký của đơn vị thiết kế." in text
    assert "ngày hẹn trả kết quả: 10 giờ 00 phút, ngày 27/03/2025" in text
    assert "ngày 05 tháng 3 năm 2025" in text  # the day of the request
    assert "Lê Minh Tuấn" in text  # the guiding officer


def test_form_03_refusal(demo, world, frozen_print):
    # refused after appraisal by the specialist: the unit's decision, signed by its leader
    text = render_text("03", world.users.reception, dossier=demo.refused)
    assert_common(text, "03")
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "000.00.31.H27-250304-0001" in text
    assert f"Kính gửi: {NAME}" in text
    assert "Thửa đất nằm trong quy hoạch đường giao thông" in text
    assert "Ủy ban nhân dân quận Hồng Bàng từ chối giải quyết hồ sơ này" in text


def test_form_03_after_appraisal_is_the_competent_units_signed_by_its_leader(
    demo, world, frozen_print
):
    text = render_text("03", world.users.reception, dossier=demo.refused)
    assert "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" not in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" not in text
    assert "THỦ TRƯỞNG CƠ QUAN" in text
    assert "Phạm Quốc Hùng" in text  # the unit's leader signs
    # the specialist who refused is named as the one who proposed it
    refuser = demo.refused.events.get(action="refuse").actor
    assert f"Cán bộ thẩm định: {ctx.person(refuser)}" in text


def test_form_03_at_intake_is_the_reception_desks_signed_by_the_officer(
    world, applicant, frozen_print
):
    from motcua.dossiers.models import Delivery

    with time_machine.travel(at(2025, 3, 4, 8, 0), tick=False):
        d = services.dossier_submit_online(
            procedure=world.procedure,
            unit=world.units.d,
            applicant=applicant,
            documents=[{"name": "Đơn đề nghị", "received": True}],
            delivery=Delivery.COUNTER,
            user=None,
        )
        d = services.dossier_refuse_intake(
            dossier=d, user=world.users.reception, reason="Hồ sơ không thuộc thẩm quyền"
        )
    text = render_text("03", world.users.reception, dossier=d)
    assert "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert "Trần Thị Hoa" in text
    assert "THỦ TRƯỞNG CƠ QUAN" not in text


def test_form_04_apology_keeps_due_and_prints_new_date(demo, world, frozen_print):
    text = render_text("04", world.users.leader, dossier=demo.full)
    assert_common(text, "04")
    assert "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert f"Kính gửi: {NAME}" in text
    assert "000.00.31.H27-250303-0001" in text
    assert "Thời hạn trả kết quả giải quyết hồ sơ: 10 giờ 00 phút, ngày 27/03/2025" in text
    assert "hẹn ngày trả kết quả vào: 17 giờ 00 phút, ngày 31/03/2025" in text
    assert "lý do: Phải chờ ý kiến của Sở Xây dựng" in text
    assert "ngày 26 tháng 3 năm 2025" in text


def test_form_05_stop_notice(demo, world, frozen_print):
    text = render_text("05", world.users.reception, dossier=demo.stopped)
    assert_common(text, "05")
    assert "THÔNG BÁO" in text and "Về việc dừng giải quyết hồ sơ thủ tục hành chính" in text
    assert "000.00.31.H27-250304-0002" in text
    assert f"Kính gửi: {NAME}" in text
    # received Tue 4/3 10:30 → due Tue 25/3 17:00; stopped Thu 6/3 09:45
    assert "ngày hẹn trả kết quả: 17 giờ 00 phút, ngày 25/03/2025" in text
    assert "kể từ 09 giờ 45 phút, ngày 06/03/2025" in text
    assert "Lý do: Người nộp đề nghị dừng giải quyết" in text


def test_form_06_control_sheet_rows_follow_the_steps(demo, world, frozen_print):
    # given the full dossier: step 1 early, step 2 and 3 late, result late (QĐ 766 §2.1)
    dossier = Dossier.objects.get(pk=demo.full.pk)
    rows, summary = ctx.control_rows(dossier, now=frozen_print)
    steps = list(dossier.steps.order_by("started_at", "id"))
    assert [r.step for r in rows[:3]] == [s.name for s in steps]
    assert [r.handed_over_at for r in rows[:3]] == [s.started_at for s in steps]
    assert [r.due_at for r in rows[:3]] == [s.due_at for s in steps]
    assert [r.finished_at for r in rows[:3]] == [s.finished_at for s in steps]
    assert [r.is_late for r in rows[:3]] == [s.is_late for s in steps] == [False, True, True]
    assert [r.outcome for r in rows] == ["Trước hạn", "Quá hạn", "Quá hạn", "Quá hạn"]
    assert [(r.giver, r.receiver) for r in rows] == [
        ("Trần Thị Hoa", "Lê Minh Tuấn"),
        ("Lê Minh Tuấn", "Vũ Văn Nam"),
        ("Vũ Văn Nam", "Phạm Quốc Hùng"),
        ("Trần Thị Hoa", NAME),
    ]
    assert rows[0].due_at == at(2025, 3, 18, 10, 0)  # moved by the pause
    assert "Yêu cầu bổ sung 10:00 05/03" in rows[0].note
    assert rows[3].handed_over_at == at(2025, 3, 28, 14, 30)
    assert summary == "Hồ sơ giải quyết quá hạn."

    # when printed, then the same rows are in the PDF
    text = render_text("06", world.users.leader, dossier=demo.full)
    assert_common(text, "06")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "000.00.31.H27-250303-0001" in text and NAME in text
    assert "Ngày hẹn trả kết quả: 10 giờ 00 phút, ngày 27/03/2025" in text
    assert "09:00 03/03/2025" in text  # hand-over to step 1
    assert "10:00 18/03/2025" in text  # its due moment
    assert text.count("Quá hạn") >= 3 and "Trước hạn" in text
    assert "Kết quả: Hồ sơ giải quyết quá hạn." in text


def test_form_06_open_dossier_marks_the_running_step(demo, world, frozen_print):
    dossier = Dossier.objects.get(pk=demo.other.pk)  # received 5/3, step 1 due 17/3, now 1/4
    rows, summary = ctx.control_rows(dossier, now=frozen_print)
    assert len(rows) == 1 and rows[0].finished_at is None
    assert (rows[0].outcome, rows[0].is_late) == ("Đang quá hạn", True)
    assert summary == "Hồ sơ đang quá hạn."


def test_form_07_ledger_lists_only_the_users_scope(demo, world, frozen_print):
    # given dossiers at Hồng Bàng (3) and Lê Chân (1) in March 2025
    kw = {"date_from": date(2025, 3, 1), "date_to": date(2025, 3, 31)}
    # when Hồng Bàng's reception prints Hồng Bàng's book
    text = render_text("07", world.users.reception, unit=world.units.d, **kw)
    assert_common(text, "07")
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Từ ngày 01/03/2025 đến ngày 31/03/2025 — 3 hồ sơ" in text
    for dossier in (demo.full, demo.refused, demo.stopped):
        assert dossier.code in text
    assert NAME in text
    assert "17:00 25/03/2025" in text  # the refused dossier's appointment
    assert "Phạm Văn Cường" not in text and demo.other.code not in text
    # when Lê Chân's officer asks for Hồng Bàng's book, nothing of Hồng Bàng is listed
    text = render_text("07", world.users.other_spec, unit=world.units.d, **kw)
    assert "0 hồ sơ" in text and demo.full.code not in text
    # and the city leader (subtree scope) sees Lê Chân's book
    text = render_text("07", world.users.city_leader, unit=world.units.d2, **kw)
    assert demo.other.code in text and "Phạm Văn Cường" in text and NAME not in text


def test_form_07_range_is_by_local_reception_day(demo, world, frozen_print):
    text = render_text(
        "07",
        world.users.reception,
        unit=world.units.d,
        date_from=date(2025, 3, 4),
        date_to=date(2025, 3, 4),
    )
    assert "— 2 hồ sơ" in text
    assert demo.refused.code in text and demo.stopped.code in text
    assert demo.full.code not in text


@pytest.mark.parametrize("code", ["01", "02", "04"])
def test_qr_code_image_on_forms_01_02_04(demo, world, frozen_print, code):
    pdf = render_form_pdf(code=code, user=world.users.leader, dossier=demo.full)
    assert pdf_images(pdf) == 1
    assert "tra-cuu/000.00.31.H27-250303-0001/" in pdf_text(pdf)


@pytest.mark.parametrize("code", ["03", "05", "06"])
def test_no_qr_code_on_other_forms(demo, world, frozen_print, code):
    dossier = {"03": demo.refused, "05": demo.stopped, "06": demo.full}[code]
    assert pdf_images(render_form_pdf(code=code, user=world.users.leader, dossier=dossier)) == 0


def test_applicant_text_is_escaped_not_html(world, applicant, documents, frozen_print):
    # given an applicant whose name and address carry HTML
    from tests.printing.conftest import _receive

    evil = {
        **applicant,
        "applicant_name": "Nguyễn Thị Bình <b>x</b><img src=x>",
        "applicant_address": "<script>alert(1)</script> & <i>Hồng Bàng</i>",
    }
    dossier = _receive(world, evil, documents, (2025, 3, 3, 9, 0))
    # when form 01 is rendered
    rendered = render_form(code="01", user=world.users.reception, dossier=dossier)
    # then the markup is printed literally and never becomes an element
    text = pdf_text(rendered.pdf)
    assert "Nguyễn Thị Bình <b>x</b><img src=x>" in text
    assert "<script>alert(1)</script> & <i>Hồng Bàng</i>" in text
    assert "<img src=x>" not in rendered.html
    assert "&lt;img src=x&gt;" in rendered.html
    assert pdf_images(rendered.pdf) == 1  # only the QR code


def test_dossier_outside_scope_cannot_be_rendered(demo, world):
    with pytest.raises(Dossier.DoesNotExist):
        render_form_pdf(code="01", user=world.users.other_spec, dossier=demo.full)


def test_pdf_is_a4(demo, world, frozen_print):
    import io

    from pypdf import PdfReader

    portrait = (
        PdfReader(
            io.BytesIO(render_form_pdf(code="01", user=world.users.reception, dossier=demo.full))
        )
        .pages[0]
        .mediabox
    )
    assert (
        round(float(portrait.width) / 72 * 25.4),
        round(float(portrait.height) / 72 * 25.4),
    ) == (210, 297)
    landscape = (
        PdfReader(
            io.BytesIO(render_form_pdf(code="06", user=world.users.reception, dossier=demo.full))
        )
        .pages[0]
        .mediabox
    )
    assert round(float(landscape.width) / 72 * 25.4) == 297


def test_print_links_offer_only_the_forms_that_apply(demo, world):
    full = [
        link.code for link in dossier_print_links(dossier=demo.full, user=world.users.reception)
    ]
    assert full == ["01", "02", "04", "06"]
    assert [
        link.code for link in dossier_print_links(dossier=demo.refused, user=world.users.reception)
    ] == ["01", "03", "06"]
    assert [
        link.code for link in dossier_print_links(dossier=demo.stopped, user=world.users.reception)
    ] == ["01", "05", "06"]
    link = dossier_print_links(dossier=demo.full, user=world.users.reception)[0]
    assert link.url == f"/print/dossiers/{demo.full.pk}/01/" and link.signed_url == ""  # no cert


def test_form_07_says_when_the_book_is_cut(demo, world, frozen_print, monkeypatch):
    monkeypatch.setattr(ctx, "LEDGER_MAX_ROWS", 2)
    text = render_text(
        "07",
        world.users.reception,
        unit=world.units.d,
        date_from=date(2025, 3, 1),
        date_to=date(2025, 3, 31),
    )
    assert "Chỉ in 2 hồ sơ đầu tiên trên tổng số 3" in text
    assert demo.stopped.code not in text  # the third by reception time
