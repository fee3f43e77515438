"""The batched write of the calendar recompute gives exactly the rows of the per-dossier path.

The recompute job writes each batch's new deadlines and the due columns they lead to with one
statement per table (``core/rows_update.py``), its events and citizen notices with one INSERT
each. The per-dossier path is the lifecycle's: ``dossier_recompute_deadlines`` on the instance,
the row saved, then ``due_state_apply``. Both run from the same rows (the first in a savepoint
rolled back) and must leave the same due columns on every dossier and step.

The set (default calendar; Wed 12/3/2025 declared a day off on Fri 7/3, so every deadline after
it moves a day across the weekend of 8–9/3): received Mon 3/3 09:00 and open; suspended and
resumed; still suspended (paused); refused (finished: untouched); submitted online (no clock);
one forwarded to its second step on Tue 4/3; one received Fri 7/3 16:00 (its first step spans the
weekend); batches of two, so every batch boundary is crossed. The reports' step rows must follow
the steps' moved deadlines too.
"""

from datetime import date, datetime

import pytest
import time_machine
from django.db import transaction
from django.test import TestCase

from motcua.core.models import DeadlineRecomputation, Holiday
from motcua.core.selectors import site_calendar_clear
from motcua.core.services import (
    calendar_ensure,
    calendar_touch,
    calendar_year_import,
    deadlines_recompute,
)
from motcua.dossiers import services
from motcua.dossiers.deadline_sources import DossierDeadlines, StepDeadlines
from motcua.dossiers.due_state import WRITTEN, due_state_apply
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.states import Action
from motcua.integrations.models import OutboxMessage
from motcua.reports.officer_summaries import _stored, officer_contributions
from motcua.reports.summaries import entries_for, entries_stored
from tests.builders import at
from tests.dossiers.recompute_set import recompute_set
from tests.dossiers.test_recompute import DAY_OFF

NOW = at(2025, 3, 7, 10, 0)


class Rollback(Exception):
    pass


def _rows():
    """Every dossier's and step's due_at and due columns."""
    return (
        {d["pk"]: d for d in Dossier.objects.order_by("pk").values("pk", *WRITTEN)},
        {s["pk"]: s for s in DossierStep.objects.order_by("pk").values("pk", *WRITTEN)},
    )


def _recompute(**kwargs):
    """Both dossier sources in batches of two (so every batch boundary is crossed), its
    on-commit work (outbox delivery) not run."""
    with TestCase.captureOnCommitCallbacks(execute=False):
        return deadlines_recompute(
            sources=[DossierDeadlines(), StepDeadlines()], batch_size=2, **kwargs
        )


def _per_dossier(now):
    """The lifecycle's path, one dossier at a time."""
    for dossier in DossierDeadlines._open().order_by("pk"):
        services.dossier_recompute_deadlines(dossier=dossier)
        dossier.save(update_fields=["due_at"])
        due_state_apply(dossier=dossier, now=now)


@pytest.fixture
def more(world, applicant, documents):
    """The set of ``tests/dossiers/recompute_set.py`` with a second step and a Friday receipt."""
    return recompute_set(world, applicant, documents, more=True)


def test_the_batched_write_gives_the_rows_of_the_per_dossier_path(world, more):
    first, second, late_friday = more, more.second, more.late_friday
    assert second.current_step.index == 1
    with time_machine.travel(NOW, tick=False):
        calendar_year_import(data=DAY_OFF, actor=world.users.admin, recompute=False)
        before = _rows()
        try:
            with transaction.atomic():
                _per_dossier(NOW)
                expected = _rows()
                raise Rollback
        except Rollback:
            pass
        assert _rows() == before  # the savepoint left nothing behind
        events_before = set(DossierEvent.objects.values_list("pk", flat=True))
        outbox_before = set(OutboxMessage.objects.values_list("pk", flat=True))
        run = _recompute(reason="test")
        after = _rows()

    assert run.status == DeadlineRecomputation.Status.DONE
    assert after == expected
    # the day off moved something in both tables, and the finished dossier kept its deadline
    moved = {pk for pk, row in after[0].items() if row["due_at"] != before[0][pk]["due_at"]}
    assert moved == {
        first.open.pk,
        first.resumed.pk,
        first.paused.pk,
        second.pk,
        late_friday.pk,
    }
    assert any(row["due_at"] != before[1][pk]["due_at"] for pk, row in after[1].items())
    # one RECALCULATE event per moved dossier, old → new, and one citizen notice each
    events = DossierEvent.objects.exclude(pk__in=events_before)
    assert {(e.dossier_id, e.action) for e in events} == {(pk, Action.RECALCULATE) for pk in moved}
    for event in events:
        assert {k: datetime.fromisoformat(v) for k, v in event.data.items()} == {
            "old_due": before[0][event.dossier_id]["due_at"],
            "new_due": after[0][event.dossier_id]["due_at"],
        }
    # the per-officer report rows stay those a recomputation from the dossiers gives
    ids = sorted(after[0])
    assert {pk: rows for pk, rows in _stored(ids).items() if rows} == {
        pk: rows for pk, rows in officer_contributions(ids).items() if rows
    }
    notices = OutboxMessage.objects.exclude(pk__in=outbox_before).filter(topic="citizen.notice")
    assert sorted(m.payload["dossier_id"] for m in notices) == sorted(moved)
    assert {m.payload["event_id"] for m in notices} == {e.pk for e in events}


