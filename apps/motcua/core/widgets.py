"""Text inputs for dates typed the Vietnamese way (day/month/year), on the desk and the portal.

A native ``type="date"`` picker shows the *browser's* locale (month first in an English browser),
so the date fields are text inputs showing ``dd/mm/yyyy``; parsing follows the site's formats
(``config/formats``: day/month/year or ISO, nothing month-first).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from unfold.widgets import UnfoldAdminDecimalFieldWidget

DATE_HINT = "dd/mm/yyyy"
DATETIME_HINT = "dd/mm/yyyy hh:mm"


class DayInput(forms.DateInput):
    """A date shown and typed as dd/mm/yyyy."""

    def __init__(self, attrs=None, format=None):  # noqa: A002 - Django's parameter name
        super().__init__({"placeholder": DATE_HINT, "autocomplete": "off", **(attrs or {})}, format)


class MomentInput(forms.DateTimeInput):
    """A date and time shown and typed as dd/mm/yyyy hh:mm."""

    def __init__(self, attrs=None, format="%d/%m/%Y %H:%M"):  # noqa: A002
        super().__init__(
            {"placeholder": DATETIME_HINT, "autocomplete": "off", **(attrs or {})}, format
        )


def decimal_plain(value):
    """Return a Decimal without the trailing zeros of its stored scale, never in exponent form:
    ``Decimal("15.0")`` → ``"15"``, ``Decimal("1.50")`` → ``"1.5"``, ``Decimal("100")`` → ``"100"``.
    Other values are returned unchanged. An ``<input type="number">`` takes a dot; the browser
    shows it in the reader's locale (``1,5`` in Vietnamese)."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return value
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class PlainDecimalInput(UnfoldAdminDecimalFieldWidget):
    """The desk's number input for a decimal field (a processing time of "15" working days, not
    "15.0" — the one decimal place the column keeps is for half days)."""

    def format_value(self, value):
        return super().format_value(decimal_plain(value))
