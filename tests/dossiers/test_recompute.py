"""When an administrator changes the calendar, open deadlines move and the change is audited (§4).

Default calendar, Civil Code Art. 147 counting, March 2025 (Mon 3, 10, 17, 24, 31). The import
declares Wed 12/3/2025 a day off; every expected moment below is computed by hand with and
without that day.
"""

from datetime import date

import pytest

from motcua.core.calendar_yaml import CalendarYear, HolidayEntry
from motcua.core.models import DeadlineChange, DeadlineRecomputation
from motcua.core.services import calendar_year_import
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.states import Status
from tests.builders import at
from tests.dossiers.recompute_set import act, recompute_set

DAY_OFF = CalendarYear(
    year=2025,
    holidays=(HolidayEntry(date(2025, 3, 12), date(2025, 3, 12), "Nghỉ theo quyết định của tỉnh"),),
)


@pytest.fixture
def dossiers(world, applicant, documents):
    """The set of ``tests/dossiers/recompute_set.py`` (five dossiers received Mon 3/3 09:00)."""
    return recompute_set(world, applicant, documents)


def _dues(dossier):
    dossier.refresh_from_db()
    step = DossierStep.objects.filter(dossier=dossier).order_by("pk").first()
    return dossier.due_at, step.due_at if step else None


def test_a_new_holiday_moves_open_deadlines_and_not_finished_ones(world, dossiers):
    # given: before the import
    # resumed: paused Tue 4/3 15:00 → Thu 6/3 10:00 = 2 h + 8 h + 2.5 h = 12.5 h of office time;
    # 24/3 17:00 + 12.5 h → Tue 25/3 (8 h) → Wed 26/3 4 h (→ 11:30) + 0.5 h → 13:30;
    # step 13/3 17:00 + 12.5 h → Fri 14/3 (8 h) → Mon 17/3 13:30
    assert _dues(dossiers.open) == (at(2025, 3, 24, 17, 0), at(2025, 3, 13, 17, 0))
    assert _dues(dossiers.resumed) == (at(2025, 3, 26, 13, 30), at(2025, 3, 17, 13, 30))

    # when: the administrator imports 2025 with Wed 12/3 off, on Fri 7/3 10:00
    result = act(at(2025, 3, 7, 10, 0), calendar_year_import, data=DAY_OFF, actor=world.users.admin)

    # then, open: 15 working days after Mon 3/3 without 12/3:
    # 4 5 6 7 | 10 11 13 14 | 17–21 | 24 25 → Tue 25/3 17:00;
    # step, 8 working days: 4 5 6 7 | 10 11 13 14 → Fri 14/3 17:00
    assert _dues(dossiers.open) == (at(2025, 3, 25, 17, 0), at(2025, 3, 14, 17, 0))
    # resumed: 25/3 17:00 + 12.5 h → Wed 26/3 (8 h) → Thu 27/3 13:30;
    # step: 14/3 17:00 + 12.5 h → Mon 17/3 (8 h) → Tue 18/3 13:30
    assert _dues(dossiers.resumed) == (at(2025, 3, 27, 13, 30), at(2025, 3, 18, 13, 30))
    # paused (still suspended): only closed pauses count, so it follows the calendar like open
    assert _dues(dossiers.paused) == (at(2025, 3, 25, 17, 0), at(2025, 3, 14, 17, 0))
    # finished: kept for the on-time indicator, its closed step too
    assert _dues(dossiers.finished) == (at(2025, 3, 24, 17, 0), at(2025, 3, 13, 17, 0))
    # awaiting intake: no clock yet
    assert _dues(dossiers.submitted) == (None, None)

    # then: the run is audited, item by item, old → new
    run = result.run
    assert run == DeadlineRecomputation.objects.get()
    assert (run.actor, run.status, run.checked, run.changed, run.failed) == (
        world.users.admin,
        DeadlineRecomputation.Status.DONE,
        6,
        6,
        0,
    )
    assert run.reason == "Nhập lịch năm 2025"
    assert run.created_at == at(2025, 3, 7, 10, 0)
    changes = {
        (c.source, int(c.item_id)): (c.old_due, c.new_due, c.error)
        for c in DeadlineChange.objects.filter(run=run)
    }

    def step_of(dossier):
        return DossierStep.objects.filter(dossier=dossier).order_by("pk").first().pk

    assert changes == {
        ("dossiers.dossier", dossiers.open.pk): (
            at(2025, 3, 24, 17, 0),
            at(2025, 3, 25, 17, 0),
            "",
        ),
        ("dossiers.dossier", dossiers.resumed.pk): (
            at(2025, 3, 26, 13, 30),
            at(2025, 3, 27, 13, 30),
            "",
        ),
        ("dossiers.dossier", dossiers.paused.pk): (
            at(2025, 3, 24, 17, 0),
            at(2025, 3, 25, 17, 0),
            "",
        ),
        ("dossiers.step", step_of(dossiers.open)): (
            at(2025, 3, 13, 17, 0),
            at(2025, 3, 14, 17, 0),
            "",
        ),
        ("dossiers.step", step_of(dossiers.resumed)): (
            at(2025, 3, 17, 13, 30),
            at(2025, 3, 18, 13, 30),
            "",
        ),
        ("dossiers.step", step_of(dossiers.paused)): (
            at(2025, 3, 13, 17, 0),
            at(2025, 3, 14, 17, 0),
            "",
        ),
    }


