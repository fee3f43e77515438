"""Legacy import (dossiers/legacy/, docs/legacy-import.md): a merged province brings the history
of its old systems. All or nothing per file, errors per row, one ``import`` event per dossier,
and the imported dossiers count in the statistics."""

import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from motcua.dossiers.models import Dossier, DossierEvent, DossierImport, ImportStatus
from motcua.dossiers.permissions import ActionForbidden
from motcua.dossiers.search_index import search_index_check
from motcua.dossiers.services import dossiers_import
from motcua.dossiers.states import Action
from tests.builders import at

pytestmark = pytest.mark.django_db

HEADER = [
    "Mã hồ sơ",
    "Mã thủ tục",
    "Người nộp",
    "Số điện thoại",
    "Mã đơn vị tiếp nhận",
    "Thời điểm tiếp nhận",
    "Hạn trả kết quả",
    "Thời điểm kết thúc xử lý",
    "Trạng thái",
]
BAD = {9: "procedure", 499: "moments", 899: "duplicate"}  # data row i is file row i + 2


def _rows(count=1000, bad=True):
    start = at(2025, 3, 3, 8, 0)
    rows = []
    for i in range(count):
        received = start + timedelta(minutes=15 * i)
        due = received + timedelta(days=10)
        finished = received + timedelta(days=12 if i % 5 == 1 else 2)
        status = "Từ chối" if i % 10 == 0 else "Đã trả kết quả"
        row = [
            f"HB-2025-{i + 1:06d}",
            "1.009994",
            f"Người nộp {i}",
            "0912000000",
            "000.00.31.H27",
            received.strftime("%d/%m/%Y %H:%M"),
            due.strftime("%d/%m/%Y %H:%M"),
            finished.strftime("%d/%m/%Y %H:%M"),
            status,
        ]
        if bad and BAD.get(i) == "procedure":
            row[1] = "9.999999"
        if bad and BAD.get(i) == "moments":
            row[7] = (received - timedelta(hours=1)).strftime("%d/%m/%Y %H:%M")
        if bad and BAD.get(i) == "duplicate":
            row[0] = "HB-2025-000002"
        rows.append(row)
    return rows


def _xlsx(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


def test_a_file_with_three_bad_rows_saves_nothing_and_reports_each_row(world):
    record = dossiers_import(
        user=world.users.admin, handle=_xlsx(_rows()), file_name="hongbang.xlsx"
    )
    assert record.status == ImportStatus.REFUSED
    assert record.rows == 1000
    assert [(e["row"], e["column"]) for e in record.errors] == [
        (11, "procedure_code"),
        (501, "finished_at"),
        (901, "code"),
    ]
    assert "trùng với dòng 3" in record.errors[2]["message"]
    assert not Dossier.objects.exists()
    assert not DossierEvent.objects.exists()


def test_the_fixed_file_imports_and_counts_in_the_reports(world):
    record = dossiers_import(
        user=world.users.admin,
        handle=_xlsx(_rows(bad=False)),
        file_name="hongbang.xlsx",
        source_system="Một cửa quận Hồng Bàng (cũ)",
    )
    assert (record.status, record.imported) == (ImportStatus.IMPORTED, 1000)
    imported = Dossier.objects.filter(imported_from=record)
    assert imported.count() == 1000
    first = imported.get(code="HB-2025-000001")  # the original code is kept
    assert (first.unit, first.competent_unit, first.status) == (world.units.d,) * 2 + ("rejected",)
    assert first.received_at == at(2025, 3, 3, 8, 0)
    # one audited birth each, by the declared bulk writer
    events = DossierEvent.objects.filter(action=Action.IMPORT)
    assert events.count() == 1000
    assert events.filter(actor=world.users.admin, data__import=record.pk).count() == 1000
    search_index_check()  # SQLite: the multi-row INSERTs reached the search index (triggers)
    out = io.StringIO()
    call_command(
        "kpi",
        unit="000.00.31.H27",
        date_from="2025-03-01",
        date_to="2025-03-31",
        json=True,
        stdout=out,
    )
    kpi = json.loads(out.getvalue())
    # by hand: every 5th row (i % 5 == 1) ended 12 days after reception, 2 after its due date;
    # every 10th (i % 10 == 0) was refused, the others returned with a result
    assert (kpi["received"], kpi["handled"], kpi["resolved"]) == (1000, 1000, 1000)
    assert (kpi["resolved_on_time"], kpi["resolved_late"]) == (800, 200)
    assert (kpi["with_result"], kpi["refused_stopped"]) == (900, 100)
    assert str(kpi["on_time_rate"]) == "80.00"
    # importing the same file again is refused row by row: the codes exist now
    again = dossiers_import(
        user=world.users.admin, handle=_xlsx(_rows(count=3, bad=False)), file_name="again.xlsx"
    )
    assert again.status == ImportStatus.REFUSED
    assert {e["column"] for e in again.errors} == {"code"}


def test_only_a_site_administrator_imports(world):
    with pytest.raises(ActionForbidden):
        dossiers_import(
            user=world.users.reception, handle=_xlsx(_rows(3, bad=False)), file_name="x.xlsx"
        )
    assert not DossierImport.objects.exists()


def test_a_missing_column_and_an_open_status_are_explained(world):
    rows = _rows(2, bad=False)
    rows[1][8] = "Đang giải quyết"
    record = dossiers_import(user=world.users.admin, handle=_xlsx(rows), file_name="x.xlsx")
    assert [(e["row"], e["column"]) for e in record.errors] == [(3, "status")]
    assert "tiếp nhận tại bộ phận một cửa" in record.errors[0]["message"]
    csv = b"code;procedure_code;applicant_name\nA-1;1.009994;An\n"
    record = dossiers_import(user=world.users.admin, handle=io.BytesIO(csv), file_name="x.csv")
    assert record.status == ImportStatus.REFUSED
    assert any("unit_code" in e["message"] for e in record.errors)


def test_the_command_and_the_desk_page_import_a_csv(tmp_path, client, world):
    header = ",".join(HEADER)
    lines = [header] + [",".join(row) for row in _rows(5, bad=False)]
    path = tmp_path / "lechan.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([header, lines[1].replace("1.009994", "0.000000")]), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_dossiers", str(bad), user="quantri", stderr=io.StringIO())
    assert not Dossier.objects.exists()
    out = io.StringIO()
    call_command("import_dossiers", str(path), user="quantri", source="Lê Chân", stdout=out)
    assert "Đã nhập 5 hồ sơ" in out.getvalue()
    # the desk page: site administrators only
    more = "\n".join([header] + [",".join(r) for r in _rows(8, bad=False)[5:]])
    upload = SimpleUploadedFile("more.csv", more.encode(), content_type="text/csv")
    client.force_login(world.users.reception)
    assert client.get("/admin/dossiers/dossierimport/upload/").status_code in (302, 403)
    client.force_login(world.users.admin)
    assert client.get("/admin/dossiers/dossierimport/upload/").status_code == 200
    response = client.post(
        "/admin/dossiers/dossierimport/upload/", {"file": upload, "source_system": "Lê Chân"}
    )
    assert response.status_code == 302
    assert Dossier.objects.count() == 8
    page = client.get(response["Location"]).content.decode()
    assert "more.csv" in page
