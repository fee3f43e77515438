"""The job seam: inline on the embedded default, RQ on Redis, and one schedule registry."""

import os
import subprocess
import sys
import time

import pytest
from django.utils.module_loading import import_string
from redis import Redis

from config.site import BASE_DIR
from motcua.jobs.queue import job_enqueue
from motcua.jobs.schedule import SCHEDULE

REDIS_URL = os.environ.get("MOTCUA_REDIS_URL") or "redis://127.0.0.1:6379/0"


def redis_available() -> bool:
    try:
        return Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except Exception:
        return False


needs_redis = pytest.mark.skipif(not redis_available(), reason="Redis is not running")


def add(a, b):
    return a + b


def test_inline_mode_runs_the_function_now(settings):
    settings.MOTCUA_JOBS_INLINE = True
    assert job_enqueue(add, 2, 3) == 5


@pytest.mark.redis
@needs_redis
def test_redis_mode_puts_the_job_on_a_real_queue(settings):
    import django_rq

    settings.MOTCUA_JOBS_INLINE = False
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    queue = django_rq.get_queue("default")
    queue.empty()

    job = job_enqueue(add, 2, 3)

    assert job.func_name == "tests.foundation.test_jobs.add"
    assert job.args == (2, 3)
    assert job.id in queue.job_ids
    queue.empty()


def test_every_scheduled_job_imports_and_has_a_valid_cron():
    from croniter import croniter

    names = [job.name for job in SCHEDULE]
    assert len(names) == len(set(names))
    for job in SCHEDULE:
        assert callable(import_string(job.func))
        assert croniter.is_valid(job.cron), job


@pytest.mark.django_db
def test_session_cleanup_job_is_safe_to_run_twice():
    from datetime import timedelta

    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from motcua.jobs.tasks import sessions_clear_expired

    fresh = SessionStore()
    fresh.create()
    old = SessionStore()
    old.create()
    Session.objects.filter(pk=old.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )

    assert sessions_clear_expired() == 1
    assert sessions_clear_expired() == 0
    assert Session.objects.filter(pk=fresh.session_key).exists()


@pytest.mark.redis
@needs_redis
@pytest.mark.parametrize(
    "command",
    [
        ["rqworker", "default", "low", "--with-scheduler"],
        ["rqcron", "motcua.jobs.cron_config"],
    ],
    ids=["worker", "scheduler"],
)
def test_procfile_processes_start_and_idle(command):
    env = {
        **os.environ,
        "MOTCUA_REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    }
    env.pop("MOTCUA_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "manage.py", *command],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        time.sleep(4)
        assert proc.poll() is None, proc.stdout.read()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert "Traceback" not in out, out
