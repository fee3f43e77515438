"""Text inputs for dates typed the Vietnamese way (day/month/year), on the desk and the portal.

A native ``type="date"`` picker shows the *browser's* locale (month first in an English browser),
so the date fields are text inputs showing ``dd/mm/yyyy``; parsing follows the site's formats
(``config/formats``: day/month/year or ISO, nothing month-first).
"""

from __future__ import annotations

from django import forms

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
