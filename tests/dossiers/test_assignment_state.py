"""The maintained assignment state (``dossiers/assignment.py``): open steps per officer and the
round robin's turns are kept by the lifecycle in the action's transaction, equal what the steps
say after every kind of step change, are rebuilt by the command, and a reception reads them with
a fixed number of queries whatever the history.

Moments as in ``test_lifecycle.py`` (default calendar, March 2025, Mon 3 is a working day).
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Max
from django.test.utils import CaptureQueriesContext

from motcua.core.roles import Role
from motcua.dossiers import services
from motcua.dossiers.assignment import assignment_state_rebuild
from motcua.dossiers.assignment_models import AssignmentTurn, OfficerLoad
from motcua.dossiers.models import DossierStep, StepState
from motcua.dossiers.rehoming import dossiers_rehome
from tests.dossiers.conftest import at
from tests.dossiers.test_lifecycle import act, make_procedure, receive


def loads() -> dict[int, int]:
    return {pk: n for pk, n in OfficerLoad.objects.values_list("officer_id", "open_steps") if n}


def open_steps_by_officer() -> dict[int, int]:
    return dict(
        DossierStep.objects.filter(state=StepState.OPEN, assignee__isnull=False)
        .order_by()
        .values_list("assignee")
        .annotate(n=Count("pk"))
    )


def turns() -> dict[tuple, object]:
    return {
        (unit, name, officer): moment
        for unit, name, officer, moment in AssignmentTurn.objects.values_list(
            "unit_id", "name", "officer_id", "last_assigned_at"
        )
    }


def latest_step_starts() -> dict[tuple, object]:
    return {
        (unit, name, officer): moment
        for unit, name, officer, moment in DossierStep.objects.filter(assignee__isnull=False)
        .order_by()
        .values_list("unit_id", "name", "assignee_id")
        .annotate(m=Max("started_at"))
    }


def test_receptions_count_the_step_and_record_the_turn(world, applicant, documents):
    u = world.users
    first = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    second = receive(world, applicant, documents, at(2025, 3, 3, 9, 5))
    third = receive(world, applicant, documents, at(2025, 3, 3, 9, 10), assignee=u.spec2)

    assert [d.current_step.assignee for d in (first, second, third)] == [u.spec1, u.spec2, u.spec2]
    assert loads() == {u.spec1.pk: 1, u.spec2.pk: 2}
    name, unit = first.current_step.name, world.units.d.pk
    assert turns() == {
        (unit, name, u.spec1.pk): at(2025, 3, 3, 9, 0),
        (unit, name, u.spec2.pk): at(2025, 3, 3, 9, 10),  # the chosen one counts too
    }
    # round robin: spec1 was given the step longest ago
    fourth = receive(world, applicant, documents, at(2025, 3, 3, 9, 15))
    assert fourth.current_step.assignee == u.spec1


def test_forward_return_transfer_stop_and_rehome_keep_the_counts(world, applicant, documents):
    u = world.users
    a = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))  # spec1
    b = receive(world, applicant, documents, at(2025, 3, 3, 9, 5))  # spec2
    c = receive(world, applicant, documents, at(2025, 3, 3, 9, 10))  # spec1
    d = receive(world, applicant, documents, at(2025, 3, 3, 9, 15))  # spec2
    assert loads() == open_steps_by_officer() == {u.spec1.pk: 2, u.spec2.pk: 2}

    # forward: spec1's step closes, the next one opens for spec2
    a = act(
        at(2025, 3, 4, 9, 0), services.dossier_forward, dossier=a, user=u.spec1, assignee=u.spec2
    )
    assert loads() == open_steps_by_officer() == {u.spec1.pk: 1, u.spec2.pk: 3}
    # return to the previous step: back to spec1, who had it
    a = act(
        at(2025, 3, 4, 10, 0),
        services.dossier_return_previous,
        dossier=a,
        user=u.spec2,
        reason="Thẩm định lại.",
    )
    assert a.current_step.assignee == u.spec1
    assert loads() == open_steps_by_officer() == {u.spec1.pk: 2, u.spec2.pk: 2}
    # transfer to another district: spec2's step closes, other_spec's opens there
    act(
        at(2025, 3, 4, 11, 0),
        services.dossier_transfer,
        dossier=b,
        user=u.spec2,
        to_unit=world.units.d2,
        assignee=u.other_spec,
    )
    assert loads() == open_steps_by_officer() == {u.spec1.pk: 2, u.spec2.pk: 1, u.other_spec.pk: 1}
    # stop: the open step closes
    act(at(2025, 3, 4, 14, 0), services.dossier_stop, dossier=c, user=u.spec1, reason="Tranh chấp.")
    assert loads() == open_steps_by_officer() == {u.spec1.pk: 1, u.spec2.pk: 1, u.other_spec.pk: 1}
    # re-homing to a unit where other_spec has no membership: the step loses its assignee
    dossiers_rehome([b.pk], from_unit_ids=[world.units.d2.pk], to_unit_id=world.units.d.pk)
    assert loads() == open_steps_by_officer() == {u.spec1.pk: 1, u.spec2.pk: 1}
    # re-homing d's step to d2, where spec2 has no membership either
    dossiers_rehome([d.pk], from_unit_ids=[world.units.d.pk], to_unit_id=world.units.d2.pk)
    assert loads() == open_steps_by_officer() == {u.spec1.pk: 1}
    # every kept turn is at least the latest start of a step the officer holds there
    kept = turns()
    for key, moment in latest_step_starts().items():
        assert kept[key] >= moment, key


def test_a_refused_reception_leaves_the_state_untouched(world, applicant, documents):
    receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    before = (loads(), turns())
    with pytest.raises(services.DossierError):
        receive(world, applicant, [], at(2025, 3, 3, 9, 5))  # mandatory documents missing
    assert (loads(), turns()) == before


def test_the_rebuild_repairs_a_state_written_around_the_lifecycle(world, applicant, documents):
    u = world.users
    for minute in (0, 5, 10):
        receive(world, applicant, documents, at(2025, 3, 3, 9, minute))
    expected_loads, expected_turns = loads(), turns()
    # given: rows the lifecycle never saw (an import), and a count gone wrong
    DossierStep.objects.filter(assignee=u.spec2).update(assignee=u.spec1)
    OfficerLoad.objects.filter(officer=u.spec2).update(open_steps=7)
    AssignmentTurn.objects.filter(officer=u.spec1).delete()

    call_command("assignment_state_rebuild", batch_size=2)  # several keyset batches

    assert loads() == open_steps_by_officer() == {u.spec1.pk: 3}
    assert turns() == {**expected_turns, **latest_step_starts()}
    assert expected_loads == {u.spec1.pk: 2, u.spec2.pk: 1}
    assert assignment_state_rebuild() == (1, 2)  # a second run changes nothing
    assert loads() == {u.spec1.pk: 3}


@pytest.fixture
def least_loaded(world):
    step = {"actions": ["forward"], "assignment": "least_loaded"}
    return make_procedure(
        world, "1.000002", "Phân công theo khối lượng", [("Xử lý", [Role.SPECIALIST], 2, step)]
    )


def test_least_loaded_reads_the_maintained_count(world, applicant, documents, least_loaded):
    u = world.users
    for officer in (u.spec1, u.spec1, u.spec2):
        receive(world, applicant, documents, at(2025, 3, 3, 9, 0), assignee=officer)
    # given: the counts say the opposite of the steps (a state not yet repaired)
    OfficerLoad.objects.filter(officer=u.spec2).update(open_steps=5)

    dossier = receive(world, applicant, [], at(2025, 3, 3, 10, 0), procedure=least_loaded)

    assert dossier.current_step.assignee == u.spec1  # the count decides, not a scan of steps


# --------------------------------------------------------------------------- queries

#: Queries of one counter reception with a round-robin first step, SAVEPOINT and RELEASE
#: included: 59 before the maintained assignment state, one settle of the summaries and due state
#: per creation, roles and calendar read once, the checklist in one insert and the summaries of a
#: dossier born in the transaction read without looking for stored rows. Of these, the
#: assignment takes 4 (queue lock, pick, turn, load), none reading the steps.
RECEPTION_QUERIES = 32


def test_one_reception_takes_a_fixed_number_of_queries(world, applicant, documents):
    for minute in range(3):  # a history of steps and turns must not add queries
        receive(world, applicant, documents, at(2025, 3, 3, 9, minute))
    with CaptureQueriesContext(connection) as captured:
        dossier = receive(world, applicant, documents, at(2025, 3, 3, 9, 30))

    sql = [q["sql"] for q in captured.captured_queries]
    assert dossier.current_step.assignee == world.users.spec2
    assert len(sql) == RECEPTION_QUERIES, "\n".join(s[:160] for s in sql)
    # the assignment reads no steps: neither the round robin's MAX nor a count of open steps
    assert not [s for s in sql if "dossiers_dossierstep" in s and ("MAX(" in s or "COUNT(" in s)]
