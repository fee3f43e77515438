"""How a processing time is counted; shared by procedures, workflow steps and deadlines.

:func:`duration_text` is the one way a processing time is written ("15 ngày làm việc",
"4 giờ làm việc", "Trong ngày"): pages, PDFs, the workflow diagram and the admin list use it.
"""

from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    SAME_DAY = "same_day", _("trong ngày")


def amount_text(amount) -> str:
    """Return an amount without trailing zeros ("15.0" → "15", "1.5" → "1.5"), or "" if none."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError):
        return ""
    if not value.is_finite():
        return ""
    return f"{value.normalize():f}"


def duration_text(amount, unit: str) -> str:
    """Return "15 ngày làm việc" / "1 working day" / "2,5 giờ làm việc" for a processing time.

    The number is formatted for the active language (Vietnamese decimal comma, no trailing
    ".0"); the unit agrees with it in English ("1 working day", "2 working days"). A same-day
    time has no number. An unknown unit is shown as stored.
    """
    from decimal import Decimal, InvalidOperation

    from django.utils.formats import number_format

    if unit == TimeUnit.SAME_DAY:
        return str(TimeUnit.SAME_DAY.label)
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount)).normalize()
    except (InvalidOperation, ValueError):
        return f"{amount} {unit}".strip()
    places = max(0, -value.as_tuple().exponent)
    number = number_format(value, decimal_pos=places)
    count = 1 if value == 1 else 2
    if unit == TimeUnit.WORKING_DAYS:
        text = ngettext("%(n)s ngày làm việc", "%(n)s ngày làm việc", count)
    elif unit == TimeUnit.WORKING_HOURS:
        text = ngettext("%(n)s giờ làm việc", "%(n)s giờ làm việc", count)
    else:
        return f"{number} {unit}"
    return text % {"n": number}