def test_recompute_is_idempotent_and_a_year_off_the_due_dates_moves_nothing(world, dossiers):
    act(at(2025, 3, 7, 10, 0), calendar_year_import, data=DAY_OFF, actor=world.users.admin)
    before = {d.pk: _dues(d) for d in Dossier.objects.all()}

    # when: the same file again, and a 2026 holiday
    again = act(at(2025, 3, 7, 11, 0), calendar_year_import, data=DAY_OFF)
    other_year = act(
        at(2025, 3, 7, 11, 5),
        calendar_year_import,
        data=CalendarYear(
            year=2026,
            holidays=(HolidayEntry(date(2026, 1, 1), date(2026, 1, 1), "Tết Dương lịch"),),
        ),
    )

    assert (again.run.checked, again.run.changed) == (6, 0)
    # a day of 2026 is reached by no open deadline here: only the paused dossier (its resume is
    # not fixed) and its step are read
    assert other_year.run.changed_from == date(2026, 1, 1)
    assert (other_year.run.checked, other_year.run.changed) == (2, 0)
    assert not DeadlineChange.objects.filter(run__in=[again.run, other_year.run]).exists()
    assert {d.pk: _dues(d) for d in Dossier.objects.all()} == before


def test_later_receptions_and_resumes_use_the_new_calendar(world, applicant, documents, dossiers):
    u = world.users
    act(at(2025, 3, 7, 10, 0), calendar_year_import, data=DAY_OFF, actor=u.admin)

    # a dossier received Mon 10/3 09:00: 15 working days without 12/3:
    # 11 13 14 | 17–21 | 24–28 | 31, 1/4 → Tue 1/4 17:00
    dossier = act(
        at(2025, 3, 10, 9, 0),
        services.dossier_receive,
        user=u.reception,
        procedure=world.procedure,
        unit=world.units.d,
        applicant=applicant,
        documents=documents,
    )
    assert dossier.due_at == at(2025, 4, 1, 17, 0)

    # the paused dossier resumes Thu 13/3 10:00; paused office time from Tue 4/3 15:00:
    # Tue 2 h + Wed 5/3 8 h + Thu 6/3 8 h + Fri 7/3 8 h + Mon 10/3 8 h + Tue 11/3 8 h
    # + (Wed 12/3 off) + Thu 13/3 07:30–10:00 2.5 h = 44.5 h = 5 days 4.5 h;
    # 25/3 17:00 + 5 days → Wed 26, Thu 27, Fri 28, Mon 31/3, Tue 1/4 17:00 → Wed 2/4 4.5 h → 13:30
    paused = act(
        at(2025, 3, 13, 10, 0), services.dossier_resume, dossier=dossiers.paused, user=u.spec1
    )
    assert paused.status == Status.IN_PROGRESS
    assert paused.due_at == at(2025, 4, 2, 13, 30)
