"""Fixed calendars for the deadline tests (never the seed files, which admins may correct)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from motcua.core.workcalendar import WorkCalendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, mo, d, h=0, mi=0, s=0, us=0) -> datetime:
    """An aware moment in Vietnam's time zone (+07:00)."""
    return datetime(y, mo, d, h, mi, s, us, tzinfo=TZ)


def days(first: date, last: date, name: str) -> dict[date, str]:
    return {first + timedelta(n): name for n in range((last - first).days + 1)}


def calendar_2025(**changes) -> WorkCalendar:
    """The civil-servant calendar of 2025 (Thông báo 6150/TB-BLĐTBXH and the 30/4 swap)."""
    holidays = {date(2025, 1, 1): "Tết Dương lịch"}
    holidays |= days(date(2025, 1, 25), date(2025, 2, 2), "Tết Ất Tỵ")
    holidays |= {date(2025, 4, 7): "Giỗ Tổ Hùng Vương"}
    holidays |= days(date(2025, 4, 30), date(2025, 5, 4), "30/4 – 1/5")
    holidays |= days(date(2025, 8, 30), date(2025, 9, 2), "Quốc khánh")
    values = {
        "tz": TZ,
        "office_hours": ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))),
        "weekdays": frozenset({0, 1, 2, 3, 4}),
        "holidays": holidays,
        "working_days": {date(2025, 4, 26): "Làm bù cho 2/5"},
        "same_day_cutoff": time(15, 0),
    }
    values.update(changes)
    return WorkCalendar(**values)


@pytest.fixture
def cal() -> WorkCalendar:
    return calendar_2025()
