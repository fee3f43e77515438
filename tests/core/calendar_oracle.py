"""A slow, obviously-correct reference for the deadline rules, walking the calendar day by day.

It shares nothing with the engine except the WorkCalendar's public fields, so the property tests
that compare the two can fail when the engine's bisect arithmetic is wrong.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from motcua.core.workcalendar import WorkCalendar


def is_working(cal: WorkCalendar, day: date) -> bool:
    holidays = {d for d, _ in cal.holidays}
    makeup = {d for d, _ in cal.working_days}
    return day in makeup or (day.weekday() in cal.weekdays and day not in holidays)


def intervals(cal: WorkCalendar, day: date) -> list[tuple[datetime, datetime]]:
    if not is_working(cal, day):
        return []
    return [
        (datetime.combine(day, a, tzinfo=cal.tz), datetime.combine(day, b, tzinfo=cal.tz))
        for a, b in cal.office_hours
    ]


def day_length(cal: WorkCalendar) -> timedelta:
    day = date(2000, 1, 1)
    return sum(
        (datetime.combine(day, b) - datetime.combine(day, a) for a, b in cal.office_hours),
        timedelta(0),
    )


def add(cal: WorkCalendar, start: datetime, duration: timedelta) -> datetime:
    start = start.astimezone(cal.tz)
    if not duration:
        return start
    remaining = duration
    day = start.date()
    while True:
        for a, b in intervals(cal, day):
            a = max(a, start)
            if b <= a:
                continue
            if b - a >= remaining:
                return a + remaining
            remaining -= b - a
        day += timedelta(days=1)


def between(cal: WorkCalendar, start: datetime, end: datetime) -> timedelta:
    start, end = start.astimezone(cal.tz), end.astimezone(cal.tz)
    total = timedelta(0)
    day = start.date()
    while day <= end.date():
        for a, b in intervals(cal, day):
            a, b = max(a, start), min(b, end)
            if b > a:
                total += b - a
        day += timedelta(days=1)
    return total


def close(cal: WorkCalendar, day: date) -> datetime:
    return datetime.combine(day, cal.office_hours[-1][1], tzinfo=cal.tz)


def due(cal, start, amount, unit, rule="civil_code", pauses=()):
    start = start.astimezone(cal.tz)
    if unit == "working_hours":
        result = add(cal, start, timedelta(hours=amount))
    elif unit == "working_days" and rule == "office_time":
        result = add(cal, start, amount * day_length(cal))
    elif unit == "working_days":
        day, counted = start.date(), 0
        while counted < amount:
            day += timedelta(days=1)
            counted += is_working(cal, day)
        result = close(cal, day)
    else:
        cutoff = min(cal.same_day_cutoff, cal.office_hours[-1][1])
        day = start.date()
        if not (is_working(cal, day) and start.timetz().replace(tzinfo=None) < cutoff):
            day += timedelta(days=1)
            while not is_working(cal, day):
                day += timedelta(days=1)
        result = close(cal, day)
    paused = sum((between(cal, a, b) for a, b in pauses if b is not None), timedelta(0))
    return add(cal, result, paused)
