"""The public catalogue: accent-insensitive search by name or code, filters by sector, unit and
online level; a procedure's page generated from its current version."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from motcua.procedures.models import Procedure, RequiredDocument, Sector
from motcua.procedures.services import procedure_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(portal):
    justice = Sector.objects.create(code="TP", name="Hộ tịch")
    birth = Procedure.objects.create(
        national_code="1.001193",
        name="Đăng ký khai sinh",
        sector=justice,
        level=portal.levels["commune"],
        processing_amount=Decimal(1),
        processing_unit="same_day",
        online_level="full",
        result_type="Giấy khai sinh",
    )
    birth.units.set([portal.units.d2])
    procedure_publish(procedure=birth)
    hidden = Procedure.objects.create(
        national_code="1.000001",
        name="Cấp phép xây dựng tạm (ngừng áp dụng)",
        sector=justice,
        level=portal.levels["district"],
        processing_amount=Decimal(5),
        online_level="full",
        result_type="-",
        is_active=False,
    )
    procedure_publish(procedure=hidden)
    portal.birth = birth
    return portal


def _names(response) -> list[str]:
    return [p.name for p in response.context["page"].object_list]


def test_search_ignores_accents_and_case(catalogue, login):
    client = login()
    assert _names(client.get("/thu-tuc/", {"q": "cap giay phep xay dung"})) == [
        catalogue.procedure.name
    ]
    assert _names(client.get("/thu-tuc/", {"q": "KHAI SINH"})) == ["Đăng ký khai sinh"]
    assert _names(client.get("/thu-tuc/", {"q": "1.001193"})) == ["Đăng ký khai sinh"]
    assert _names(client.get("/thu-tuc/", {"q": "đăng ký"})) == ["Đăng ký khai sinh"]


def test_inactive_procedures_are_not_listed(catalogue, login):
    assert "ngừng áp dụng" not in " ".join(_names(login().get("/thu-tuc/", {"q": "cap phep"})))
    assert login().get("/thu-tuc/1.000001/").status_code == 404


def test_filters_by_sector_unit_and_online_level(catalogue, login):
    client = login()
    assert _names(client.get("/thu-tuc/", {"sector": "TP"})) == ["Đăng ký khai sinh"]
    assert _names(client.get("/thu-tuc/", {"online_level": "partial"})) == [
        catalogue.procedure.name
    ]
    assert _names(client.get("/thu-tuc/", {"unit": "000.00.32.H27"})) == sorted(
        ["Đăng ký khai sinh", catalogue.procedure.name]
    )
    assert _names(client.get("/thu-tuc/", {"unit": "000.00.31.H27", "online_level": "full"})) == []


def test_the_procedure_page_shows_what_a_citizen_needs(catalogue, login):
    page = login().get(f"/thu-tuc/{catalogue.procedure.national_code}/").content.decode()
    for text in [
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "Thẩm định hồ sơ",
        "Đơn đề nghị",
        "Bản vẽ",
        "75.000\xa0₫",
        "Luật Xây dựng 2014",
        "Ủy ban nhân dân quận Hồng Bàng",
        "15 ngày làm việc",
        "Một phần",
        "Nộp hồ sơ trực tuyến",
    ]:
        assert text in page, text


def test_document_templates_are_downloadable(catalogue, login):
    document = RequiredDocument.objects.get(procedure=catalogue.procedure, name="Đơn đề nghị")
    document.template_file.save("mau-don.pdf", ContentFile(b"%PDF-1.4 mau don"), save=True)
    procedure_publish(procedure=catalogue.procedure)
    client = login()

    page = client.get(f"/thu-tuc/{catalogue.procedure.national_code}/").content.decode()
    response = client.get(f"/thu-tuc/{catalogue.procedure.national_code}/mau/0/")

    assert "Tải mẫu" in page
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(f"/thu-tuc/{catalogue.procedure.national_code}/mau/1/").status_code == 404


def test_home_page_and_unknown_procedure(catalogue, login):
    assert "Tìm thủ tục hành chính" in login().get("/").content.decode()
    assert login().get("/thu-tuc/9.999999/").status_code == 404
