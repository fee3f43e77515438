"""Office positions of the site calendar turned into moments by a table lookup per working day.

The generator places every moment as an office *position* (µs of office time, see
:meth:`motcua.core.workcalendar.WorkCalendar.position`) and needs millions of them as UTC
datetimes. :meth:`WorkCalendar.moment_at` finds the working day and builds an aware datetime each
time; here each working day of the three years is looked up once (its date and its local midnight
as a naive UTC datetime) and a moment is that base plus the office time of the day mapped through
the office intervals — the same instant as ``moment_at`` (tested), as long as the zone's UTC offset
does not change during a working day (Vietnam: +07:00 all year, no daylight saving time).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta


class Clock:
    def __init__(self, calendar):
        self.calendar = calendar
        self.day_us = calendar._day_us
        self.intervals = calendar._intervals
        #: working-day count → (naive UTC datetime of local midnight, local date)
        self.days: dict[int, tuple[datetime, date]] = {}

    def day_count(self, pos: int) -> int:
        """Working days before the one holding *pos* (an end of day belongs to its own day)."""
        return (pos - 1) // self.day_us

    def day(self, count: int) -> tuple[datetime, date]:
        hit = self.days.get(count)
        if hit is None:
            local = date.fromordinal(self.calendar._nth_working_ordinal(count))
            opening = self.intervals[0][0]
            aware = datetime(local.year, local.month, local.day, tzinfo=self.calendar.tz)
            offset = (aware + timedelta(microseconds=opening)).utcoffset()
            midnight_utc = aware.replace(tzinfo=UTC) - offset
            hit = self.days[count] = (midnight_utc.replace(tzinfo=None), local)
        return hit

    def utc(self, pos: int) -> datetime:
        """Naive UTC datetime of the earliest moment at office position *pos*."""
        count = (pos - 1) // self.day_us
        rest = pos - count * self.day_us
        base = self.days.get(count) or self.day(count)
        for a, b, before in self.intervals:
            if rest <= before + (b - a):
                return base[0] + timedelta(microseconds=a + rest - before)
        raise AssertionError("unreachable: rest ≤ one day's office time")  # pragma: no cover

    def time_of_day(self, pos: int) -> int:
        """Local time of day (µs since midnight) of the moment :meth:`utc` gives."""
        rest = pos - ((pos - 1) // self.day_us) * self.day_us
        for a, b, before in self.intervals:
            if rest <= before + (b - a):
                return a + rest - before
        raise AssertionError("unreachable: rest ≤ one day's office time")  # pragma: no cover

    def aware(self, pos: int) -> datetime:
        """The same moment as :meth:`utc`, aware (for the deadline engine)."""
        return self.utc(pos).replace(tzinfo=UTC)

    def local_date(self, pos: int) -> date:
        count = (pos - 1) // self.day_us
        return (self.days.get(count) or self.day(count))[1]
