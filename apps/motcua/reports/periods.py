"""Reporting periods: relative periods ("this month", "last quarter" …) and the previous period."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

RELATIVE = {
    "this_month": _("Tháng này"),
    "last_month": _("Tháng trước"),
    "this_quarter": _("Quý này"),
    "last_quarter": _("Quý trước"),
    "this_year": _("Năm nay"),
    "last_year": _("Năm trước"),
    "last_7_days": _("7 ngày qua"),
    "last_30_days": _("30 ngày qua"),
}


def _month_end(day: date) -> date:
    first_next = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_next - timedelta(days=1)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def relative_period(name: str, *, today: date) -> tuple[date, date]:
    """Return the inclusive (first, last) day of the relative period *name* around *today*."""
    if name == "this_month":
        return today.replace(day=1), _month_end(today)
    if name == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if name == "this_quarter":
        start = _quarter_start(today)
        return start, _month_end(date(start.year, start.month + 2, 1))
    if name == "last_quarter":
        end = _quarter_start(today) - timedelta(days=1)
        return _quarter_start(end), end
    if name == "this_year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if name == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if name == "last_7_days":
        return today - timedelta(days=6), today
    if name == "last_30_days":
        return today - timedelta(days=29), today
    raise KeyError(name)


def previous_period(first: date, last: date) -> tuple[date, date]:
    """Return the period before (first, last): the previous month, quarter or year when the
    period is a whole one, else the same number of days just before."""
    whole_months = first.day == 1 and last == _month_end(last)
    if whole_months:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        end = first - timedelta(days=1)
        year, month = end.year, end.month - months + 1
        while month < 1:
            year, month = year - 1, month + 12
        return date(year, month, 1), end
    length = last - first
    end = first - timedelta(days=1)
    return end - length, end


def months_between(first: date, last: date) -> list[tuple[date, date]]:
    """Return the calendar months overlapping (first, last), each clipped to the period."""
    out, cursor = [], first.replace(day=1)
    while cursor <= last:
        end = _month_end(cursor)
        out.append((max(cursor, first), min(end, last)))
        cursor = end + timedelta(days=1)
    return out
