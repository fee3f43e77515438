"""One rule per identifier (motcua.core.identity): normal forms, validity."""

import pytest

from motcua.core import identity


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("(024) 3825 3536", "02438253536"),
        ("+1 650 253 0000", "+16502530000"),
        ("", ""),
    ],
)
def test_phones_have_one_normal_form(typed, normal):
    assert identity.normalize_phone(typed) == normal


@pytest.mark.parametrize(
    ("typed", "valid"),
    [("0912345678", True), ("02438253536", True), ("0123456789", False), ("12345", False)],
)
def test_phone_validity_follows_the_numbering_plan(typed, valid):
    assert identity.phone_is_valid(typed) is valid


@pytest.mark.parametrize(
    ("field", "typed", "cleaned"),
    [
        (identity.IdNumberField, "0311 9000 1234", "031190001234"),
        (identity.IdNumberField, "c1234567", "C1234567"),
        (identity.IdNumberField, "123456789", "123456789"),
        (identity.TaxCodeField, "0100109106001", "0100109106-001"),
        (identity.TaxCodeField, "0100 109 106", "0100109106"),
        (identity.PhoneField, "+84 912 345 678", "0912345678"),
    ],
)
def test_fields_clean_to_the_normal_form(field, typed, cleaned):
    assert field(label="X").clean(typed) == cleaned


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        (identity.IdNumberField, "12345678901", "Số định danh cá nhân (CCCD) gồm 12 chữ số"),
        (identity.TaxCodeField, "01001091", "Mã số thuế gồm 10 chữ số"),
        (identity.PhoneField, "0123456789", "Số điện thoại Việt Nam gồm 10 hoặc 11 chữ số"),
    ],
)
def test_bad_identifiers_are_refused_in_vietnamese_naming_the_field(field, typed, expected):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        field(label="Ô 50%").clean(typed)
    message = caught.value.messages[0]
    assert message.startswith("“Ô 50%” không đúng.") and expected in message
