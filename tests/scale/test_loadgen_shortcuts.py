"""The generator's shortcuts give what the engine gives: moments, deadlines, search text, literals."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.deadlines import DayRule, Pause, due_at
from motcua.core.text import fold
from motcua.core.timeunits import TimeUnit
from motcua.core.workcalendar import WorkCalendar
from motcua.dossiers.loadgen.clock import Clock
from motcua.dossiers.loadgen.people import applicant
from motcua.dossiers.loadgen.rows import Deadlines, Span
from motcua.dossiers.loadgen.writer import sql_literal
from motcua.dossiers.states import Status

#: Three years with the Tết and national holidays of the demo and a make-up Saturday.
CALENDAR = WorkCalendar(
    holidays=[date(2025, 1, 27) + timedelta(days=k) for k in range(9)]
    + [date(2025, 4, 30), date(2025, 5, 1), date(2025, 9, 1), date(2025, 9, 2)],
    working_days=[date(2025, 4, 26)],
)
START = CALENDAR.position(datetime(2024, 1, 1, tzinfo=UTC))
END = CALENDAR.position(datetime(2027, 1, 1, tzinfo=UTC))
positions = st.integers(min_value=START, max_value=END)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


@given(positions)
def test_the_clock_gives_the_moment_of_the_calendar(pos):
    clock = Clock(CALENDAR)
    moment = CALENDAR.moment_at(pos)
    assert clock.utc(pos) == _utc(moment)
    assert clock.local_date(pos) == CALENDAR.local(moment).date()
    assert CALENDAR.position(clock.aware(pos)) == pos
    local = CALENDAR.local(moment)
    tod = ((local.hour * 60 + local.minute) * 60 + local.second) * 1_000_000 + local.microsecond
    assert clock.time_of_day(pos) == tod


@pytest.mark.parametrize("rule", [DayRule.CIVIL_CODE, DayRule.OFFICE_TIME])
@given(
    start=positions,
    later=st.integers(min_value=0, max_value=8 * 3_600_000_000),
    unit_amount=st.sampled_from(
        [
            (TimeUnit.WORKING_DAYS, "1"),
            (TimeUnit.WORKING_DAYS, "12.0"),
            (TimeUnit.WORKING_HOURS, "4"),
            (TimeUnit.WORKING_HOURS, "1.5"),
            (TimeUnit.SAME_DAY, "0"),
        ]
    ),
    pause=st.one_of(st.none(), st.tuples(st.integers(1, 10**10), st.integers(1, 5 * 10**10))),
)
def test_memoised_deadlines_are_those_of_due_at(rule, start, later, unit_amount, pause):
    unit, amount = unit_amount
    clock = Clock(CALENDAR)
    deadlines = Deadlines(CALENDAR, rule, clock)
    # a first call later on the same day fills the memo that the second one may answer from
    if clock.day_count(start + later) == clock.day_count(start):
        deadlines(start + later, amount, unit)
    pauses = [(start + pause[0], start + pause[0] + pause[1])] if pause else []
    moment = CALENDAR.moment_at(start)
    expected = due_at(
        CALENDAR,
        start=moment,
        amount=Decimal(amount),
        unit=unit,
        pauses=[Pause(CALENDAR.moment_at(a), CALENDAR.moment_at(b)) for a, b in pauses],
        day_rule=rule,
    )
    assert deadlines(start, amount, unit, pauses) == (_utc(expected), CALENDAR.position(expected))


@given(st.randoms(use_true_random=False), st.booleans())
def test_the_search_text_of_an_applicant_is_the_fold_of_its_fields(rng, organisation):
    person, folded_name = applicant(rng, organisation=organisation)
    assert folded_name == fold(person["applicant_name"])


def test_sql_literals_escape_what_mariadb_reads_specially():
    assert sql_literal("Đức's \\ \n\0") == "'Đức\\'s \\\\ \\n\\0'"
    assert sql_literal(None) == "NULL"
    assert sql_literal(True) == "1" and sql_literal(False) == "0"
    assert sql_literal(7) == "7" and sql_literal(Decimal("1.50")) == "1.50"
    assert sql_literal(Status.RETURNED) == f"'{Status.RETURNED.value}'"
    naive = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC).replace(tzinfo=None)
    assert sql_literal(naive) == "'2026-01-02 03:04:05.000006'"
    with pytest.raises(TypeError):
        sql_literal(object())


@given(st.integers(min_value=1, max_value=3_000_000), st.integers(min_value=0, max_value=800))
def test_the_first_dossier_of_a_day_is_found_on_the_growing_span(total, offset):
    span = Span(start=START, end=END, total=total, day_us=CALENDAR._day_us)
    day = START // span.day_us + offset
    i = span.first_of_day(day)
    assert i == total or span.base(i) >= day * span.day_us
    assert i == 0 or span.base(i - 1) < day * span.day_us
    # receipts grow: the last tenth of the dossiers takes less time than the first tenth
    tenth = total // 10
    if tenth:
        assert span.end - span.base(total - tenth) < span.base(tenth) - span.start
