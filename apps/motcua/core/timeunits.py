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
    """Return a processing time in words, in the active language (plural rules by ngettext).

    A same-day time has no amount ("trong ngày"); an unknown unit is written as stored.
    """
    if unit == TimeUnit.SAME_DAY:
        return str(TimeUnit.SAME_DAY.label)
    text = amount_text(amount)
    if not text:
        return ""
    count = 1 if Decimal(text) == 1 else 2
    if unit == TimeUnit.WORKING_DAYS:
        return ngettext("%(n)s ngày làm việc", "%(n)s ngày làm việc", count) % {"n": text}
    if unit == TimeUnit.WORKING_HOURS:
        return ngettext("%(n)s giờ làm việc", "%(n)s giờ làm việc", count) % {"n": text}
    return f"{text} {unit}".strip()
