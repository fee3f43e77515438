"""Bad catalogue input gets a clear Vietnamese error: negative time, unknown time unit."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory

from motcua.procedures.models import Procedure
from motcua.procedures.selectors import procedure_search

pytestmark = pytest.mark.django_db

FORM_FIELDS = [
    "national_code",
    "name",
    "sector",
    "level",
    "processing_amount",
    "processing_unit",
    "online_level",
    "result_type",
]


def _form(sector, levels, **overrides):
    data = {
        "national_code": "1.000001",
        "name": "Chứng thực bản sao từ bản chính",
        "sector": sector.pk,
        "level": levels["commune"].pk,
        "processing_amount": "1",
        "processing_unit": "working_days",
        "online_level": "none",
        "result_type": "Bản sao được chứng thực",
    }
    data.update(overrides)
    return modelform_factory(Procedure, fields=FORM_FIELDS)(data=data)


def test_a_negative_processing_time_is_refused(sector, levels):
    form = _form(sector, levels, processing_amount="-2")
    assert not form.is_valid()
    assert form.errors["processing_amount"] == ["Thời hạn giải quyết không được âm."]


def test_zero_time_is_only_for_same_day_procedures(sector, levels):
    form = _form(sector, levels, processing_amount="0")
    assert not form.is_valid()
    assert "phải lớn hơn 0" in form.errors["processing_amount"][0]
    assert _form(sector, levels, processing_amount="0", processing_unit="same_day").is_valid()


def test_an_unknown_time_unit_names_the_allowed_units(sector, levels):
    form = _form(sector, levels, processing_unit="weeks")
    assert not form.is_valid()
    [message] = form.errors["processing_unit"]
    assert message.startswith("Đơn vị thời gian “weeks” không hợp lệ")
    for allowed in ("working_days (ngày làm việc)", "working_hours (giờ làm việc)", "same_day"):
        assert allowed in message


def test_model_validation_gives_the_same_time_unit_message(procedure):
    procedure.processing_unit = "months"
    with pytest.raises(ValidationError) as excinfo:
        procedure.full_clean()
    assert (
        "Đơn vị thời gian “months” không hợp lệ" in excinfo.value.message_dict["processing_unit"][0]
    )


def test_search_ignores_accents_and_case(procedure, sector, levels):
    other = Procedure.objects.create(
        national_code="2.000908",
        name="Chứng thực chữ ký",
        sector=sector,
        level=levels["commune"],
        processing_amount=Decimal("0"),
        processing_unit="same_day",
        result_type="Văn bản",
    )
    assert list(procedure_search(query="cap phep xay dung")) == [procedure]
    assert list(procedure_search(query="CHỨNG THỰC")) == [other]
    assert list(procedure_search(query="1.009994")) == [procedure]
    assert set(procedure_search(query="")) == {procedure, other}
    other.is_active = False
    other.save()
    assert list(procedure_search(query="chung thuc", active_only=True)) == []
