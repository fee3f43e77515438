"""XLSX import and export of the catalogue: all-or-nothing, with versions published."""

import pytest

from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.procedures.resources import ProcedureResource
from motcua.procedures.services import procedure_publish
from tests.units.factories import admin_confirm_import, admin_import, xlsx_dataset

pytestmark = pytest.mark.django_db

HEADERS = [
    "national_code",
    "name",
    "sector",
    "level",
    "units",
    "legal_basis",
    "processing_amount",
    "processing_unit",
    "online_level",
    "result_type",
    "fee_note",
    "is_active",
    "documents",
    "fees",
]


def _row(code="2.000001", name="Đăng ký kết hôn", **overrides):
    row = {
        "national_code": code,
        "name": name,
        "sector": "G09-XD",
        "level": "district",
        "units": "000.00.31.H27",
        "legal_basis": "Luật Hộ tịch 2014",
        "processing_amount": 5,
        "processing_unit": "ngày làm việc",
        "online_level": "Toàn trình",
        "result_type": "Giấy chứng nhận kết hôn",
        "fee_note": "",
        "is_active": True,
        "documents": "Tờ khai đăng ký kết hôn | 1 | 0 | có\nGiấy xác nhận tình trạng hôn nhân | 1 | 0",
        "fees": "Lệ phí | 30.000",
    }
    row.update(overrides)
    return [row[h] for h in HEADERS]


def test_resource_import_with_a_bad_row_saves_nothing(district, sector, procedure):
    dataset, _content = xlsx_dataset(
        HEADERS, [_row(), _row("2.000002", "Đăng ký lại kết hôn", processing_unit="tuần")]
    )
    result = ProcedureResource().import_data(dataset, dry_run=False, raise_errors=False)
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert "Đơn vị thời gian “tuần” không hợp lệ" in str(invalid.error_dict["processing_unit"])
    assert Procedure.objects.count() == 1
    assert not ProcedureVersion.objects.exists()


@pytest.mark.parametrize(
    ("override", "column", "text"),
    [
        ({"processing_amount": -3}, "processing_amount", "Thời hạn giải quyết không được âm."),
        ({"processing_amount": "năm"}, "processing_amount", "không phải là số"),
        ({"sector": "KHONG-CO"}, "sector", "Không có lĩnh vực mã “KHONG-CO”."),
        ({"units": "000.00.31.H27, 999.99.99.Z99"}, "units", "Không có đơn vị mã: 999.99.99.Z99."),
        ({"documents": "Tờ khai | một"}, "documents", "Dòng 1: số bản chính “một”"),
        ({"online_level": "mức 4"}, "online_level", "Mức độ trực tuyến “mức 4” không hợp lệ"),
    ],
)
def test_each_bad_cell_is_reported_in_vietnamese(district, sector, override, column, text):
    dataset, _content = xlsx_dataset(HEADERS, [_row(**override)])
    result = ProcedureResource().import_data(dataset, dry_run=False, raise_errors=False)
    [invalid] = result.invalid_rows
    assert text in " ".join(invalid.error_dict[column])
    assert not Procedure.objects.exists()


def test_a_good_import_creates_lists_and_a_version(district, sector, admin_user):
    dataset, _content = xlsx_dataset(HEADERS, [_row()])
    result = ProcedureResource().import_data(dataset, dry_run=False, user=admin_user)
    assert not result.has_validation_errors() and not result.has_errors()
    procedure = Procedure.objects.get(national_code="2.000001")
    assert procedure.processing_unit == "working_days" and procedure.online_level == "full"
    assert [(d.name, d.is_mandatory) for d in procedure.documents.all()] == [
        ("Tờ khai đăng ký kết hôn", True),
        ("Giấy xác nhận tình trạng hôn nhân", True),
    ]
    assert procedure.fees.get().amount == 30000
    [version] = procedure.versions.all()
    assert (version.number, version.created_by) == (1, admin_user)
    assert version.snapshot["units"] == ["000.00.31.H27"]


def test_reimporting_publishes_only_what_changed(district, sector):
    dataset, _content = xlsx_dataset(HEADERS, [_row(), _row("2.000002", "Đăng ký lại kết hôn")])
    ProcedureResource().import_data(dataset, dry_run=False)
    # the same file again: both rows skipped, no new version
    result = ProcedureResource().import_data(dataset, dry_run=False)
    assert result.totals["skip"] == 2
    # a file changing only the second procedure's documents
    changed, _content = xlsx_dataset(
        HEADERS,
        [_row(), _row("2.000002", "Đăng ký lại kết hôn", documents="Tờ khai | 1 | 0 | không")],
    )
    result = ProcedureResource().import_data(changed, dry_run=False)
    assert (result.totals["skip"], result.totals["update"]) == (1, 1)
    assert Procedure.objects.get(national_code="2.000001").versions.count() == 1
    second = Procedure.objects.get(national_code="2.000002")
    assert second.versions.count() == 2
    assert second.versions.get(number=2).snapshot["documents"] == [
        {
            "name": "Tờ khai",
            "originals": 1,
            "copies": 0,
            "is_mandatory": False,
            "template_file": "",
            "order": 1,
        }
    ]


def test_an_exported_catalogue_imports_back_unchanged(procedure):
    procedure_publish(procedure=procedure)
    exported = ProcedureResource().export()
    assert exported.dict[0]["Thành phần hồ sơ"].startswith("Đơn đề nghị cấp giấy phép | 1 | 0 | có")
    assert exported.dict[0]["Phí, lệ phí"] == "Lệ phí cấp giấy phép | 75000"
    result = ProcedureResource().import_data(exported, dry_run=False, raise_errors=True)
    assert result.totals["skip"] == 1
    assert procedure.versions.count() == 1


def test_desk_import_with_a_bad_row_shows_the_error_and_saves_nothing(
    admin_client_vi, district, sector
):
    _dataset, content = xlsx_dataset(
        HEADERS, [_row(), _row("2.000002", "Đăng ký lại kết hôn", processing_amount=-1)]
    )
    response = admin_import(admin_client_vi, "procedures/procedure", content)
    assert response.status_code == 200
    assert "Thời hạn giải quyết không được âm." in response.content.decode()
    assert not response.context.get("confirm_form")
    assert not Procedure.objects.exists()


def test_desk_import_of_a_good_file_publishes_versions(admin_client_vi, district, sector):
    _dataset, content = xlsx_dataset(HEADERS, [_row(), _row("2.000002", "Đăng ký lại kết hôn")])
    preview = admin_import(admin_client_vi, "procedures/procedure", content)
    assert preview.context["confirm_form"] is not None
    assert not Procedure.objects.exists()
    response = admin_confirm_import(admin_client_vi, "procedures/procedure", preview)
    assert response.status_code == 302
    assert Procedure.objects.count() == 2
    assert ProcedureVersion.objects.filter(number=1, created_by__username="quantri").count() == 2


def test_desk_export_gives_an_xlsx(admin_client_vi, procedure):
    response = admin_client_vi.post(
        "/admin/procedures/procedure/export/", {"format": "0", "resource": "0"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
