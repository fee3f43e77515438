"""The unit levels a province needs ship with the software; a specialised office sits under a
department or a district; levels an administrator edited are kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from motcua.units import levels as shipped
from motcua.units.models import Unit, UnitLevel

pytestmark = pytest.mark.django_db

FIXTURE = Path(shipped.__file__).parent / "fixtures" / "unit_levels.json"


def _unit(code, name, level, parent=None):
    unit = Unit(agency_code=code, name=name, level=UnitLevel.objects.get(code=level), parent=parent)
    unit.full_clean()
    unit.save()
    return unit


def test_the_levels_of_a_province_exist_after_migrating():
    ranks = dict(UnitLevel.objects.values_list("code", "rank"))
    assert ranks == {
        "province": 1,
        "department": 2,
        "service_centre": 2,
        "district": 2,
        "commune": 3,
        "office": 3,
        "commune_office": 4,
    }


def test_a_specialised_office_sits_under_a_department_or_a_district():
    province = _unit("000.00.00.H27", "UBND thành phố Hải Phòng", "province")
    centre = _unit("000.00.01.H27", "Trung tâm Phục vụ hành chính công", "service_centre", province)
    department = _unit("000.00.02.H27", "Sở Xây dựng", "department", province)
    district = _unit("000.00.31.H27", "UBND quận Hồng Bàng", "district", province)
    _unit("000.10.02.H27", "Phòng Quản lý xây dựng", "office", department)
    _unit("000.10.31.H27", "Phòng Quản lý đô thị", "office", district)
    commune = _unit("000.01.31.H27", "UBND phường Hoàng Văn Thụ", "commune", district)
    _unit("000.11.31.H27", "Phòng Kinh tế phường Hoàng Văn Thụ", "commune_office", commune)
    assert centre.parent == province
    with pytest.raises(ValidationError) as refused:
        _unit("000.12.31.H27", "Phòng dưới phường", "office", commune)
    assert "level" in refused.value.message_dict


def test_shipping_again_keeps_an_administrators_edits():
    UnitLevel.objects.filter(code="district").update(name="Quận, huyện (cũ)")
    UnitLevel.objects.filter(code="office").delete()
    assert shipped.ensure_levels(UnitLevel) == 1
    assert UnitLevel.objects.get(code="district").name == "Quận, huyện (cũ)"
    assert UnitLevel.objects.get(code="office").rank == 3


def test_the_fixture_holds_the_shipped_levels_and_loads_over_existing_rows():
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert [row["fields"] for row in rows] == shipped.LEVELS
    call_command("loaddata", str(FIXTURE), verbosity=0)
    assert UnitLevel.objects.count() == len(shipped.LEVELS)
