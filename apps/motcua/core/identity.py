"""The applicant's identifiers — phone, personal ID number, tax code: one rule each, one normal form.

Every form that takes them (the desk counter, the portal's dossier form and sign-up, the generated
form's phone and ID fields) and the portal's lookup use this module, and values are *stored*
normalised, so a dossier received at the counter with "+84 912 345 678" is found by the portal
lookup with "0912345678".

Rules:

1. **Phone.** Parsed with ``phonenumbers`` (Google's libphonenumber data) with Việt Nam as the
   default region, and must be a valid number there (mobile or landline, old area codes refused).
   Normal form: the national form, digits only, with the leading 0 (``+84 912 345 678``,
   ``84912345678``, ``0912 345 678`` → ``0912345678``). A foreign number typed with its ``+``
   country code is kept in E.164 (``+16502530000``).
2. **Personal ID number** (số định danh cá nhân, printed on the CCCD / thẻ căn cước: 12 digits,
   Luật Căn cước 2023 Điều 12; the old CMND: 9 digits), or a passport number for a foreigner
   (letters and digits, 6–20, at least one letter). Normal form: spaces, dots and dashes removed,
   letters upper-case.
3. **Tax code** (mã số thuế): 10 digits for an organisation, or 13 for a dependent unit written
   ``NNNNNNNNNN-NNN`` (Thông tư 105/2020/TT-BTC Điều 5). Normal form: the 10 digits, and
   ``-NNN`` when present (``0100109106001`` → ``0100109106-001``). The check digit of the 10-digit
   code is not verified: its algorithm is not in the legal texts available to this project.
"""

from __future__ import annotations

import re

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_noop

REGION = "VN"
_SEPARATORS = re.compile(r"[\s.\-()/]")
_ID_NUMBER = re.compile(r"^(\d{9}|\d{12}|(?=[0-9A-Z]*[A-Z])[0-9A-Z]{6,20})$")
_TAX_CODE = re.compile(r"^(\d{10})(\d{3})?$")


def normalize_phone(value: str) -> str:
    """Return the phone number's normal form (rule 1), or the input stripped when it is no number.

    Used for lookups too: an input that does not parse is compared as typed (and matches nothing).
    """
    text = (value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return _SEPARATORS.sub("", text)
    if number.country_code == phonenumbers.country_code_for_region(REGION):
        return "0" + str(number.national_number)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_is_valid(value: str) -> bool:
    try:
        number = phonenumbers.parse((value or "").strip(), REGION)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def normalize_id_number(value: str) -> str:
    """Rule 2's normal form: separators removed, upper-case."""
    return _SEPARATORS.sub("", value or "").upper()


def normalize_tax_code(value: str) -> str:
    """Rule 3's normal form: ``NNNNNNNNNN`` or ``NNNNNNNNNN-NNN`` (unchanged if it is neither)."""
    compact = _SEPARATORS.sub("", value or "")
    match = _TAX_CODE.match(compact)
    if not match:
        return compact
    return match[1] + (f"-{match[2]}" if match[2] else "")


def identifier_matches(kind: str, typed: str, stored: str) -> bool:
    """Whether *typed* is the same identifier of *kind* as *stored* (both normalised first)."""
    normalize = NORMALIZERS[kind]
    left, right = normalize(typed), normalize(stored)
    return bool(left) and left == right


NORMALIZERS = {
    "phone": normalize_phone,
    "id_number": normalize_id_number,
    "tax_code": normalize_tax_code,
}


def normalize_applicant(fields: dict) -> dict:
    """Return a copy of ``applicant_*`` fields with the identifiers in their normal form.

    Services call it before storing, so every writer (desk, portal, imports) stores one form.
    """
    result = dict(fields)
    for kind, normalize in NORMALIZERS.items():
        key = f"applicant_{kind}"
        if result.get(key):
            result[key] = normalize(result[key])
    return result


class _IdentifierField(forms.CharField):
    """A text input that normalises its value and checks it against one rule of this module."""

    normalize = staticmethod(lambda value: value)
    message = ""

    def __init__(self, *, label, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(label=label, **kwargs)

    def to_python(self, value):
        return self.normalize(super().to_python(value))

    def is_well_formed(self, value: str) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values and not self.is_well_formed(value):
            # Formatted here, and no params given, so a "%" in the label is shown as typed.
            raise ValidationError(_g(self.message) % {"label": self.label}, code="invalid")


class PhoneField(_IdentifierField):
    """Rule 1. Typed as the person likes; cleaned to the normal form."""

    message = gettext_noop(
        "“%(label)s” không đúng. Số điện thoại Việt Nam gồm 10 hoặc 11 chữ số, bắt đầu bằng 0 "
        "(hoặc +84); số nước ngoài ghi kèm mã quốc gia (+…)."
    )
    normalize = staticmethod(normalize_phone)

    def __init__(self, *, label, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        )
        super().__init__(label=label, **kwargs)

    def is_well_formed(self, value: str) -> bool:
        return phone_is_valid(value)


class IdNumberField(_IdentifierField):
    """Rule 2."""

    message = gettext_noop(
        "“%(label)s” không đúng. Số định danh cá nhân (CCCD) gồm 12 chữ số (CMND cũ: 9 chữ số); "
        "số hộ chiếu gồm 6 đến 20 chữ cái và chữ số."
    )
    normalize = staticmethod(normalize_id_number)

    def __init__(self, *, label, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(label=label, **kwargs)

    def is_well_formed(self, value: str) -> bool:
        return bool(_ID_NUMBER.match(value))


class TaxCodeField(_IdentifierField):
    """Rule 3."""

    message = gettext_noop(
        "“%(label)s” không đúng. Mã số thuế gồm 10 chữ số, hoặc dạng 0100109106-001 với đơn vị "
        "phụ thuộc."
    )
    normalize = staticmethod(normalize_tax_code)

    def __init__(self, *, label, **kwargs):
        kwargs.setdefault("max_length", 14)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(label=label, **kwargs)

    def is_well_formed(self, value: str) -> bool:
        return bool(re.fullmatch(r"\d{10}(-\d{3})?", value))
