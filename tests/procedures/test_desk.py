"""The procedure pages of the desk: add with documents, versions on save, errors, lists."""

import pytest

from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.procedures.services import procedure_publish
from tests.procedures.admin_posts import management, procedure_change_data

pytestmark = pytest.mark.django_db


def _procedure_post(sector, levels, district, **overrides):
    data = {
        "national_code": "1.001234",
        "name": "Đăng ký khai sinh",
        "sector": sector.pk,
        "level": levels["district"].pk,
        "units": [district.pk],
        "is_active": "on",
        "processing_amount": "3",
        "processing_unit": "working_days",
        "online_level": "full",
        "result_type": "Giấy khai sinh",
        "legal_basis": "Luật Hộ tịch 2014",
        "fee_note": "",
        **management("documents", 2),
        "documents-0-order": "1",
        "documents-0-name": "Tờ khai đăng ký khai sinh",
        "documents-0-originals": "1",
        "documents-0-copies": "0",
        "documents-0-is_mandatory": "on",
        "documents-1-order": "2",
        "documents-1-name": "Giấy chứng sinh",
        "documents-1-originals": "1",
        "documents-1-copies": "1",
        **management("fees", 1),
        "fees-0-name": "Lệ phí đăng ký khai sinh",
        "fees-0-amount": "8000",
        "fees-0-note": "Miễn cho hộ nghèo",
        **management("steps", 0),
    }
    data.update(overrides)
    return data


def test_an_administrator_adds_a_procedure_with_documents(
    admin_client_vi, sector, levels, district
):
    response = admin_client_vi.post(
        "/admin/procedures/procedure/add/", _procedure_post(sector, levels, district)
    )
    assert response.status_code == 302, response.context["errors"]
    procedure = Procedure.objects.get(national_code="1.001234")
    assert [d.name for d in procedure.documents.all()] == [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
    ]
    assert procedure.documents.get(order=2).is_mandatory is False
    assert procedure.fees.get().amount == 8000
    assert list(procedure.units.all()) == [district]
    [version] = procedure.versions.all()
    assert version.number == 1
    assert version.created_by.username == "quantri"
    assert len(version.snapshot["documents"]) == 2
    assert version.snapshot["fees"][0]["amount"] == "8000"
    assert procedure.history.count() == 1


def _change_post(procedure, **overrides):
    return {**procedure_change_data(procedure), **management("steps", 0), **overrides}


def test_saving_the_page_publishes_only_when_the_content_changed(admin_client_vi, procedure):
    procedure_publish(procedure=procedure)
    url = f"/admin/procedures/procedure/{procedure.pk}/change/"
    # saving without a change keeps version 1
    response = admin_client_vi.post(url, _change_post(procedure))
    assert response.status_code == 302, response.context["errors"]
    assert procedure.versions.count() == 1
    # changing an inline document publishes version 2
    response = admin_client_vi.post(url, _change_post(procedure, **{"documents-1-copies": "3"}))
    assert response.status_code == 302, response.context["errors"]
    assert procedure.versions.count() == 2
    latest = procedure.versions.get(number=2)
    assert latest.snapshot["documents"][1]["copies"] == 3
    assert procedure.versions.get(number=1).snapshot["documents"][1]["copies"] == 0


def test_a_negative_processing_time_is_a_vietnamese_form_error(
    admin_client_vi, sector, levels, district
):
    data = _procedure_post(sector, levels, district, processing_amount="-1")
    response = admin_client_vi.post("/admin/procedures/procedure/add/", data)
    assert response.status_code == 200
    assert "Thời hạn giải quyết không được âm." in response.content.decode()
    assert not Procedure.objects.exists()


def test_an_unknown_time_unit_is_a_vietnamese_form_error(admin_client_vi, sector, levels, district):
    data = _procedure_post(sector, levels, district, processing_unit="tuan")
    response = admin_client_vi.post("/admin/procedures/procedure/add/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Đơn vị thời gian “tuan” không hợp lệ; chỉ dùng:" in body
    assert "ngày làm việc" in body
    assert not Procedure.objects.exists()
    assert not ProcedureVersion.objects.exists()


def test_procedure_list_search_ignores_accents(admin_client_vi, procedure):
    response = admin_client_vi.get("/admin/procedures/procedure/", {"q": "giay phep xay dung"})
    assert list(response.context["cl"].result_list) == [procedure]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/procedures/procedure/",
        "/admin/procedures/procedure/add/",
        "/admin/procedures/procedure/import/",
        "/admin/procedures/procedure/export/",
        "/admin/procedures/procedure/?online_level__exact=partial",
        "/admin/procedures/sector/",
        "/admin/procedures/sector/add/",
        "/admin/procedures/procedureversion/",
        "/admin/",
    ],
)
def test_desk_pages_render(admin_client_vi, procedure, url):
    procedure_publish(procedure=procedure)
    assert admin_client_vi.get(url).status_code == 200


def test_procedure_change_history_and_version_pages_render(admin_client_vi, procedure):
    version = procedure_publish(procedure=procedure)
    assert (
        admin_client_vi.get(f"/admin/procedures/procedure/{procedure.pk}/change/").status_code
        == 200
    )
    assert (
        admin_client_vi.get(f"/admin/procedures/procedure/{procedure.pk}/history/").status_code
        == 200
    )
    page = admin_client_vi.get(f"/admin/procedures/procedureversion/{version.pk}/change/")
    assert page.status_code == 200
    assert "Đơn đề nghị cấp giấy phép" in page.content.decode()
    # versions cannot be changed or deleted from the desk
    assert (
        admin_client_vi.post(
            f"/admin/procedures/procedureversion/{version.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )


def test_the_editor_shows_whole_numbers_without_a_decimal_point(admin_client_vi, procedure):
    """Issue 12, left over: the processing time showed "15.0" (its column keeps one decimal for
    half days); it shows "15", a half day "1.5", and a fee "75000"."""
    from decimal import Decimal

    from motcua.procedures.workflow import WorkflowStep

    procedure.refresh_from_db()  # read back as the column stores it: Decimal("15.0")
    assert str(procedure.processing_amount) == "15.0"
    WorkflowStep.objects.create(
        procedure=procedure, order=1, name="Thẩm định", duration_amount=Decimal("1.5")
    )
    WorkflowStep.objects.create(
        procedure=procedure, order=2, name="Ký duyệt", duration_amount=Decimal("2")
    )
    page = admin_client_vi.get(f"/admin/procedures/procedure/{procedure.pk}/change/")
    html = page.content.decode()
    assert 'name="processing_amount" value="15"' in html
    assert 'name="steps-0-duration_amount" value="1.5"' in html
    assert 'name="steps-1-duration_amount" value="2"' in html
    assert 'name="fees-0-amount" value="75000"' in html
    assert 'value="15.0"' not in html and 'value="2.0"' not in html


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("15.0", "15"), ("1.50", "1.5"), ("100", "100"), ("0.0", "0"), ("1E+2", "100")],
)
def test_decimal_plain(stored, shown):
    from decimal import Decimal

    from motcua.core.widgets import decimal_plain

    assert decimal_plain(Decimal(stored)) == shown
