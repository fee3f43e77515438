"""The sweep reads only the rows whose next transition moment came (``due_next_position``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.due_state import NEVER, due_next_fill, office_seconds
from motcua.dossiers.models import Dossier, DossierStep
from motcua.jobs.models import SweepRun
from motcua.jobs.sweep import due_sweep
from tests.dossiers.conftest import at
from tests.notifications.conftest import act

pytestmark = pytest.mark.django_db


def _next(dossier):
    return Dossier.objects.values_list("due_next_position", flat=True).get(pk=dossier.pk)


def test_each_row_carries_the_position_of_its_next_transition(received):
    # in time: the next moment is "due soon" (Mon 28/4 17:00); then the deadline; then each hour
    assert _next(received) == office_seconds(at(2025, 4, 28, 17, 0))
    act(at(2025, 4, 28, 17, 30), due_sweep)
    row = Dossier.objects.get(pk=received.pk)
    assert row.due_state == "due_soon" and row.due_next_position == row.due_position
    act(at(2025, 5, 2, 9, 10), due_sweep)  # overdue since Tue 29/4 17:00, then 1.5 office hours
    row = Dossier.objects.get(pk=received.pk)
    assert (row.due_state, row.overdue_office_hours) == ("overdue", 1)
    assert row.due_next_position == row.due_position + 2 * 3600


def test_a_pass_with_nothing_due_reads_no_batch_and_writes_nothing(received):
    act(at(2025, 4, 22, 10, 0), due_sweep)
    with CaptureQueriesContext(connection) as queries:
        result = act(at(2025, 4, 22, 10, 5), due_sweep)
    assert (result["batches"], result["changed"], result["fired"]) == (0, 0, 0)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert all("jobs_" in sql for sql in writes), writes  # only the lease and the run record
    assert SweepRun.objects.count() == 2


def test_the_overdue_hours_tick_once_an_hour(received):
    act(at(2025, 5, 2, 9, 10), due_sweep)
    assert act(at(2025, 5, 2, 9, 20), due_sweep)["changed"] == 0  # same whole hour
    assert act(at(2025, 5, 2, 10, 5), due_sweep)["changed"] == 2  # dossier and step: 2 h
    assert Dossier.objects.get(pk=received.pk).overdue_office_hours == 2


def test_rows_without_a_next_position_are_filled_by_the_next_pass(received):
    # e.g. rows written before the column existed, or by a bulk import
    Dossier.objects.update(due_next_position=None)
    DossierStep.objects.update(due_next_position=None)
    act(at(2025, 4, 22, 10, 0), due_sweep)
    row = Dossier.objects.get(pk=received.pk)
    assert row.due_state == "in_time"
    assert row.due_next_position == office_seconds(row.due_soon_at)
    assert not DossierStep.objects.filter(due_state="in_time", due_next_position=None).exists()


def test_due_soon_and_overdue_rows_without_a_next_position_get_it_from_the_deadline(received):
    act(at(2025, 4, 28, 17, 30), due_sweep)  # due soon
    Dossier.objects.update(due_next_position=None)
    assert due_next_fill(Dossier, ids=[received.pk]) == 1
    row = Dossier.objects.get(pk=received.pk)
    assert row.due_state == "due_soon" and row.due_next_position == row.due_position
    act(at(2025, 5, 2, 9, 10), due_sweep)  # overdue by 1 office hour
    Dossier.objects.update(due_next_position=None)
    assert due_next_fill(Dossier, ids=[received.pk]) == 1
    row = Dossier.objects.get(pk=received.pk)
    assert (row.due_state, row.overdue_office_hours) == ("overdue", 1)
    assert row.due_next_position == row.due_position + 2 * 3600
    assert due_next_fill(Dossier, ids=[received.pk]) == 0  # nothing left to fill


def test_a_deadline_moved_later_outside_a_transition_is_caught_by_the_guard(received):
    act(at(2025, 4, 28, 17, 30), due_sweep)
    assert Dossier.objects.get(pk=received.pk).due_state == "due_soon"
    # the stored moments move a week later without the lifecycle (the next position stays old)
    later = at(2025, 5, 12, 17, 0)
    Dossier.objects.filter(pk=received.pk).update(
        watch_due_at=later, due_soon_at=at(2025, 5, 9, 17, 0), due_next_position=NEVER - 1
    )
    act(at(2025, 4, 28, 17, 40), due_sweep)
    row = Dossier.objects.get(pk=received.pk)
    assert row.due_state == "in_time"
    assert row.due_next_position == office_seconds(at(2025, 5, 9, 17, 0))
