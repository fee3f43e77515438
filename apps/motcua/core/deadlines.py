"""Deadline arithmetic (docs/architecture.md, Deadlines): pure functions over a :class:`WorkCalendar`.

Deadlines are computed, never typed. Every function takes and returns time-zone-aware datetimes
(naive ones are rejected with :class:`DeadlineError`) and answers in the calendar's time zone
(the site's ``TIME_ZONE``, Asia/Ho_Chi_Minh). Nothing here touches the database or the clock:
callers pass the calendar (``motcua.core.selectors.site_calendar()``) and "now".

The rules, by unit (:class:`motcua.core.timeunits.TimeUnit`):

* **working days**, default rule (:attr:`DayRule.CIVIL_CODE`, Civil Code 2015 Art. 147.1: "the
  first day of the period is not counted; it starts from the day after the event"): the day of
  receipt is not counted, whatever the hour of receipt; the deadline is the end of office hours of
  the N-th working day after it. A receipt on a day off (Sunday, a holiday) follows the same words:
  that day is not counted and the next working day is day 1. Example: received Fri 2025-01-24
  10:00, 3 working days, Tết 25/1–2/2 off → Mon 3/2, Tue 4/2, Wed 5/2 → 2025-02-05T17:00+07:00.
* **working days**, alternative site rule (:attr:`DayRule.OFFICE_TIME`): a working day is one
  day's office time (8 h by default) counted from the moment of receipt, so 3 days from Mon 10:00
  is Thu 10:00. Fractions of a day are allowed under this rule only.
* **working hours**: N hours of office time from the moment of receipt, or from the next opening
  when received outside office hours. The deadline may fall at the end of an interval (11:30).
* **same day**: received on a working day before the cut-off (default 15:00) → end of office hours
  that day; otherwise end of office hours of the next working day. The amount is not used.

A **pause** (supplement requested, suspended) stops the clock: once it ends, the deadline moves
later by the office time that elapsed during it (docs/architecture.md, Deadlines). Pauses may not start before the start,
may not overlap, and must end at or after they start; an open pause (``end=None``, still waiting)
is allowed last and moves nothing until it ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.timeunits import TimeUnit
from motcua.core.workcalendar import CalendarError, DeadlineError, WorkCalendar

__all__ = [
    "CalendarError",
    "DayRule",
    "DeadlineError",
    "Pause",
    "TimeUnit",
    "WorkCalendar",
    "add_office_time",
    "due_at",
    "office_time_between",
    "paused_office_time",
    "remaining_office_time",
    "validate_pauses",
]

_US = 1_000_000
_HOUR_US = 3600 * _US


class DayRule(models.TextChoices):
    """How a "working day" of a processing time is counted (a site setting, docs/architecture.md, Deadlines)."""

    CIVIL_CODE = (
        "civil_code",
        gettext_lazy(
            "Bộ luật Dân sự 2015, Điều 147: không tính ngày tiếp nhận, hạn là cuối giờ làm việc "
            "của ngày làm việc thứ N"
        ),
    )
    OFFICE_TIME = (
        "office_time",
        gettext_lazy(
            "Mỗi ngày làm việc là thời gian hành chính của một ngày, tính từ thời điểm tiếp nhận"
        ),
    )


class Pause(NamedTuple):
    """A stretch during which the clock stops; ``end=None`` while still paused."""

    start: datetime
    end: datetime | None = None


def _amount_us(amount: int | Decimal, per_unit_us: int, *, integral: bool) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal | float):
        raise DeadlineError(_("Thời hạn %(amount)r không phải là một số") % {"amount": amount})
    value = Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)
    if not value.is_finite() or value <= 0:
        raise DeadlineError(
            _("Thời hạn phải lớn hơn 0, không phải %(amount)s") % {"amount": amount}
        )
    if integral and value != value.to_integral_value():
        raise DeadlineError(
            _(
                "Số ngày làm việc theo Điều 147 Bộ luật Dân sự phải là số nguyên, không phải "
                "%(amount)s"
            )
            % {"amount": amount}
        )
    return int(value * per_unit_us)


def _unit(unit: TimeUnit | str) -> TimeUnit:
    try:
        return TimeUnit(unit)
    except ValueError:
        choices = ", ".join(TimeUnit.values)
        raise DeadlineError(
            _("Đơn vị thời hạn không hợp lệ %(unit)r (cần một trong: %(choices)s)")
            % {"unit": unit, "choices": choices}
        ) from None


def _day_rule(rule: DayRule | str) -> DayRule:
    try:
        return DayRule(rule)
    except ValueError:
        choices = ", ".join(DayRule.values)
        raise DeadlineError(
            _("Cách tính ngày làm việc không hợp lệ %(rule)r (cần một trong: %(choices)s)")
            % {"rule": rule, "choices": choices}
        ) from None


def validate_pauses(
    calendar: WorkCalendar,
    pauses: Iterable[Pause | tuple[datetime, datetime | None]],
    *,
    start: datetime | None = None,
) -> tuple[Pause, ...]:
    """Return *pauses* as aware :class:`Pause` tuples sorted by start, or raise DeadlineError.

    Checked: every moment is aware; end ≥ start; no two pauses overlap (touching is fine); no pause
    starts before *start*; only the last pause may be open (``end=None``).
    """
    checked: list[Pause] = []
    for item in pauses:
        try:
            p_start, p_end = item
        except (TypeError, ValueError):
            raise DeadlineError(
                _("Khoảng tạm dừng %(value)r phải là (bắt đầu, kết thúc)") % {"value": item}
            ) from None
        calendar.local(p_start)
        if p_end is not None:
            calendar.local(p_end)
            if p_end < p_start:
                raise DeadlineError(
                    _("Khoảng tạm dừng %(start)s – %(end)s kết thúc trước khi bắt đầu")
                    % {"start": p_start.isoformat(), "end": p_end.isoformat()}
                )
        if start is not None and p_start < start:
            raise DeadlineError(
                _(
                    "Khoảng tạm dừng bắt đầu lúc %(pause)s, trước thời điểm bắt đầu tính hạn "
                    "%(start)s"
                )
                % {"pause": p_start.isoformat(), "start": start.isoformat()}
            )
        checked.append(Pause(p_start, p_end))
    checked.sort(key=lambda p: p.start)
    for earlier, later in zip(checked, checked[1:], strict=False):
        if earlier.end is None or later.start < earlier.end:
            raise DeadlineError(
                _("Các khoảng tạm dừng chồng lên nhau (khoảng bắt đầu lúc %(start)s)")
                % {"start": later.start.isoformat()}
            )
    return tuple(checked)


def add_office_time(calendar: WorkCalendar, start: datetime, duration: timedelta) -> datetime:
    """Return the earliest moment by which *duration* of office time has elapsed after *start*.

    Outside office hours the count starts at the next opening; a result that exhausts an interval
    exactly is that interval's end (11:30, 17:00), not the next opening. A zero duration returns
    *start* unchanged (in the calendar's time zone).
    """
    if duration < timedelta(0):
        raise DeadlineError(_("Không thể cộng một khoảng thời gian âm"))
    local = calendar.local(start)
    if not duration:
        return local
    return calendar.moment_at(calendar.position(local) + duration // timedelta(microseconds=1))


def office_time_between(calendar: WorkCalendar, start: datetime, end: datetime) -> timedelta:
    """Return the office time elapsed from *start* to *end* (end ≥ start)."""
    a, b = calendar.position(start), calendar.position(end)
    if end < start:
        raise DeadlineError(
            _("Thời điểm kết thúc %(end)s trước thời điểm bắt đầu %(start)s")
            % {"end": end.isoformat(), "start": start.isoformat()}
        )
    return timedelta(microseconds=b - a)


def remaining_office_time(calendar: WorkCalendar, *, now: datetime, due: datetime) -> timedelta:
    """Return the office time left from *now* until *due*; negative (overdue) after *due*.

    Use it for "due soon" warnings: a dossier due Monday 09:00 has 1 h 30 min left on Friday
    16:30, not 64 hours.
    """
    a, b = calendar.position(now), calendar.position(due)
    return timedelta(microseconds=b - a)


def paused_office_time(
    calendar: WorkCalendar,
    pauses: Iterable[Pause | tuple[datetime, datetime | None]],
    *,
    start: datetime | None = None,
) -> timedelta:
    """Return the office time covered by the closed *pauses* (validated, see validate_pauses)."""
    total = 0
    for p in validate_pauses(calendar, pauses, start=start):
        if p.end is not None:
            total += calendar.position(p.end) - calendar.position(p.start)
    return timedelta(microseconds=total)


def due_at(
    calendar: WorkCalendar,
    *,
    start: datetime,
    amount: int | Decimal,
    unit: TimeUnit | str,
    pauses: Iterable[Pause | tuple[datetime, datetime | None]] = (),
    day_rule: DayRule | str = DayRule.CIVIL_CODE,
) -> datetime:
    """Return the due moment of a processing time of *amount* *unit* counted from *start*.

    The rules are those of the module docstring (Civil Code 2015 Art. 147; docs/architecture.md, Deadlines). Closed
    pauses push the result later by the office time they covered. Raises DeadlineError on a naive
    datetime, an unknown unit or rule, an amount ≤ 0 (any amount is accepted for same day), or
    invalid pauses.
    """
    unit = _unit(unit)
    o, tod = calendar._split(start)
    if unit is TimeUnit.WORKING_HOURS:
        due = calendar.moment_at(
            calendar._position(o, tod) + _amount_us(amount, _HOUR_US, integral=False)
        )
    elif unit is TimeUnit.WORKING_DAYS:
        if _day_rule(day_rule) is DayRule.CIVIL_CODE:
            n = _amount_us(amount, 1, integral=True)
            day = calendar._nth_working_ordinal(calendar._working_days_before(o + 1) + n - 1)
            due = calendar._at(day, calendar._close_us)
        else:
            due = calendar.moment_at(
                calendar._position(o, tod) + _amount_us(amount, calendar._day_us, integral=False)
            )
    else:  # same day
        if isinstance(amount, bool) or not isinstance(amount, int | Decimal | float) or amount < 0:
            raise DeadlineError(_("Thời hạn %(amount)r không hợp lệ") % {"amount": amount})
        if calendar._is_working_ordinal(o) and tod < calendar._cutoff_us:
            day = o
        else:
            day = calendar._nth_working_ordinal(calendar._working_days_before(o + 1))
        due = calendar._at(day, calendar._close_us)
    if pauses:
        paused = paused_office_time(calendar, pauses, start=start)
        if paused:
            due = calendar.moment_at(calendar.position(due) + paused // timedelta(microseconds=1))
    return due
