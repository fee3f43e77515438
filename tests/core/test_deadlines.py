"""Hand-checked deadlines (docs/architecture.md, Deadlines; Civil Code 2015 Art. 147) on the fixed 2025 calendar.

Every expected value was worked out by hand on a paper calendar; the comment shows the count.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from motcua.core.deadlines import (
    DayRule,
    DeadlineError,
    Pause,
    add_office_time,
    due_at,
    office_time_between,
    paused_office_time,
    remaining_office_time,
    validate_pauses,
)
from motcua.core.timeunits import TimeUnit
from motcua.core.workcalendar import CalendarError, WorkCalendar

from .conftest import TZ, at, calendar_2025

WD, WH, SD = TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS, TimeUnit.SAME_DAY


def iso(cal, start, amount, unit, **kw) -> str:
    return due_at(cal, start=start, amount=amount, unit=unit, **kw).isoformat()


# --- the example and Tết ------------------------------------------------------------


def test_three_working_days_across_tet_end_on_wednesday_after(cal):
    # Fri 24/1 10:00 not counted; 25/1–2/2 off → Mon 3/2 (1), Tue 4/2 (2), Wed 5/2 (3).
    assert iso(cal, at(2025, 1, 24, 10), 3, WD) == "2025-02-05T17:00:00+07:00"


def test_one_working_day_received_on_the_last_day_before_tet(cal):
    assert iso(cal, at(2025, 1, 24, 16, 59), 1, WD) == "2025-02-03T17:00:00+07:00"


def test_working_hours_continue_after_tet(cal):
    # Fri 16:00–17:00 = 1 h, then Mon 3/2 07:30 + 3 h = 10:30.
    assert iso(cal, at(2025, 1, 24, 16), 4, WH) == "2025-02-03T10:30:00+07:00"


def test_same_day_after_cutoff_on_the_eve_of_tet_is_due_after_tet(cal):
    # 15:30 ≥ 15:00 cut-off; next working day is Mon 3/2.
    assert iso(cal, at(2025, 1, 24, 15, 30), 1, SD) == "2025-02-03T17:00:00+07:00"


def test_same_day_just_before_cutoff_on_the_eve_of_tet_is_due_that_day(cal):
    assert iso(cal, at(2025, 1, 24, 14, 59, 59), 1, SD) == "2025-01-24T17:00:00+07:00"


def test_same_day_exactly_at_cutoff_goes_to_next_working_day(cal):
    assert iso(cal, at(2025, 3, 3, 15, 0), 1, SD) == "2025-03-04T17:00:00+07:00"


def test_same_day_after_cutoff_on_the_eve_of_national_day(cal):
    # Fri 29/8 16:00; 30/8–2/9 off → Wed 3/9.
    assert iso(cal, at(2025, 8, 29, 16), 1, SD) == "2025-09-03T17:00:00+07:00"


def test_receipt_during_tet_counts_from_the_first_working_day(cal):
    # Wed 29/1 (Tết) not counted → Mon 3/2 is day 1.
    assert iso(cal, at(2025, 1, 29, 9), 1, WD) == "2025-02-03T17:00:00+07:00"
    assert iso(cal, at(2025, 1, 29, 9), 2, WH) == "2025-02-03T09:30:00+07:00"


# --- the make-up Saturday 26/4/2025 -----------------------------------------------------------


def test_make_up_saturday_counts_as_a_working_day(cal):
    # Fri 25/4 → Sat 26/4 (1), Mon 28/4 (2), Tue 29/4 (3), 30/4–4/5 off, Mon 5/5 (4).
    start = at(2025, 4, 25, 10)
    assert iso(cal, start, 1, WD) == "2025-04-26T17:00:00+07:00"
    assert iso(cal, start, 2, WD) == "2025-04-28T17:00:00+07:00"
    assert iso(cal, start, 4, WD) == "2025-05-05T17:00:00+07:00"


def test_working_hours_run_into_the_make_up_saturday(cal):
    # Fri 16:00–17:00 = 1 h, Sat 26/4 07:30 + 2 h = 09:30.
    assert iso(cal, at(2025, 4, 25, 16), 3, WH) == "2025-04-26T09:30:00+07:00"


def test_same_day_on_the_make_up_saturday(cal):
    assert iso(cal, at(2025, 4, 26, 10), 1, SD) == "2025-04-26T17:00:00+07:00"


def test_an_ordinary_saturday_is_not_a_working_day(cal):
    assert iso(cal, at(2025, 4, 19, 10), 1, SD) == "2025-04-21T17:00:00+07:00"


# --- awkward receipt times ------------------------------------------------------------------


def test_receipt_at_lunch_1145_counts_from_1300(cal):
    start = at(2025, 3, 3, 11, 45)  # Monday
    assert iso(cal, start, 2, WH) == "2025-03-03T15:00:00+07:00"
    assert iso(cal, start, 4, WH) == "2025-03-03T17:00:00+07:00"  # exactly the rest of the day
    assert iso(cal, start, 5, WH) == "2025-03-04T08:30:00+07:00"
    assert iso(cal, start, 1, WD) == "2025-03-04T17:00:00+07:00"
    assert iso(cal, start, 1, SD) == "2025-03-03T17:00:00+07:00"


def test_receipt_at_0600_counts_from_the_opening(cal):
    start = at(2025, 3, 3, 6, 0)
    assert iso(cal, start, 2, WH) == "2025-03-03T09:30:00+07:00"
    assert iso(cal, start, 4, WH) == "2025-03-03T11:30:00+07:00"  # end of the morning, not 13:00
    assert iso(cal, start, 1, SD) == "2025-03-03T17:00:00+07:00"
    # Art. 147: the day of receipt is not counted even when received before opening.
    assert iso(cal, start, 1, WD) == "2025-03-04T17:00:00+07:00"


def test_receipt_at_1730_counts_from_the_next_morning(cal):
    assert iso(cal, at(2025, 3, 3, 17, 30), 2, WH) == "2025-03-04T09:30:00+07:00"
    assert iso(cal, at(2025, 3, 3, 17, 30), 1, SD) == "2025-03-04T17:00:00+07:00"
    assert iso(cal, at(2025, 3, 3, 17, 30), 1, WD) == "2025-03-04T17:00:00+07:00"
    # Friday evening → Monday.
    assert iso(cal, at(2025, 3, 7, 17, 30), 2, WH) == "2025-03-10T09:30:00+07:00"


def test_receipt_on_sunday(cal):
    start = at(2025, 3, 2, 10)  # Sunday
    assert iso(cal, start, 1, WD) == "2025-03-03T17:00:00+07:00"
    assert iso(cal, start, 3, WD) == "2025-03-05T17:00:00+07:00"
    assert iso(cal, start, 2, WH) == "2025-03-03T09:30:00+07:00"
    assert iso(cal, start, 1, SD) == "2025-03-03T17:00:00+07:00"


def test_receipt_on_new_years_day(cal):
    start = at(2025, 1, 1, 9)  # Wednesday, holiday
    assert iso(cal, start, 1, WD) == "2025-01-02T17:00:00+07:00"
    assert iso(cal, start, 8, WH) == "2025-01-02T17:00:00+07:00"
    assert iso(cal, start, 1, SD) == "2025-01-02T17:00:00+07:00"


def test_receipt_at_1700_sharp_has_no_office_time_left_that_day(cal):
    assert iso(cal, at(2025, 3, 3, 17, 0), 1, WH) == "2025-03-04T08:30:00+07:00"


def test_seconds_and_microseconds_are_kept(cal):
    assert iso(cal, at(2025, 3, 3, 9, 15, 20, 5), 1, WH) == "2025-03-03T10:15:20.000005+07:00"


def test_fractional_working_hours(cal):
    assert iso(cal, at(2025, 3, 3, 11, 0), Decimal("1.5"), WH) == "2025-03-03T14:00:00+07:00"


# --- the alternative rule -------------------------------------------------------------------


def test_office_time_rule_three_days_from_monday_1000_is_thursday_1000(cal):
    assert (
        iso(cal, at(2025, 3, 3, 10), 3, WD, day_rule=DayRule.OFFICE_TIME)
        == "2025-03-06T10:00:00+07:00"
    )


def test_office_time_rule_across_tet(cal):
    # Fri 10:00–17:00 = 5.5 h; Mon 3/2 07:30 + 2.5 h = 10:00.
    assert (
        iso(cal, at(2025, 1, 24, 10), 1, WD, day_rule="office_time") == "2025-02-03T10:00:00+07:00"
    )


def test_office_time_rule_from_before_opening_ends_at_close(cal):
    assert (
        iso(cal, at(2025, 3, 3, 6), 3, WD, day_rule=DayRule.OFFICE_TIME)
        == "2025-03-05T17:00:00+07:00"
    )


def test_office_time_rule_accepts_half_days(cal):
    assert (
        iso(cal, at(2025, 3, 3, 7, 30), Decimal("0.5"), WD, day_rule=DayRule.OFFICE_TIME)
        == "2025-03-03T11:30:00+07:00"
    )


def test_civil_code_rule_rejects_half_days(cal):
    with pytest.raises(DeadlineError, match="số nguyên"):
        due_at(cal, start=at(2025, 3, 3, 10), amount=Decimal("0.5"), unit=WD)


# --- pauses ---------------------------------------------------------------------------------


def test_pause_pushes_due_by_the_office_time_it_covered(cal):
    # Mon 3/3 10:00 + 3 wd → Thu 6/3 17:00. Pause Tue 09:00–14:00 covers 2.5 h + 1 h = 3.5 h.
    # Thu 17:00 + 3.5 h → Fri 7/3 07:30 + 3.5 h = 11:00.
    pause = Pause(at(2025, 3, 4, 9), at(2025, 3, 4, 14))
    assert iso(cal, at(2025, 3, 3, 10), 3, WD, pauses=[pause]) == "2025-03-07T11:00:00+07:00"


def test_pause_over_a_weekend_and_lunch_moves_nothing(cal):
    start = at(2025, 3, 3, 10)
    pauses = [
        (at(2025, 3, 3, 11, 40), at(2025, 3, 3, 12, 50)),
        (at(2025, 3, 7, 17, 10), at(2025, 3, 10, 7, 20)),
    ]
    assert iso(cal, start, 3, WD, pauses=pauses) == "2025-03-06T17:00:00+07:00"


def test_pause_through_tet_counts_only_office_time(cal):
    # 24/1 16:00 → 3/2 08:30 covers 1 h + 1 h = 2 h; 8 h from Thu 23/1 09:00 → Fri 24/1 09:00,
    # + 2 h → 11:00.
    pause = (at(2025, 1, 24, 16), at(2025, 2, 3, 8, 30))
    assert iso(cal, at(2025, 1, 23, 9), 8, WH, pauses=[pause]) == "2025-01-24T11:00:00+07:00"


def test_two_pauses_add_up(cal):
    pauses = [
        (at(2025, 3, 4, 8, 0), at(2025, 3, 4, 9, 0)),  # 1 h
        (at(2025, 3, 5, 16, 0), at(2025, 3, 6, 8, 0)),  # 1 h + 0.5 h
    ]
    assert paused_office_time(cal, pauses) == timedelta(hours=2, minutes=30)
    # Mon 3/3 10:00 + 8 h → Tue 10:00; + 2.5 h → Tue 14:00.
    assert iso(cal, at(2025, 3, 3, 10), 8, WH, pauses=pauses) == "2025-03-04T14:00:00+07:00"


def test_an_open_pause_moves_nothing_until_it_ends(cal):
    pauses = [(at(2025, 3, 4, 9), None)]
    assert iso(cal, at(2025, 3, 3, 10), 3, WD, pauses=pauses) == "2025-03-06T17:00:00+07:00"


def test_pause_that_ends_before_it_starts_is_rejected(cal):
    with pytest.raises(DeadlineError, match="kết thúc trước khi bắt đầu"):
        validate_pauses(cal, [(at(2025, 3, 4, 9), at(2025, 3, 4, 8))])


def test_overlapping_pauses_are_rejected(cal):
    pauses = [(at(2025, 3, 4, 9), at(2025, 3, 4, 11)), (at(2025, 3, 4, 10), at(2025, 3, 4, 12))]
    with pytest.raises(DeadlineError, match="chồng lên nhau"):
        due_at(cal, start=at(2025, 3, 3, 10), amount=1, unit=WD, pauses=pauses)


def test_touching_pauses_are_fine(cal):
    pauses = [(at(2025, 3, 4, 9), at(2025, 3, 4, 10)), (at(2025, 3, 4, 10), at(2025, 3, 4, 11))]
    assert paused_office_time(cal, pauses) == timedelta(hours=2)


def test_a_pause_after_an_open_pause_is_rejected(cal):
    pauses = [(at(2025, 3, 4, 9), None), (at(2025, 3, 5, 9), at(2025, 3, 5, 10))]
    with pytest.raises(DeadlineError, match="chồng lên nhau"):
        validate_pauses(cal, pauses)


def test_pause_before_the_start_is_rejected(cal):
    with pytest.raises(DeadlineError, match="trước thời điểm bắt đầu"):
        due_at(
            cal,
            start=at(2025, 3, 3, 10),
            amount=1,
            unit=WD,
            pauses=[(at(2025, 3, 3, 9), at(2025, 3, 3, 11))],
        )


def test_naive_pause_is_rejected(cal):
    with pytest.raises(DeadlineError, match="múi giờ"):
        validate_pauses(cal, [(datetime(2025, 3, 4, 9), at(2025, 3, 4, 10))])  # noqa: DTZ001


# --- measuring ------------------------------------------------------------------------------


def test_office_time_between_across_tet(cal):
    # Fri 10:00–17:00 = 5.5 h; Mon 07:30–08:00 = 0.5 h.
    assert office_time_between(cal, at(2025, 1, 24, 10), at(2025, 2, 3, 8)) == timedelta(hours=6)


def test_office_time_between_rejects_reversed_moments(cal):
    with pytest.raises(DeadlineError):
        office_time_between(cal, at(2025, 3, 4), at(2025, 3, 3))


def test_remaining_office_time_over_a_weekend(cal):
    # Fri 16:30–17:00 = 0.5 h, Mon 07:30–09:00 = 1.5 h.
    due = at(2025, 3, 10, 9)
    assert remaining_office_time(cal, now=at(2025, 3, 7, 16, 30), due=due) == timedelta(hours=2)


def test_remaining_office_time_is_negative_when_overdue(cal):
    remaining = remaining_office_time(cal, now=at(2025, 3, 10, 10), due=at(2025, 3, 10, 9))
    assert remaining == -timedelta(hours=1)


def test_add_office_time_zero_returns_start_in_site_zone(cal):
    start = datetime(2025, 3, 2, 12, tzinfo=UTC)  # Sunday 19:00 in Hà Nội
    result = add_office_time(cal, start, timedelta(0))
    assert result.isoformat() == "2025-03-02T19:00:00+07:00"


def test_add_office_time_rejects_negative_durations(cal):
    with pytest.raises(DeadlineError):
        add_office_time(cal, at(2025, 3, 3, 9), timedelta(minutes=-1))


# --- time zones -----------------------------------------------------------------------------


def test_start_in_utc_gives_the_same_due_in_site_zone(cal):
    start = datetime(2025, 1, 24, 3, 0, tzinfo=UTC)  # 10:00 +07:00
    due = due_at(cal, start=start, amount=3, unit=WD)
    assert due.isoformat() == "2025-02-05T17:00:00+07:00"
    assert due.tzinfo == TZ


def test_utc_late_evening_is_the_next_local_day(cal):
    # 2025-03-02 23:30 UTC is Mon 3/3 06:30 in Vietnam: same day → Mon 17:00.
    start = datetime(2025, 3, 2, 23, 30, tzinfo=UTC)
    assert iso(cal, start, 1, SD) == "2025-03-03T17:00:00+07:00"


def test_naive_start_is_rejected(cal):
    with pytest.raises(DeadlineError, match="múi giờ"):
        due_at(cal, start=datetime(2025, 3, 3, 10), amount=1, unit=WD)  # noqa: DTZ001


# --- bad inputs -----------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [0, -1, Decimal("-0.5"), True, "3", None])
def test_bad_amounts_are_rejected(cal, amount):
    with pytest.raises(DeadlineError):
        due_at(cal, start=at(2025, 3, 3, 10), amount=amount, unit=WH)


def test_unknown_unit_is_rejected(cal):
    with pytest.raises(DeadlineError, match="working_days"):
        due_at(cal, start=at(2025, 3, 3, 10), amount=1, unit="fortnights")


def test_unknown_day_rule_is_rejected(cal):
    with pytest.raises(DeadlineError, match="civil_code"):
        due_at(cal, start=at(2025, 3, 3, 10), amount=1, unit=WD, day_rule="lunar")


def test_deadline_error_is_a_value_error():
    assert issubclass(DeadlineError, ValueError)


# --- calendars with other shapes ------------------------------------------------------------


def test_three_intervals_a_day():
    cal = WorkCalendar(
        tz=TZ, office_hours=((time(8), time(10)), (time(10, 30), time(12)), (time(14), time(16)))
    )
    # Mon 09:00: 1 h to 10:00, 1.5 h to 12:00, then 14:00 + 0.5 h.
    assert iso(cal, at(2025, 3, 3, 9), 3, WH) == "2025-03-03T14:30:00+07:00"
    assert iso(cal, at(2025, 3, 3, 9), 1, WD) == "2025-03-04T16:00:00+07:00"


def test_six_day_week():
    cal = WorkCalendar(tz=TZ, weekdays=frozenset(range(6)))
    assert iso(cal, at(2025, 3, 7, 10), 1, WD) == "2025-03-08T17:00:00+07:00"  # Fri → Sat


def test_cutoff_after_closing_is_capped_at_closing(cal):
    late = calendar_2025(same_day_cutoff=time(18, 0))
    assert iso(late, at(2025, 3, 3, 17, 30), 1, SD) == "2025-03-04T17:00:00+07:00"
    assert iso(late, at(2025, 3, 3, 16, 30), 1, SD) == "2025-03-03T17:00:00+07:00"


def test_calendar_with_no_weekday_is_rejected():
    with pytest.raises(CalendarError, match="không có thời gian làm việc"):
        WorkCalendar(tz=TZ, weekdays=frozenset())


def test_calendar_with_overlapping_intervals_is_rejected():
    with pytest.raises(CalendarError, match="chồng lên nhau"):
        WorkCalendar(tz=TZ, office_hours=((time(8), time(12)), (time(11), time(17))))


def test_calendar_with_reversed_interval_is_rejected():
    with pytest.raises(CalendarError, match="phải sau"):
        WorkCalendar(tz=TZ, office_hours=((time(12), time(8)),))


def test_a_day_cannot_be_both_holiday_and_make_up_day():
    with pytest.raises(CalendarError, match="2025-04-26"):
        calendar_2025(holidays={date(2025, 4, 26): "x"})


def test_equal_calendars_compare_equal_whatever_the_input_shape():
    a = WorkCalendar(tz=TZ, holidays={date(2025, 1, 1): "Tết"})
    b = WorkCalendar(tz=TZ, holidays=[(date(2025, 1, 1), "Tết")])
    assert a == b and hash(a) == hash(b)
    assert a != WorkCalendar(tz=TZ, holidays={date(2025, 1, 1): "Tết Dương lịch"})


def test_working_day_helpers(cal):
    assert cal.is_working_day(date(2025, 4, 26))  # make-up Saturday
    assert not cal.is_working_day(date(2025, 1, 29))
    assert cal.next_working_day(date(2025, 1, 24)) == date(2025, 2, 3)
    assert cal.add_working_days(date(2025, 1, 24), 3) == date(2025, 2, 5)
    # January 2025: 23 weekdays − 1/1 − 27..31/1 = 17.
    assert cal.working_days_between(date(2025, 1, 1), date(2025, 1, 31)) == 17
    assert cal.holiday_name(date(2025, 1, 28)) == "Tết Ất Tỵ"
    assert cal.holiday_name(date(2025, 1, 24)) is None
    assert cal.day_office_time == timedelta(hours=8)


def test_far_dates_use_the_weekly_pattern(cal):
    # No holiday data for 2031: Fri 7/3/2031 + 1 wd = Mon 10/3/2031.
    assert iso(cal, at(2031, 3, 7, 10), 1, WD) == "2031-03-10T17:00:00+07:00"
    assert iso(cal, at(1999, 12, 31, 10), 1, WD) == "2000-01-03T17:00:00+07:00"
