"""Property-based tests of the deadline engine on random calendars (hypothesis).

Random calendars: any non-empty set of weekdays, one to three office intervals on a minute grid,
random holidays and make-up days around the 2024/2025 turn of year, any cut-off. Random moments
carry microseconds. Besides the engine's stated properties, the engine is compared with the slow
day-by-day oracle of ``calendar_oracle``.
"""

from datetime import date, datetime, time, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from motcua.core.deadlines import (
    DayRule,
    Pause,
    add_office_time,
    due_at,
    office_time_between,
    remaining_office_time,
)
from motcua.core.timeunits import TimeUnit
from motcua.core.workcalendar import WorkCalendar

from . import calendar_oracle as oracle
from .conftest import TZ

# Examples per test: the profile of tests/conftest.py ("dev" by default, "ci" in make test).

FIRST, LAST = date(2024, 11, 1), date(2025, 4, 30)


def _minute(m: int) -> time:
    return time(m // 60, m % 60)


@st.composite
def calendars(draw) -> WorkCalendar:
    weekdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    n = draw(st.integers(1, 3))
    bounds = sorted(draw(st.sets(st.integers(0, 1439), min_size=2 * n, max_size=2 * n)))
    hours = tuple((_minute(bounds[i]), _minute(bounds[i + 1])) for i in range(0, 2 * n, 2))
    some_dates = st.dates(min_value=FIRST, max_value=LAST)
    holidays = draw(st.sets(some_dates, max_size=40))
    makeup = draw(st.sets(some_dates, max_size=8)) - holidays
    # A long stretch off now and then, like Tết.
    if draw(st.booleans()):
        first = draw(some_dates)
        holidays |= {first + timedelta(k) for k in range(draw(st.integers(3, 12)))}
        makeup -= holidays
    cutoff = _minute(draw(st.integers(0, 1439)))
    return WorkCalendar(
        tz=TZ,
        office_hours=hours,
        weekdays=weekdays,
        holidays={d: "nghỉ" for d in holidays},
        working_days={d: "làm bù" for d in makeup},
        same_day_cutoff=cutoff,
    )


# hypothesis takes naive bounds and attaches the time zone itself.
moments = st.datetimes(
    min_value=datetime(2024, 11, 1),  # noqa: DTZ001
    max_value=datetime(2025, 3, 31),  # noqa: DTZ001
    timezones=st.just(TZ),
)
units = st.sampled_from([TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS, TimeUnit.SAME_DAY])
rules = st.sampled_from([DayRule.CIVIL_CODE, DayRule.OFFICE_TIME])
durations = st.integers(0, 200 * 3600 * 10**6).map(lambda us: timedelta(microseconds=us))


@given(cal=calendars(), start=moments, amount=st.integers(1, 25), unit=units, rule=rules)
def test_due_is_never_before_the_start(cal, start, amount, unit, rule):
    assert due_at(cal, start=start, amount=amount, unit=unit, day_rule=rule) >= start


@given(cal=calendars(), start=moments, amount=st.integers(1, 25), unit=units, rule=rules)
def test_due_is_always_an_office_moment(cal, start, amount, unit, rule):
    due = due_at(cal, start=start, amount=amount, unit=unit, day_rule=rule)
    assert cal.is_office_moment(due)
    assert due.tzinfo is TZ


@given(cal=calendars(), start=moments, duration=durations)
def test_adding_office_time_then_measuring_it_gives_it_back(cal, start, duration):
    end = add_office_time(cal, start, duration)
    assert office_time_between(cal, start, end) == duration
    assert remaining_office_time(cal, now=start, due=end) == duration


@given(cal=calendars(), a=moments, b=moments)
def test_measuring_then_adding_never_overshoots(cal, a, b):
    a, b = min(a, b), max(a, b)
    assert add_office_time(cal, a, office_time_between(cal, a, b)) <= b


@given(
    cal=calendars(),
    start=moments,
    small=st.integers(1, 20),
    extra=st.integers(0, 20),
    unit=st.sampled_from([TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS]),
    rule=rules,
)
def test_due_is_monotonic_in_amount(cal, start, small, extra, unit, rule):
    one = due_at(cal, start=start, amount=small, unit=unit, day_rule=rule)
    two = due_at(cal, start=start, amount=small + extra, unit=unit, day_rule=rule)
    assert one <= two
    if extra and (unit is TimeUnit.WORKING_HOURS or rule is DayRule.CIVIL_CODE):
        assert one < two


@given(cal=calendars(), start=moments, later=moments, amount=st.integers(1, 10), unit=units)
def test_due_is_monotonic_in_start(cal, start, later, amount, unit):
    start, later = min(start, later), max(start, later)
    assert due_at(cal, start=start, amount=amount, unit=unit) <= due_at(
        cal, start=later, amount=amount, unit=unit
    )


@st.composite
def off_time_pauses(draw, cal: WorkCalendar, after: datetime) -> Pause:
    """A pause that lies wholly outside office time, somewhere after *after*."""
    day = (after + timedelta(days=draw(st.integers(1, 40)))).astimezone(TZ).date()
    if not cal.is_working_day(day):
        lo = datetime.combine(day, time(0), tzinfo=TZ)
        hi = lo + timedelta(days=1)
    else:
        edges = [datetime.combine(day, time(0), tzinfo=TZ)]
        for a, b in cal.office_intervals(day):
            edges += [a, b]
        edges.append(datetime.combine(day, time(0), tzinfo=TZ) + timedelta(days=1))
        gaps = [(edges[i], edges[i + 1]) for i in range(0, len(edges), 2)]
        lo, hi = draw(st.sampled_from(gaps))
    span = int((hi - lo).total_seconds())
    first = draw(st.integers(0, span))
    last = draw(st.integers(first, span))
    return Pause(lo + timedelta(seconds=first), lo + timedelta(seconds=last))


@given(data=st.data(), cal=calendars(), start=moments, amount=st.integers(1, 20), unit=units)
def test_a_pause_outside_office_time_changes_nothing(data, cal, start, amount, unit):
    pause = data.draw(off_time_pauses(cal, start))
    assert office_time_between(cal, pause.start, pause.end) == timedelta(0)
    plain = due_at(cal, start=start, amount=amount, unit=unit)
    assert due_at(cal, start=start, amount=amount, unit=unit, pauses=[pause]) == plain


@given(
    cal=calendars(),
    start=moments,
    hours=st.integers(1, 60),
    offset=durations,
    length=durations,
)
def test_working_hours_net_of_pauses_equal_the_amount(cal, start, hours, offset, length):
    p_start = start + offset
    pause = Pause(p_start, p_start + length)
    due = due_at(cal, start=start, amount=hours, unit=TimeUnit.WORKING_HOURS, pauses=[pause])
    assume(pause.end <= due)
    net = office_time_between(cal, start, due) - office_time_between(cal, *pause)
    assert net == timedelta(hours=hours)


@settings(max_examples=2 * settings.default.max_examples)  # twice the profile: the hardest property
@given(
    cal=calendars(),
    start=moments,
    amount=st.integers(1, 15),
    unit=units,
    rule=rules,
    offset=durations,
    length=st.integers(0, 30 * 3600).map(lambda s: timedelta(seconds=s)),
)
def test_engine_agrees_with_the_day_by_day_oracle(cal, start, amount, unit, rule, offset, length):
    pauses = [(start + offset, start + offset + length)]
    got = due_at(cal, start=start, amount=amount, unit=unit, day_rule=rule, pauses=pauses)
    assert got == oracle.due(cal, start, amount, unit.value, rule.value, pauses)


@given(cal=calendars(), a=moments, b=moments)
def test_office_time_between_agrees_with_the_oracle(cal, a, b):
    a, b = min(a, b), max(a, b)
    assert office_time_between(cal, a, b) == oracle.between(cal, a, b)


@given(cal=calendars(), d=st.dates(min_value=FIRST, max_value=LAST), n=st.integers(1, 30))
def test_add_working_days_agrees_with_counting_by_hand(cal, d, n):
    expected, counted = d, 0
    while counted < n:
        expected += timedelta(days=1)
        counted += oracle.is_working(cal, expected)
    assert cal.add_working_days(d, n) == expected
    assert cal.working_days_between(d + timedelta(days=1), expected) == n
