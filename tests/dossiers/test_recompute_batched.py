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

from datetime import datetime

import pytest
import time_machine
from django.db import transaction
from django.test import TestCase

from motcua.core.models import DeadlineRecomputation
from motcua.core.services import calendar_year_import, deadlines_recompute
from motcua.dossiers import services
from motcua.dossiers.deadline_sources import DossierDeadlines, StepDeadlines
from motcua.dossiers.due_state import WRITTEN, due_state_apply
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.states import Action
from motcua.integrations.models import OutboxMessage
from motcua.reports.officer_summaries import _stored, officer_contributions
from tests.builders import at
from tests.dossiers.test_recompute import DAY_OFF, _act, dossiers  # noqa: F401 - the fixture

NOW = at(2025, 3, 7, 10, 0)


class Rollback(Exception):
    pass


def _rows():
    """Every dossier's and step's due_at and due columns."""
    return (
        {d["pk"]: d for d in Dossier.objects.order_by("pk").values("pk", *WRITTEN)},
        {s["pk"]: s for s in DossierStep.objects.order_by("pk").values("pk", *WRITTEN)},
    )


def _per_dossier(now):
    """The lifecycle's path, one dossier at a time."""
    for dossier in DossierDeadlines._open().order_by("pk"):
        services.dossier_recompute_deadlines(dossier=dossier)
        dossier.save(update_fields=["due_at"])
        due_state_apply(dossier=dossier, now=now)


@pytest.fixture
def more(world, applicant, documents, dossiers):  # noqa: F811 - the fixture imported above
    u = world.users

    def received(moment):
        return _act(
            moment,
            services.dossier_receive,
            user=u.reception,
            procedure=world.procedure,
            unit=world.units.d,
            applicant=applicant,
            documents=documents,
            assignee=u.spec1,
        )

    second = received(at(2025, 3, 3, 9, 0))
    second = _act(
        at(2025, 3, 4, 9, 0),
        services.dossier_forward,
        dossier=second,
        user=second.current_step.assignee,
        assignee=u.spec2,
    )
    late_friday = received(at(2025, 3, 7, 16, 0))
    return dossiers, second, late_friday


def test_the_batched_write_gives_the_rows_of_the_per_dossier_path(world, more):
    first, second, late_friday = more
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
        with TestCase.captureOnCommitCallbacks(execute=False):
            run = deadlines_recompute(
                sources=[DossierDeadlines(), StepDeadlines()], batch_size=2, reason="test"
            )
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
        with TestCase.captureOnCommitCallbacks(execute=False):
            deadlines_recompute(sources=[DossierDeadlines(), StepDeadlines()], batch_size=2)
        before = _rows()
        events = DossierEvent.objects.count()
        with TestCase.captureOnCommitCallbacks(execute=False):
            again = deadlines_recompute(sources=[DossierDeadlines(), StepDeadlines()], batch_size=2)
    assert (again.changed, _rows(), DossierEvent.objects.count()) == (0, before, events)
