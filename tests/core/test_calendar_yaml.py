"""The YAML year format: parsing, one-line errors naming the key, round trip, seed files."""

from datetime import date, time
from pathlib import Path

import pytest

from motcua.core.calendar_yaml import (
    CalendarFileError,
    CalendarYear,
    HolidayEntry,
    WorkingDayEntry,
    calendar_from_files,
    dump_calendar_year,
    parse_calendar_year,
    read_calendar_year,
)
from motcua.core.deadlines import due_at

from .conftest import TZ, at

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "calendar"

ISSUE_EXAMPLE = """
office_hours: [["07:30", "11:30"], ["13:00", "17:00"]]
weekdays: [mon, tue, wed, thu, fri]
same_day_cutoff: "15:00"
holidays: ["2025-01-01", {from: "2025-01-25", to: "2025-02-02", name: "Tết Ất Tỵ"}]
working_days: ["2025-02-15"]
"""


def test_the_documented_example_parses():
    cy = parse_calendar_year(ISSUE_EXAMPLE)
    assert cy.year == 2025
    assert cy.office_hours == ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
    assert cy.weekdays == frozenset({0, 1, 2, 3, 4})
    assert cy.same_day_cutoff == time(15, 0)
    assert cy.holidays == (
        HolidayEntry(date(2025, 1, 1), date(2025, 1, 1)),
        HolidayEntry(date(2025, 1, 25), date(2025, 2, 2), "Tết Ất Tỵ"),
    )
    assert cy.working_days == (WorkingDayEntry(date(2025, 2, 15)),)
    assert len(cy.holiday_dates()) == 10


def test_the_documented_example_gives_the_issue_deadline():
    cal = parse_calendar_year(ISSUE_EXAMPLE).to_calendar(TZ)
    due = due_at(cal, start=at(2025, 1, 24, 10), amount=3, unit="working_days")
    assert due.isoformat() == "2025-02-05T17:00:00+07:00"


def test_unquoted_dates_are_accepted():
    cy = parse_calendar_year("holidays: [2025-01-01]\nworking_days: [2025-02-15]\n")
    assert cy.holidays[0].start == date(2025, 1, 1)


def test_names_and_decisions_are_kept():
    cy = parse_calendar_year(
        'holidays: [{date: "2025-04-07", name: "Giỗ Tổ", decision: "BLLĐ 2019, Điều 112"}]\n'
        'working_days: [{date: "2025-04-26", name: "Làm bù", decision: "CV 1/VPCP"}]\n'
    )
    assert cy.holidays[0] == HolidayEntry(
        date(2025, 4, 7), date(2025, 4, 7), "Giỗ Tổ", "BLLĐ 2019, Điều 112"
    )
    assert cy.working_days[0] == WorkingDayEntry(date(2025, 4, 26), "Làm bù", "CV 1/VPCP")


def test_absent_weekly_keys_stay_none_and_default_in_a_calendar():
    cy = parse_calendar_year('holidays: ["2025-01-01"]')
    assert cy.office_hours is None and cy.weekdays is None and cy.same_day_cutoff is None
    cal = cy.to_calendar(TZ)
    assert cal.day_office_time.total_seconds() == 8 * 3600


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('office_hours: [["07:30", "25:00"]]', 'office_hours[0][1]: "25:00" không phải giờ'),
        ("office_hours: [[07:30, 11:30]]", "office_hours[0][1]: giờ phải đặt trong ngoặc kép"),
        ('office_hours: [["11:30", "07:30"]]', "office_hours[0]: giờ kết thúc"),
        ('office_hours: [["07:30", "12:00"], ["11:00", "17:00"]]', "office_hours: các khoảng"),
        ('office_hours: ["07:30"]', "office_hours[0]:"),
        ("weekdays: [mon, funday]", 'weekdays[1]: "funday" không phải ngày trong tuần'),
        ('same_day_cutoff: "3pm"', 'same_day_cutoff: "3pm" không phải giờ'),
        ('holidays: ["2025-02-30"]', 'holidays[0]: "2025-02-30" không phải ngày hợp lệ'),
        ('holidays: ["25/01/2025"]', 'holidays[0]: "25/01/2025" không phải ngày hợp lệ'),
        ('holidays: [{from: "2025-01-25"}]', "holidays[0]: thiếu khóa 'to'"),
        (
            'holidays: [{from: "2025-02-02", to: "2025-01-25"}]',
            "holidays[0].to: 2025-01-25 trước ngày bắt đầu 2025-02-02",
        ),
        ('holidays: [{date: "2025-01-01", when: "x"}]', "holidays[0].when: khóa không hợp lệ"),
        ('holidays: [{name: "x"}]', "holidays[0]: cần 'date' hoặc 'from' và 'to'"),
        ('holidays: "2025-01-01"', "holidays: phải là một danh sách"),
        (
            'holidays: ["2025-01-01", {from: "2024-12-31", to: "2025-01-02"}]',
            "holidays[1]: ngày 2025-01-01 đã có ở holidays[0]",
        ),
        (
            'holidays: ["2025-02-15"]\nworking_days: ["2025-02-15"]',
            "working_days[0]: ngày 2025-02-15 đã có ở holidays[0]",
        ),
        (
            "working_days: [2025-02-15 08:00:00]",
            "working_days[0]: 2025-02-15T08:00:00 là thời điểm",
        ),
        ('working_days: [{name: "x"}]', "working_days[0]: thiếu khóa 'date'"),
        ('holidays: ["2024-12-31", "2025-01-01"]', "year: các ngày thuộc nhiều năm (2024, 2025)"),
        (
            'year: 2025\nholidays: ["2027-01-01"]',
            "holidays[0]: ngày 2027-01-01 không thuộc năm 2025",
        ),
        ('year: "2025"', 'year: "2025" không phải là năm'),
        ("colour: blue", "colour: khóa không hợp lệ"),
        ("- just\n- a list", "tệp lịch phải là một bảng"),
        ('holidays: ["2025-01-01"', "dòng"),
    ],
)
def test_errors_are_one_line_naming_the_key(text, message):
    with pytest.raises(CalendarFileError) as caught:
        parse_calendar_year(text, where="lich.yaml")
    line = str(caught.value)
    assert "\n" not in line
    assert line.startswith("lich.yaml: ")
    assert message in line


