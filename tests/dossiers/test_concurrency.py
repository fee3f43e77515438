"""Concurrency on the real MariaDB (docs/architecture.md, Codes and Lifecycle): threads, one connection each.

SQLite serialises every write, so these tests only mean something on MariaDB (``make test`` with
``MOTCUA_DATABASE_URL``); elsewhere they are skipped. A :class:`threading.Barrier` releases all
threads at once so the calls really overlap; each thread closes its own connection at the end.
``serialized_rollback`` restores the migrations' data (role groups) that the flush removes.
"""

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierEvent
from motcua.dossiers.services import DossierConflict
from motcua.dossiers.states import Action
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
