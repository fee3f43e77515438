"""Reads of the working calendar (docs/architecture.md: selectors read, services write).

:func:`site_calendar` is what every deadline computation of the site uses. It is cached per
process and keyed by the calendar row's ``revision``, a random token that the calendar services
replace on every change: each call costs one indexed one-column query, and a change made by any
process (desk, import command) is seen by all the others on their next call. Changes made behind
the services' back (raw ORM, ``loaddata``) are seen only after :func:`site_calendar_clear` or a
restart, which is why every calendar write goes through :mod:`motcua.core.services`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from motcua.core.calendar_yaml import CalendarYear, HolidayEntry, WorkingDayEntry
from motcua.core.deadlines import DayRule, Pause, due_at
from motcua.core.models import (
    SITE_CALENDAR_KEY,
    Holiday,
    MakeUpWorkingDay,
    WorkingCalendar,
)
from motcua.core.workcalendar import (
    DEFAULT_OFFICE_HOURS,
    DEFAULT_SAME_DAY_CUTOFF,
    DEFAULT_WEEKDAYS,
    WorkCalendar,
    expand_range,
)

_lock = threading.Lock()
_cache: dict[str, object] = {}
_MISSING = "-"  # the revision key when no calendar row exists yet


def site_time_zone() -> ZoneInfo:
    """Return the site's time zone (``settings.TIME_ZONE``, Asia/Ho_Chi_Minh)."""
    return ZoneInfo(settings.TIME_ZONE)


def site_default_hours() -> tuple[tuple[time, time], ...]:
    """Return the office hours of the site config (``office_hours``) or the default calendar (docs/architecture.md, Deadlines)."""
    site = getattr(settings, "SITE", None)
    pairs = getattr(site, "office_hours", None)
    if not pairs:
        return DEFAULT_OFFICE_HOURS
    return tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in pairs)


def site_default_cutoff() -> time:
    site = getattr(settings, "SITE", None)
    cutoff = getattr(site, "same_day_cutoff", None)
    return time.fromisoformat(cutoff) if cutoff else DEFAULT_SAME_DAY_CUTOFF


def site_calendar_row() -> WorkingCalendar | None:
    """Return the site's calendar row, or None before it was ever saved."""
    return WorkingCalendar.objects.filter(key=SITE_CALENDAR_KEY).first()


def _build(row: WorkingCalendar | None) -> tuple[WorkCalendar, DayRule]:
    tz = site_time_zone()
    if row is None:
        return (
            WorkCalendar(
                tz=tz,
                office_hours=site_default_hours(),
                weekdays=DEFAULT_WEEKDAYS,
                same_day_cutoff=site_default_cutoff(),
            ),
            DayRule.CIVIL_CODE,
        )
    hours = tuple(row.office_intervals.order_by("start").values_list("start", "end"))
    holidays: dict = {}
    for start, end, name in Holiday.objects.filter(calendar=row).values_list(
        "start_date", "end_date", "name"
    ):
        for day in expand_range(start, end or start):
            holidays[day] = name
    working = dict(MakeUpWorkingDay.objects.filter(calendar=row).values_list("date", "name"))
    calendar = WorkCalendar(
        tz=tz,
        office_hours=hours,
        weekdays=row.weekday_numbers,
        same_day_cutoff=row.same_day_cutoff,
        holidays=holidays,
        working_days=working,
    )
    return calendar, DayRule(row.day_rule)


_revision_held: ContextVar[list | None] = ContextVar("motcua_calendar_revision", default=None)


@contextmanager
def calendar_revision_held() -> Iterator[None]:
    """Within the block, the calendar's revision is read once (one transaction's due moments
    are computed on one calendar; the lifecycle holds it for a reception and its start)."""
    token = _revision_held.set([])
    try:
        yield
    finally:
        _revision_held.reset(token)


def _revision():
    held = _revision_held.get()
    if held:
        return held[0]
    revision = (
        WorkingCalendar.objects.filter(key=SITE_CALENDAR_KEY)
        .values_list("revision", flat=True)
        .first()
    )
    if held is not None:
        held.append(revision)
    return revision


def _cached() -> tuple[WorkCalendar, DayRule]:
    revision = _revision()
    key = _MISSING if revision is None else f"r:{revision}"
    with _lock:
        if _cache.get("key") == key:
            return _cache["value"]  # type: ignore[return-value]
    value = _build(site_calendar_row())
    with _lock:
        _cache["key"] = key
        _cache["value"] = value
    return value


def site_calendar() -> WorkCalendar:
    """Return the site's :class:`WorkCalendar` (cached; see the module docstring).

    Raises :class:`motcua.core.workcalendar.CalendarError` when the stored calendar has no
    working time at all.
    """
    return _cached()[0]


def site_day_rule() -> DayRule:
    """Return how the site counts working days (Civil Code Art. 147 unless the desk says else)."""
    return _cached()[1]


def site_due_at(
    *,
    start: datetime,
    amount: int | Decimal,
    unit: str,
    pauses: Iterable[Pause | tuple] = (),
) -> datetime:
    """Return the due moment with the site's calendar and working-day rule (docs/architecture.md, Deadlines).

    What dossier reception and step assignment call; see :func:`motcua.core.deadlines.due_at`.
    """
    calendar, day_rule = _cached()
    return due_at(calendar, start=start, amount=amount, unit=unit, pauses=pauses, day_rule=day_rule)


def site_calendar_clear() -> None:
    """Forget the cached calendar of this process (services call it after every change)."""
    with _lock:
        _cache.clear()


def calendar_years() -> list[int]:
    """Return the years that have holidays or make-up days, ascending."""
    years = set(Holiday.objects.values_list("year", flat=True))
    years |= set(MakeUpWorkingDay.objects.values_list("year", flat=True))
    return sorted(years)


def calendar_year(year: int) -> CalendarYear:
    """Return one year of the site calendar in the shape of the YAML file (for export)."""
    row = site_calendar_row()
    if row is None:
        return CalendarYear(
            year=year,
            office_hours=site_default_hours(),
            weekdays=DEFAULT_WEEKDAYS,
            same_day_cutoff=site_default_cutoff(),
        )
    holidays = tuple(
        HolidayEntry(h.start_date, h.end_date or h.start_date, h.name, h.decision)
        for h in Holiday.objects.filter(calendar=row, year=year).order_by("start_date")
    )
    working_days = tuple(
        WorkingDayEntry(w.date, w.name, w.decision)
        for w in MakeUpWorkingDay.objects.filter(calendar=row, year=year).order_by("date")
    )
    return CalendarYear(
        year=year,
        office_hours=tuple(row.office_intervals.order_by("start").values_list("start", "end")),
        weekdays=row.weekday_numbers,
        same_day_cutoff=row.same_day_cutoff,
        holidays=holidays,
        working_days=working_days,
    )
