"""Money, dates and times in the site's format, with Babel (docs/stack.md: Django's vi formats lack
number grouping). Every page, PDF and e-mail formats through here so they agree.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from django.utils import timezone, translation


def _locale() -> str:
    return "en_US" if translation.get_language() == "en" else "vi_VN"


def money_vnd(amount: Decimal | int | str | None, *, locale: str | None = None) -> str:
    """Return an amount of đồng in the active language's format (or *locale*): "1.500.000 ₫"."""
    return format_currency(Decimal(str(amount or 0)), "VND", locale=locale or _locale())


def number_vn(value, *, locale: str | None = None) -> str:
    """Return a number in the active language's format: "10,5", "1.500.000", "24,75" in
    Vietnamese (no trailing ",0": 10.0 reads "10"). Anything that is not a number is returned as
    it is (form data may hold text where a number was expected)."""
    if isinstance(value, bool) or value is None or value == "":
        return "" if value in (None, "") else str(value)
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        return str(value)
    if not number.is_finite():
        return str(value)
    number = number.normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return format_decimal(number, format="#,##0.######", locale=locale or _locale())


def date_long(value: date | datetime) -> str:
    """Return a date in words: "Thứ Ba, 17 tháng 2, 2026" (local date for a moment)."""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return format_date(value, "full", locale=_locale())
