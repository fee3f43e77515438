"""Concurrency on the real MariaDB (docs/architecture.md, Codes and Lifecycle): threads, one connection each.

SQLite serialises every write, so these tests only mean something on MariaDB (``make test`` with
``MOTCUA_DATABASE_URL``); elsewhere they are skipped. A :class:`threading.Barrier` releases all
threads at once so the calls really overlap; each thread closes its own connection at the end.
``serialized_rollback`` restores the migrations' data (role groups) that the flush removes.
"""

import threading
import time
from collections import Counter
from datetime import date

import pytest
import time_machine
from django.db import connection, transaction

from motcua.dossiers import services
from motcua.dossiers.assignment import assignment_pick, assignment_turns_record
from motcua.dossiers.assignment_models import OfficerLoad
from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierEvent
from motcua.dossiers.services import DossierConflict
from motcua.dossiers.states import Action
from motcua.dossiers.workflow import workflow_steps
from motcua.procedures.selectors import procedure_current_version
from tests.builders import at

pytestmark = [
    pytest.mark.mariadb,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "mysql", reason="needs MariaDB row locking"),
]


def run_together(count: int, func):
    """Run ``func(i)`` in *count* threads released together; return (results, errors)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = [None] * count

    def worker(i):
        try:
            connection.ensure_connection()  # connect first, so the barrier releases real work
            barrier.wait(timeout=30)
            results[i] = func(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (lock wait?)"
    return results, errors


def test_twenty_concurrent_receptions_get_twenty_consecutive_codes(world, applicant, documents):
    u = world.users

    def receive(i):
        return services.dossier_receive(
            user=u.reception,
            procedure=world.procedure,
            unit=world.units.d,
            applicant={**applicant, "applicant_name": f"Người nộp {i + 1}"},
            documents=documents,
        ).code

    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        codes, errors = run_together(20, receive)

    assert errors == [None] * 20
    assert sorted(codes) == [f"000.00.31.H27-250303-{n:04d}" for n in range(1, 21)]
    assert Dossier.objects.count() == 20
    counter = DossierCodeCounter.objects.get(unit=world.units.d, day=date(2025, 3, 3))
    assert counter.last == 20
    # the maintained counts equal the steps (on one frozen moment the round robin's ties go by
    # id, so after one each the first specialist takes the rest)
    u = world.users
    by_officer = Counter(d.current_step.assignee_id for d in Dossier.objects.all())
    assert by_officer == {u.spec1.pk: 19, u.spec2.pk: 1}
    assert dict(OfficerLoad.objects.values_list("officer_id", "open_steps")) == by_officer


def test_a_second_pick_for_the_same_step_waits_and_reads_the_first_ones_turn(world):
    """Two transactions pick an officer for the same (unit, step): the second waits on the queue
    row until the first commits, then sees its turn (without the lock both pick the same)."""
    spec = workflow_steps(procedure_current_version(procedure=world.procedure).snapshot)[0]
    unit, name, roles = world.units.d, spec.name, spec.roles
    picked, b_started = threading.Event(), threading.Event()
    order: list[str] = []

    def pick(i):
        if i == 1:
            assert picked.wait(30)
            b_started.set()
        with transaction.atomic():
            officer = assignment_pick(rule="round_robin", unit=unit, name=name, roles=roles)
            assignment_turns_record([(unit.pk, name, officer.pk, at(2025, 3, 3, 9, i))])
            if i == 0:
                picked.set()
                assert b_started.wait(30)
                time.sleep(0.5)  # the second is inside its pick, waiting on the row
                order.append("first commits")
        if i == 1:
            order.append("second commits")
        return officer

    results, errors = run_together(2, pick)

    assert errors == [None, None]
    assert results[0] == world.users.spec1 and results[1] == world.users.spec2
    assert order == ["first commits", "second commits"]


def test_two_concurrent_forwards_of_one_dossier_exactly_one_succeeds(world, applicant, documents):
    u = world.users
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        dossier = services.dossier_receive(
            user=u.reception,
            procedure=world.procedure,
            unit=world.units.d,
            applicant=applicant,
            documents=documents,
        )
    seen = dossier.version  # both officers' screens show this version

    def forward(i):
        return services.dossier_forward(
            dossier=dossier.pk, user=u.spec1, expected_version=seen, assignee=u.spec2
        )

    with time_machine.travel(at(2025, 3, 4, 9, 0), tick=False):
        results, errors = run_together(2, forward)

    succeeded = [r for r in results if r is not None]
    assert len(succeeded) == 1
    assert [type(e) for e in errors if e is not None] == [DossierConflict]
    dossier.refresh_from_db()
    assert dossier.version == seen + 1
    assert dossier.steps.count() == 2
    assert DossierEvent.objects.filter(dossier=dossier, action=Action.FORWARD).count() == 1
