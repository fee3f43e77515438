"""A real Redis and a real ``rqworker``: jobs enqueued on commit, a sweep killed midway finishes.

Needs MariaDB (the worker is another process, so it must share the test database over the
network; an in-memory SQLite test database is invisible to it) and Redis.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from config.site import BASE_DIR
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.notifications.models import (
    EscalationFiring,
    EscalationLevel,
    EscalationPolicy,
    Notification,
)
from tests.dossiers.conftest import at
from tests.foundation.test_jobs import REDIS_URL, needs_redis

pytestmark = [
    pytest.mark.redis,
    pytest.mark.mariadb,
    needs_redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "mysql", reason="the worker needs a shared database"),
]

COUNT = 24


@pytest.fixture
def redis_queue(settings):
    import django_rq

    settings.MOTCUA_JOBS_INLINE = False
    settings.RQ_QUEUES = {
        name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 120} for name in ("default", "low")
    }
    queue = django_rq.get_queue("default")
    queue.empty()
    yield queue
    queue.empty()


def start_worker(*extra):
    db = connection.settings_dict
    env = {
        **os.environ,
        "MOTCUA_REDIS_URL": REDIS_URL,
        "MOTCUA_DATABASE_URL": f"mysql://{db['USER']}@{db['HOST'] or 'localhost'}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "rqworker", "default", *extra],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def kill_worker(worker) -> None:
    """Kill the worker and the work-horse it forked, as a machine dying would (no warm shutdown:
    the batch in flight is lost). RQ starts the horse in a session of its own, so SIGKILL to the
    worker alone leaves the horse running the job: its children are killed first, by pid."""
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
    horses = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    for pid in horses:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_notification_is_queued_only_when_its_transaction_commits(redis_queue):
    from motcua.notifications.services import notification_create

    with transaction.atomic():
        notification_create(
            key="commit-test",
            event="result_ready",
            channel="console",
            for_staff=False,
            context={"code": "X", "applicant_name": "Y", "procedure": "Z"},
        )
        assert redis_queue.count == 0
    assert redis_queue.count == 1
    assert (
        redis_queue.jobs[0].func_name == "motcua.notifications.services.notifications_deliver_due"
    )

    with pytest.raises(RuntimeError, match="the cause fails"), transaction.atomic():  # noqa: PT012
        notification_create(
            key="rolled-back",
            event="result_ready",
            channel="console",
            for_staff=False,
            context={"code": "X", "applicant_name": "Y", "procedure": "Z"},
        )
        raise RuntimeError("the cause fails")
    assert redis_queue.count == 1
    assert not Notification.objects.filter(dedupe_key="rolled-back").exists()


def test_a_worker_killed_mid_sweep_loses_nothing_and_sends_nothing_twice(
    world, applicant, documents, redis_queue
):
    policy = EscalationPolicy.objects.create(due_soon_hours=8)
    EscalationLevel.objects.create(
        policy=policy, trigger="overdue", audiences=["assignee", "unit_leader"], channels=["desk"]
    )
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        ids = [
            services.dossier_receive(
                user=world.users.reception,
                procedure=world.procedure,
                unit=world.units.d,
                applicant=applicant,
                documents=documents,
                is_training=False,
            ).pk
            for _ in range(COUNT)
        ]
    redis_queue.empty()  # the receipts' outbox kicks; not what this test is about
    # Real time now is long after 2025: every dossier is overdue for the sweep.
    assert Dossier.objects.filter(pk__in=ids, due_state="in_time").count() == COUNT

    worker = start_worker()
    try:
        redis_queue.enqueue(
            "tests.notifications.worker_jobs.slow_sweep",
            batch_size=2,
            seconds_per_batch=0.5,
            lease_seconds=3,
        )
        started = wait_for(lambda: Dossier.objects.filter(due_state="overdue").count() >= 4)
    finally:
        kill_worker(worker)
    assert started, "the sweep never started: " + worker.stdout.read()[-3000:]
    halfway = Dossier.objects.filter(pk__in=ids, due_state="overdue").count()
    assert 0 < halfway < COUNT, halfway
    assert EscalationFiring.objects.count() == halfway  # every committed batch fired its level

    time.sleep(3.5)  # the killed run's lease expires
    # A delivery the kill cut between its claim and its result stays "sending" until its lease
    # (delivery_lease_seconds, minutes) runs out; here it has run out.
    interrupted = set(Notification.objects.filter(status="sending").values_list("pk", flat=True))
    Notification.objects.filter(pk__in=interrupted).update(next_attempt_at=timezone.now())
    redis_queue.empty()
    redis_queue.enqueue(
        "tests.notifications.worker_jobs.quick_sweep", batch_size=2, lease_seconds=3
    )
    redis_queue.enqueue(
        "tests.notifications.worker_jobs.quick_sweep", batch_size=2, lease_seconds=3
    )
    redis_queue.enqueue("motcua.notifications.services.notifications_deliver_due")
    redis_queue.enqueue("motcua.notifications.services.notifications_deliver_due")
    worker = start_worker("--burst")
    out, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, out
    assert "Traceback" not in out, out

    assert Dossier.objects.filter(pk__in=ids, due_state="overdue").count() == COUNT
    assert EscalationFiring.objects.count() == COUNT
    notes = Notification.objects.filter(firing__isnull=False)
    # one desk message to the assignee and one to the unit leader per dossier, each sent once
    assert notes.count() == 2 * COUNT
    # each sent once; an interrupted one is tried again (the desk channel is idempotent: the row
    # is the message), never more
    assert set(notes.values_list("status", flat=True)) == {"sent"}
    assert {pk for pk, n in notes.values_list("pk", "attempts") if n != 1} <= interrupted
    assert set(notes.filter(pk__in=interrupted).values_list("attempts", flat=True)) <= {2}
    assert notes.values("dossier_id", "recipient_id").distinct().count() == 2 * COUNT


def test_a_worker_killed_mid_recompute_resumes_and_moves_each_deadline_once(
    world, applicant, documents, redis_queue
):
    from datetime import date

    from motcua.core import services as calendar_services
    from motcua.core.models import DeadlineRecomputation, Holiday
    from motcua.dossiers.models import DossierEvent
    from motcua.dossiers.states import Action

    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        ids = [
            services.dossier_receive(
                user=world.users.reception,
                procedure=world.procedure,
                unit=world.units.d,
                applicant=applicant,
                documents=documents,
                is_training=False,
            ).pk
            for _ in range(COUNT)
        ]
    redis_queue.empty()
    before = dict(Dossier.objects.filter(pk__in=ids).values_list("pk", "due_at"))

    # the admin's save: the job is queued on commit, nothing recomputed in the request
    with transaction.atomic():
        row = calendar_services.calendar_ensure()
        Holiday.objects.create(calendar=row, start_date=date(2025, 3, 10), name="Nghỉ đột xuất")
        calendar_services.calendar_changed(reason="thêm 10/3")
        assert redis_queue.count == 0
    assert [job.func_name for job in redis_queue.jobs] == [
        "motcua.jobs.recompute.recompute_pending"
    ]
    assert dict(Dossier.objects.filter(pk__in=ids).values_list("pk", "due_at")) == before
    redis_queue.empty()

    worker = start_worker()
    try:
        redis_queue.enqueue(
            "tests.notifications.worker_jobs.slow_recompute",
            batch_size=2,
            seconds_per_batch=0.5,
            lease_seconds=3,
        )
        assert wait_for(lambda: DeadlineRecomputation.objects.get().checked >= 6), "never started"
    finally:
        kill_worker(worker)
    run = DeadlineRecomputation.objects.get()
    assert run.status == "running" and 0 < run.checked < run.total, (run.checked, run.total)
    moved = DossierEvent.objects.filter(action=Action.RECALCULATE).count()
    assert moved == min(run.checked, COUNT)  # each committed batch's dossiers, no more

    time.sleep(3.5)  # the killed run's lease expires
    redis_queue.enqueue(
        "tests.notifications.worker_jobs.quick_recompute", batch_size=2, lease_seconds=3
    )
    redis_queue.enqueue(
        "tests.notifications.worker_jobs.quick_recompute", batch_size=2, lease_seconds=3
    )
    worker = start_worker("--burst")
    out, _ = worker.communicate(timeout=180)
    assert worker.returncode == 0, out
    assert "Traceback" not in out, out

    run.refresh_from_db()
    assert (run.status, run.checked, run.total) == ("done", 2 * COUNT, 2 * COUNT)
    events = DossierEvent.objects.filter(action=Action.RECALCULATE)
    assert events.count() == COUNT  # each dossier moved exactly once
    assert set(events.values_list("dossier_id", flat=True)) == set(ids)
    after = dict(Dossier.objects.filter(pk__in=ids).values_list("pk", "due_at"))
    assert all(after[pk] > before[pk] for pk in ids)
