"""The working calendar of docs/architecture.md, Deadlines as an immutable value, with the precomputation that keeps
deadline arithmetic fast.

A calendar is: weekly office hours (several intervals a day, the same on every working day), the
working weekdays, holidays (dates off, each with a name), make-up working days (a Saturday declared
working, which then has the ordinary office hours) and the same-day cut-off time, in one time zone.

This module is pure: no database, no settings, no clock. The site's calendar is built from the
database by :func:`motcua.core.selectors.site_calendar`; a YAML year file is read by
:mod:`motcua.core.calendar_yaml`; the deadline rules live in :mod:`motcua.core.deadlines`.

How time is measured. Office time is counted in wall-clock microseconds of the calendar's time zone
(Asia/Ho_Chi_Minh has had no daylight saving since 1975). Every moment has a *position*: the office
time elapsed from 0001-01-01 up to it. Positions turn every question into integer arithmetic:
office time between two moments is the difference of their positions; adding office time is the
inverse (:meth:`WorkCalendar.moment_at`). Counting working days needs no table of days either: the
weekly pattern has a closed form, and holidays and make-up days are two sorted lists searched with
``bisect``, so a calendar of any length is built in microseconds and answers in O(log n).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

DEFAULT_TIME_ZONE = "Asia/Ho_Chi_Minh"
#: docs/architecture.md, Deadlines: Mon–Fri 07:30–11:30 and 13:00–17:00.
DEFAULT_OFFICE_HOURS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 0), time(17, 0)),
)
DEFAULT_WEEKDAYS: frozenset[int] = frozenset({0, 1, 2, 3, 4})
DEFAULT_SAME_DAY_CUTOFF = time(15, 0)

#: Weekday codes used in files and forms; index = ``date.weekday()``.
WEEKDAY_CODES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_US = 1_000_000
_DAY_US = 86_400 * _US


class DeadlineError(ValueError):
    """A deadline cannot be computed from these inputs; the message is one line, for people."""


class CalendarError(DeadlineError):
    """The calendar itself is unusable (no working time, overlapping intervals...)."""


def _time_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US + t.microsecond


def _as_dates(value: Any, what: str) -> tuple[tuple[date, str], ...]:
    """Normalise a mapping ``date → name`` or an iterable of dates / (date, name) pairs."""
    items = value.items() if isinstance(value, Mapping) else value
    result: dict[date, str] = {}
    for item in items:
        if isinstance(item, date):
            day, name = item, ""
        elif isinstance(item, tuple | list) and len(item) == 2:
            day, name = item
        else:
            day, name = item, ""
        if isinstance(day, datetime) or not isinstance(day, date):
            raise CalendarError(
                _("%(what)s: %(value)r không phải là một ngày") % {"what": what, "value": day}
            )
        result[day] = str(name or "")
    return tuple(sorted(result.items()))


@dataclass(frozen=True, kw_only=True)
class WorkCalendar:
    """An immutable working calendar; build once (it is cheap), share freely between threads.

    ``holidays`` and ``working_days`` accept a mapping ``date → name``, dates, or (date, name)
    pairs, and are stored as sorted tuples so that equal calendars compare and hash equal.
    A date may not be both a holiday and a make-up working day.
    """

    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIME_ZONE))
    office_hours: tuple[tuple[time, time], ...] = DEFAULT_OFFICE_HOURS
    weekdays: frozenset[int] = DEFAULT_WEEKDAYS
    holidays: tuple[tuple[date, str], ...] = ()
    working_days: tuple[tuple[date, str], ...] = ()
    same_day_cutoff: time = DEFAULT_SAME_DAY_CUTOFF

    # Precomputed in __post_init__ (not part of equality).
    _intervals: tuple[tuple[int, int, int], ...] = field(init=False, repr=False, compare=False)
    _day_us: int = field(init=False, repr=False, compare=False)
    _open_us: int = field(init=False, repr=False, compare=False)
    _close_us: int = field(init=False, repr=False, compare=False)
    _close_time: time = field(init=False, repr=False, compare=False)
    _cutoff_us: int = field(init=False, repr=False, compare=False)
    _working_weekday: tuple[bool, ...] = field(init=False, repr=False, compare=False)
    _prefix: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _per_week: int = field(init=False, repr=False, compare=False)
    _positions: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _holiday_set: frozenset[int] = field(init=False, repr=False, compare=False)
    _makeup_set: frozenset[int] = field(init=False, repr=False, compare=False)
    _hol_eff: list[int] = field(init=False, repr=False, compare=False)
    _mk_eff: list[int] = field(init=False, repr=False, compare=False)
    _exc: list[int] = field(init=False, repr=False, compare=False)
    _exc_cum: list[int] = field(init=False, repr=False, compare=False)
    _exc_working: list[bool] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        if not isinstance(self.tz, ZoneInfo):
            raise CalendarError(_("Múi giờ không hợp lệ: %(tz)r") % {"tz": self.tz})
        for pair in self.office_hours:
            if not (
                isinstance(pair, tuple | list)
                and len(pair) == 2
                and all(isinstance(t, time) and t.tzinfo is None for t in pair)
            ):
                raise CalendarError(
                    _(
                        "Giờ hành chính phải là các cặp (giờ bắt đầu, giờ kết thúc), không phải %(v)r"
                    )
                    % {"v": pair}
                )
        hours = tuple(sorted((tuple(pair) for pair in self.office_hours), key=lambda p: p[0]))
        setattr_(self, "office_hours", hours)
        weekdays = frozenset(self.weekdays)
        if not weekdays <= set(range(7)):
            raise CalendarError(_("Ngày trong tuần phải từ 0 (thứ Hai) đến 6 (Chủ nhật)"))
        setattr_(self, "weekdays", weekdays)
        setattr_(self, "holidays", _as_dates(self.holidays, _("Ngày nghỉ")))
        setattr_(self, "working_days", _as_dates(self.working_days, _("Ngày làm bù")))
        if not isinstance(self.same_day_cutoff, time) or self.same_day_cutoff.tzinfo is not None:
            raise CalendarError(_("Giờ chốt trong ngày phải là giờ địa phương (HH:MM)"))

        intervals = []
        cumulative = 0
        previous_end = -1
        for start, end in hours:
            a, b = _time_us(start), _time_us(end)
            if b <= a:
                raise CalendarError(
                    _("Khoảng giờ hành chính %(start)s–%(end)s: giờ kết thúc phải sau giờ bắt đầu")
                    % {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
                )
            if a < previous_end:
                raise CalendarError(
                    _("Các khoảng giờ hành chính chồng lên nhau (%(start)s)")
                    % {"start": start.strftime("%H:%M")}
                )
            intervals.append((a, b, cumulative))
            cumulative += b - a
            previous_end = b
        if not intervals or not weekdays:
            raise CalendarError(
                _(
                    "Lịch không có thời gian làm việc nào (cần ít nhất một ngày trong tuần và một "
                    "khoảng giờ hành chính)"
                )
            )
        setattr_(self, "_intervals", tuple(intervals))
        setattr_(self, "_day_us", cumulative)
        setattr_(self, "_open_us", intervals[0][0])
        setattr_(self, "_close_us", intervals[-1][1])
        setattr_(self, "_close_time", hours[-1][1])
        setattr_(self, "_cutoff_us", min(_time_us(self.same_day_cutoff), intervals[-1][1]))

        # Weekly pattern. Ordinal 1 (0001-01-01) is a Monday, so weekday(o) = (o - 1) % 7.
        working_weekday = tuple(w in weekdays for w in range(7))
        prefix = [0]
        for w in range(7):
            prefix.append(prefix[-1] + working_weekday[w])
        setattr_(self, "_working_weekday", working_weekday)
        setattr_(self, "_prefix", tuple(prefix))
        setattr_(self, "_per_week", prefix[7])
        setattr_(self, "_positions", tuple(w for w in range(7) if working_weekday[w]))

        holiday_ordinals = {d.toordinal() for d, _name in self.holidays}
        makeup_ordinals = {d.toordinal() for d, _name in self.working_days}
        both = holiday_ordinals & makeup_ordinals
        if both:
            clash = date.fromordinal(min(both)).isoformat()
            raise CalendarError(
                _("Ngày %(day)s vừa là ngày nghỉ vừa là ngày làm bù") % {"day": clash}
            )
        setattr_(self, "_holiday_set", frozenset(holiday_ordinals))
        setattr_(self, "_makeup_set", frozenset(makeup_ordinals))
        # Only exceptions that change the weekly pattern matter for counting.
        hol_eff = sorted(o for o in holiday_ordinals if working_weekday[(o - 1) % 7])
        mk_eff = sorted(o for o in makeup_ordinals if not working_weekday[(o - 1) % 7])
        setattr_(self, "_hol_eff", hol_eff)
        setattr_(self, "_mk_eff", mk_eff)
        exceptions = sorted(hol_eff + mk_eff)
        setattr_(self, "_exc", exceptions)
        setattr_(self, "_exc_cum", [self._working_days_before(o) for o in exceptions])
        setattr_(self, "_exc_working", [o in makeup_ordinals for o in exceptions])

    # -- days -------------------------------------------------------------------------------

    def _base_before(self, o: int) -> int:
        """Weekly-pattern working days with ordinal in [1, o)."""
        weeks, rest = divmod(o - 1, 7)
        return weeks * self._per_week + self._prefix[rest]

    def _base_nth(self, count: int) -> int:
        """Ordinal of the weekly-pattern working day that has *count* such days before it."""
        weeks, rest = divmod(count, self._per_week)
        return 1 + weeks * 7 + self._positions[rest]

    def _working_days_before(self, o: int) -> int:
        """Working days with ordinal in [1, o) (holidays and make-up days applied)."""
        return self._base_before(o) - bisect_left(self._hol_eff, o) + bisect_left(self._mk_eff, o)

    def _is_working_ordinal(self, o: int) -> bool:
        if o in self._makeup_set:
            return True
        return self._working_weekday[(o - 1) % 7] and o not in self._holiday_set

    def _nth_working_ordinal(self, count: int) -> int:
        """Ordinal of the working day that has exactly *count* working days before it."""
        i = bisect_right(self._exc_cum, count) - 1
        if i < 0:
            return self._base_nth(count)
        exc = self._exc[i]
        before = self._exc_cum[i]
        if self._exc_working[i]:
            if before == count:
                return exc
            before += 1
        # Between this exception and the next one the weekly pattern holds.
        return self._base_nth(self._base_before(exc + 1) + count - before)

    def is_working_day(self, day: date) -> bool:
        """Return whether *day* has office hours (a working weekday not off, or a make-up day)."""
        return self._is_working_ordinal(day.toordinal())

    def add_working_days(self, day: date, n: int) -> date:
        """Return the *n*-th working day after *day*; *day* itself is not counted (n ≥ 1)."""
        if n < 1:
            raise DeadlineError(_("Số ngày làm việc phải lớn hơn 0"))
        o = day.toordinal()
        return date.fromordinal(self._nth_working_ordinal(self._working_days_before(o + 1) + n - 1))

    def next_working_day(self, day: date) -> date:
        """Return the first working day strictly after *day*."""
        return self.add_working_days(day, 1)

    def working_days_between(self, first: date, last: date) -> int:
        """Return the number of working days in [first, last] (0 when last < first)."""
        if last < first:
            return 0
        return self._working_days_before(last.toordinal() + 1) - self._working_days_before(
            first.toordinal()
        )

    def holiday_name(self, day: date) -> str | None:
        """Return the name of the holiday on *day* ("" when unnamed), or None."""
        for d, name in self.holidays:
            if d == day:
                return name
        return None

    # -- moments ----------------------------------------------------------------------------

    @property
    def day_office_time(self) -> timedelta:
        """One working day's office time (8 hours with the default hours)."""
        return timedelta(microseconds=self._day_us)

    @property
    def closing_time(self) -> time:
        """End of the last office interval of a working day ("end of office hours")."""
        return self._close_time

    def local(self, moment: datetime) -> datetime:
        """Return *moment* in the calendar's time zone; reject naive datetimes."""
        if not isinstance(moment, datetime):
            raise DeadlineError(
                _("%(value)r không phải là thời điểm (datetime)") % {"value": moment}
            )
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise DeadlineError(
                _("Thời điểm %(value)s thiếu múi giờ; cần datetime có múi giờ (ví dụ +07:00)")
                % {"value": moment.isoformat()}
            )
        return moment.astimezone(self.tz)

    def _split(self, moment: datetime) -> tuple[int, int]:
        lt = self.local(moment)
        tod = ((lt.hour * 60 + lt.minute) * 60 + lt.second) * _US + lt.microsecond
        return lt.toordinal(), tod

    def _at(self, o: int, tod: int) -> datetime:
        d = date.fromordinal(o)
        seconds, us = divmod(tod, _US)
        minutes, s = divmod(seconds, 60)
        h, m = divmod(minutes, 60)
        return datetime(d.year, d.month, d.day, h, m, s, us, tzinfo=self.tz)

    def _office_in_day(self, tod: int) -> int:
        for a, b, before in self._intervals:
            if tod <= a:
                return before
            if tod < b:
                return before + tod - a
        return self._day_us

    def _position(self, o: int, tod: int) -> int:
        base = self._working_days_before(o) * self._day_us
        if self._is_working_ordinal(o):
            return base + self._office_in_day(tod)
        return base

    def position(self, moment: datetime) -> int:
        """Return the office time (µs) from 0001-01-01 to *moment*; only differences matter."""
        return self._position(*self._split(moment))

    def moment_at(self, position: int) -> datetime:
        """Return the earliest moment whose :meth:`position` is *position*.

        "Earliest" puts a deadline at the end of an office interval (11:30, 17:00) rather than
        at the next opening, when the office time runs out exactly there.
        """
        count, rest = divmod(position, self._day_us)
        if rest == 0:
            count -= 1
            rest = self._day_us
        o = self._nth_working_ordinal(count)
        for a, b, before in self._intervals:
            if rest <= before + (b - a):
                return self._at(o, a + rest - before)
        raise AssertionError("unreachable: rest ≤ one day's office time")  # pragma: no cover

    def end_of_day(self, day: date) -> datetime:
        """Return the end of office hours of *day* (17:00 by default), as an aware datetime."""
        return self._at(day.toordinal(), self._close_us)

    def is_office_moment(self, moment: datetime) -> bool:
        """Return whether *moment* lies in an office interval (ends included) of a working day."""
        o, tod = self._split(moment)
        if not self._is_working_ordinal(o):
            return False
        return any(a <= tod <= b for a, b, _before in self._intervals)

    def office_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """Return the aware office intervals of *day* (empty on a day off)."""
        o = day.toordinal()
        if not self._is_working_ordinal(o):
            return ()
        return tuple((self._at(o, a), self._at(o, b)) for a, b, _before in self._intervals)

    def with_changes(self, **changes: Any) -> WorkCalendar:
        """Return a copy with some fields replaced (the calendar itself never changes)."""
        values: dict[str, Any] = {
            "tz": self.tz,
            "office_hours": self.office_hours,
            "weekdays": self.weekdays,
            "holidays": self.holidays,
            "working_days": self.working_days,
            "same_day_cutoff": self.same_day_cutoff,
        }
        values.update(changes)
        return WorkCalendar(**values)


def expand_range(first: date, last: date) -> Iterable[date]:
    """Yield every date in [first, last]."""
    for o in range(first.toordinal(), last.toordinal() + 1):
        yield date.fromordinal(o)
