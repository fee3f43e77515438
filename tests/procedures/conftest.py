"""Fixtures for the procedure catalogue tests."""

from decimal import Decimal

import pytest

from motcua.procedures.models import Fee, Procedure, RequiredDocument, Sector
from tests.units.factories import make_levels, make_unit


@pytest.fixture
def levels(db):
    return make_levels()


@pytest.fixture
def sector(db):
    return Sector.objects.create(code="G09-XD", name="Hoạt động xây dựng")


@pytest.fixture
def district(levels):
    province = make_unit("000.00.00.H27", "Ủy ban nhân dân thành phố Hải Phòng", levels["province"])
    return make_unit(
        "000.00.31.H27", "Ủy ban nhân dân quận Hồng Bàng", levels["district"], province
    )


@pytest.fixture
def procedure(sector, levels, district):
    """ "Cấp giấy phép xây dựng" at district level, 15 working days, two documents and a fee."""
    procedure = Procedure.objects.create(
        national_code="1.009994",
        name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        sector=sector,
        level=levels["district"],
        legal_basis="Luật Xây dựng 2014; Nghị định 15/2021/NĐ-CP",
        processing_amount=Decimal("15"),
        processing_unit="working_days",
        online_level="partial",
        result_type="Giấy phép xây dựng",
    )
    procedure.units.add(district)
    RequiredDocument.objects.create(procedure=procedure, name="Đơn đề nghị cấp giấy phép", order=1)
    RequiredDocument.objects.create(
        procedure=procedure, name="Bản vẽ thiết kế", originals=2, copies=0, order=2
    )
    Fee.objects.create(procedure=procedure, name="Lệ phí cấp giấy phép", amount=Decimal("75000"))
    return procedure