def test_adjacent_year_dates_are_allowed_with_an_explicit_year():
    cy = parse_calendar_year('year: 2019\nholidays: ["2018-12-31", "2019-01-01"]')
    assert cy.year == 2019 and len(cy.holidays) == 2


def test_a_calendar_without_weekdays_and_hours_is_refused_when_built():
    cy = parse_calendar_year("weekdays: []")
    with pytest.raises(CalendarFileError, match="không có thời gian làm việc"):
        cy.to_calendar(TZ)


def test_dump_then_parse_gives_the_same_year():
    cy = CalendarYear(
        year=2025,
        office_hours=((time(7, 0), time(11, 0)), (time(13, 30), time(17, 30))),
        weekdays=frozenset({0, 1, 2, 3, 4, 5}),
        same_day_cutoff=time(16, 0),
        holidays=(
            HolidayEntry(date(2025, 1, 1), date(2025, 1, 1)),
            HolidayEntry(date(2025, 1, 25), date(2025, 2, 2), 'Tết "Ất Tỵ"', "TB 6150/TB-BLĐTBXH"),
            HolidayEntry(date(2025, 4, 7), date(2025, 4, 7), "Giỗ Tổ: 10/3 âm lịch"),
        ),
        working_days=(WorkingDayEntry(date(2025, 2, 15), "Làm bù", "QĐ #12"),),
    )
    text = dump_calendar_year(cy, header="Lịch 2025\nxuất thử")
    assert text.startswith("# Lịch 2025\n# xuất thử\n")
    assert '{from: "2025-01-25", to: "2025-02-02", name: "Tết \\"Ất Tỵ\\"",' in text
    assert parse_calendar_year(text) == cy


def test_dump_of_an_empty_year_parses_back():
    cy = CalendarYear(year=2030)
    assert parse_calendar_year(dump_calendar_year(cy)) == cy


def test_missing_file_is_one_line(tmp_path):
    with pytest.raises(CalendarFileError, match="không tìm thấy tệp"):
        read_calendar_year(tmp_path / "none.yaml")


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027])
def test_seed_files_parse_and_build(year):
    cy = read_calendar_year(SEEDS / f"vn-{year}.yaml")
    assert cy.year == year
    cal = cy.to_calendar(TZ)
    assert cal.is_working_day(date(year, 1, 1)) is False
    assert all(h.name for h in cy.holidays)


def test_seed_calendar_has_the_official_2025_and_2026_arrangements():
    cal = calendar_from_files(sorted(SEEDS.glob("vn-*.yaml")), tz=TZ)
    off = {d for d, _ in cal.holidays}
    assert {date(2025, 1, 25), date(2025, 2, 2)} <= off  # Tết Ất Tỵ 25/1–2/2
    assert {date(2026, 2, 14), date(2026, 2, 22)} <= off  # Tết Bính Ngọ 14/2–22/2
    assert not cal.is_working_day(date(2026, 4, 27))  # Hùng Kings on Sunday → off Monday
    assert not cal.is_working_day(date(2025, 9, 1)) and not cal.is_working_day(date(2025, 9, 2))
    assert cal.is_working_day(date(2025, 4, 26))  # make-up Saturday for Fri 2/5
    assert cal.is_working_day(date(2024, 5, 4))  # make-up Saturday for Mon 29/4
    assert not cal.is_working_day(date(2024, 4, 29))
    due = due_at(cal, start=at(2025, 1, 24, 10), amount=3, unit="working_days")
    assert due.isoformat() == "2025-02-05T17:00:00+07:00"