def test_a_second_run_writes_nothing(world, more):
    with time_machine.travel(NOW, tick=False):
        calendar_year_import(data=DAY_OFF, actor=world.users.admin, recompute=False)
        _recompute()
        before = _rows()
        events = DossierEvent.objects.count()
        again = _recompute()
    assert (again.changed, _rows(), DossierEvent.objects.count()) == (0, before, events)


#: Calendar changes tried against the set (after 12/3 declared off and every deadline realigned):
#: a day inside the closed pause of ``resumed`` (past), today, the Monday after the weekend (the
#: Friday receipt's first working day), the day most first steps are due, a day after every
#: first step, the day after the open dossier's due day, and the day off removed again.
CHANGES = [
    ("add", date(2025, 3, 5)),
    ("add", date(2025, 3, 7)),
    ("add", date(2025, 3, 10)),
    ("add", date(2025, 3, 14)),
    ("add", date(2025, 3, 20)),
    ("add", date(2025, 3, 26)),
    ("remove", date(2025, 3, 12)),
]


def _outcome(kind, day, changed_from):
    """Apply one change and run the recompute (narrowed to *changed_from* when given); return
    the rows, the new events' moves, the notices and the run's counters; all rolled back."""
    found = {}
    try:
        with transaction.atomic():
            if kind == "add":
                Holiday.objects.create(
                    calendar=calendar_ensure(), year=2025, start_date=day, name="Nghỉ (thử)"
                )
            else:
                Holiday.objects.filter(start_date=day).delete()
            calendar_touch()
            run = DeadlineRecomputation.objects.create(
                status=DeadlineRecomputation.Status.RUNNING, changed_from=changed_from
            )
            events = DossierEvent.objects.count()
            notices = OutboxMessage.objects.count()
            _recompute(run=run)
            found["rows"] = _rows()
            found["moves"] = sorted(
                (e.dossier_id, e.data["old_due"], e.data["new_due"])
                for e in DossierEvent.objects.order_by("pk")[events:]
            )
            found["notices"] = OutboxMessage.objects.count() - notices
            found["counts"] = (run.status, run.checked, run.changed, run.failed)
            raise Rollback
    except Rollback:
        pass
    site_calendar_clear()
    return found


def test_a_run_narrowed_to_the_changed_day_gives_the_rows_of_the_full_run(world, more):
    with time_machine.travel(NOW, tick=False):
        calendar_year_import(data=DAY_OFF, actor=world.users.admin, recompute=False)
        _recompute()
        before = _rows()
        checked = {}
        for kind, day in CHANGES:
            full = _outcome(kind, day, None)
            narrowed = _outcome(kind, day, day)
            assert _rows() == before  # both rolled back
            assert narrowed["rows"] == full["rows"], (kind, day)
            assert narrowed["moves"] == full["moves"], (kind, day)
            assert narrowed["notices"] == full["notices"], (kind, day)
            status, checked[day], changed, failed = narrowed["counts"]
            assert (status, changed, failed) == (full["counts"][0], *full["counts"][2:])
            assert full["counts"][1] == 10  # the 5 received open dossiers and their open steps
            if day in (date(2025, 3, 10), date(2025, 3, 14)):
                assert changed  # the change moved something
    # a day before every due moment reads everything; later days read fewer items: on Wed 26/3
    # the open dossiers due that day or later (resumed 27/3, second's 25/3 is not; late
    # Friday's 31/3) and the paused dossier and its step
    assert checked[date(2025, 3, 5)] == checked[date(2025, 3, 7)] == 10
    assert checked[date(2025, 3, 20)] < 10
    assert checked[date(2025, 3, 26)] == 4


def test_the_summary_entry_follows_a_deadline_moved_across_the_end_of_a_month(world, more):
    """On Wed 2/4 (March has ended), with 12/3 off the Friday receipt is due Mon 31/3 17:00:
    late at the end of March (overdue from March). A day off on Thu 27/3 moves it to Tue 1/4
    17:00: no longer late then, so its summary entry loses the month (QĐ 766 §2.1)."""
    friday = more.late_friday.pk
    with time_machine.travel(at(2025, 4, 2, 10, 0), tick=False):
        calendar_year_import(data=DAY_OFF, actor=world.users.admin, recompute=False)
        _recompute()
        assert Dossier.objects.get(pk=friday).due_at == at(2025, 3, 31, 17, 0)
        assert entries_stored([friday], lock=False)[friday]["overdue_from"] == date(2025, 3, 1)
        Holiday.objects.create(
            calendar=calendar_ensure(), year=2025, start_date=date(2025, 3, 27), name="Nghỉ"
        )
        calendar_touch()
        _recompute()
        assert Dossier.objects.get(pk=friday).due_at == at(2025, 4, 1, 17, 0)
        stored = entries_stored([friday], lock=False)
        assert stored[friday]["overdue_from"] is None
        stored[friday].pop("dossier_id")
        assert stored == entries_for([friday])  # what a fresh computation gives
