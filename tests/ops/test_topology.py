"""Two web processes, two workers and one scheduler against one MariaDB, Redis and object store,
brought up by ``deploy/loopback.sh`` exactly as docs/deploy.md says (services started by the test).

It shows: both webs ready (database, Redis, object store); a desk session opened on one web is
valid on the other (sessions in Redis, no local state); static files served by both; the whole
citizen → officer journey (online submission with a file, intake, result with its file in the
object store, fee, return; the citizen's status page and download) with each step on either web;
the scheduler's periodic job runs once per minute although two workers take jobs.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import re
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.ops.faults import (
    CITIZEN,
    OFFICER,
    PDF,
    PROCEDURE,
    Client,
    desk_act,
    submission,
)
from tests.ops.servers import MotoS3, RedisServer, free_port

ROOT = Path(settings.BASE_DIR)
BUCKET = "motcua-topology"
PASSWORD = "Mật-khẩu-dài-2026!"

pytestmark = pytest.mark.slow


def _database_url() -> tuple[str, str]:
    """A fresh database on the test MariaDB (named after this engineer's one, never shared)."""
    import MySQLdb

    base = os.environ.get("MOTCUA_DATABASE_URL") or "mysql://root@localhost/motcua"
    name = base.rsplit("/", 1)[-1] + "_topology"
    connection = MySQLdb.connect(user="root", unix_socket="/run/mysqld/mysqld.sock")
    cursor = connection.cursor()
    cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
    cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    connection.close()
    return base.rsplit("/", 1)[0] + "/" + name, name


def _drop(name: str) -> None:
    import MySQLdb

    connection = MySQLdb.connect(user="root", unix_socket="/run/mysqld/mysqld.sock")
    connection.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
    connection.close()


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("topology")
    redis, moto = RedisServer(), MotoS3()
    redis.start()
    moto.start()
    moto.client().create_bucket(Bucket=BUCKET)
    url, db_name = _database_url()
    site = tmp / "sites" / "loop"
    site.mkdir(parents=True)
    (site / "site_config.toml").write_text(
        f"""
site_name = "Cổng dịch vụ công (vòng lặp)"
agency_name = "Trung tâm Phục vụ hành chính công"
environment = "production"
allowed_hosts = ["127.0.0.1", "localhost"]

[storage]
backend = "s3"
bucket = "{BUCKET}"
endpoint_url = "{moto.endpoint}"
region = "us-east-1"
""",
        encoding="utf-8",
    )
    ports = [free_port(), free_port()]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | {
        "MOTCUA_SITES_DIR": str(tmp / "sites"),
        "MOTCUA_SITE": "loop",
        "MOTCUA_SECRET_KEY": "loopback-" + "x" * 50,
        "MOTCUA_DATABASE_URL": url,
        "MOTCUA_REDIS_URL": redis.url,
        "MOTCUA_S3_ACCESS_KEY_ID": "test",
        "MOTCUA_S3_SECRET_ACCESS_KEY": "test",
        "MOTCUA_STATIC_ROOT": str(tmp / "static"),
        "WEB_PORTS": " ".join(map(str, ports)),
        "WORKERS": "2",
        "WEB_WORKERS": "1",
        "RUN_DIR": str(tmp / "run"),
    }
    try:  # the services started above are stopped even when the start fails or times out
        started = subprocess.run(
            ["bash", "deploy/loopback.sh", "start"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1500,  # migrate from an empty database on a busy 2-core machine
        )
        assert started.returncode == 0, started.stdout + started.stderr
        print(started.stdout.strip().splitlines()[-1])
        yield {"env": env, "ports": ports, "redis": redis, "tmp": tmp, "site": site}
    finally:
        subprocess.run(["bash", "deploy/loopback.sh", "stop"], cwd=ROOT, env=env, timeout=120)
        redis.stop()
        moto.stop()
        _drop(db_name)


def _manage(topology, *args, extra_env=None):
    return subprocess.run(
        [".venv/bin/python", "manage.py", *args],
        cwd=ROOT,
        env=topology["env"] | (extra_env or {}),
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_both_web_processes_are_ready_on_the_shared_services(topology):
    for port in topology["ports"]:
        ready = Client(port).get("/health/ready/")
        assert ready.status_code == 200, ready.text
        assert '"storage": {"ok": true' in ready.text and '"redis": {"ok": true' in ready.text
        static = Client(port).get("/static/admin/css/base.css")
        assert static.status_code == 200 and "max-age" in static.headers.get("Cache-Control", "")


def test_a_desk_session_opened_on_one_web_is_valid_on_the_other(topology):
    # the first administrator, as docs/deploy.md §3 says
    made = _manage(
        topology,
        "createsuperuser",
        "--noinput",
        "--username",
        "quantri",
        "--email",
        "quantri@example.vn",
        extra_env={"DJANGO_SUPERUSER_PASSWORD": PASSWORD},
    )
    assert made.returncode == 0, made.stderr
    a, b = topology["ports"]
    on_a = Client(a)
    on_a.login("/admin/login/?next=/admin/", "quantri", PASSWORD)
    # the other web process knows the session (kept in Redis, not in the process)
    on_b = Client(b)
    on_b.cookies = on_a.cookies
    page = on_b.get("/admin/")
    assert page.status_code == 200 and "quantri" in page.text
    print(f"session opened on web :{a}, used on web :{b}: {page.status_code}")


def test_the_scheduler_runs_each_periodic_job_once_with_two_workers(topology):
    from redis import Redis
    from rq import Queue
    from rq.job import Job

    connection = Redis.from_url(topology["redis"].url)
    # wait for one minute boundary and for its job to finish
    now = dt.datetime.now(dt.UTC)
    deadline = now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1, seconds=25)
    time.sleep(max(0.0, (deadline - now).total_seconds()))
    queue = Queue("default", connection=connection)
    ids = set(queue.finished_job_registry.get_job_ids()) | set(
        queue.failed_job_registry.get_job_ids()
    )
    jobs = [j for j in Job.fetch_many(list(ids), connection=connection) if j is not None]
    deliveries = [j for j in jobs if j.func_name.endswith("outbox_deliver_due")]
    per_minute = collections.Counter(
        j.enqueued_at.replace(second=0, microsecond=0) for j in deliveries
    )
    workers = {j.worker_name for j in jobs}
    print(f"outbox_deliver runs per minute: {dict(per_minute)}; workers seen: {len(workers)}")
    assert per_minute and set(per_minute.values()) == {1}
    assert all(j.get_status() == "finished" for j in deliveries)


def test_the_citizen_to_officer_journey_crosses_both_web_processes(topology):
    """After the scheduler test: its receptions kick the outbox, which that test counts.

    A citizen submits online with a file on one web process; an officer takes it in on the
    other, issues the result (its file into the object store), records the fee and returns it,
    moving between the two; the citizen sees the status and downloads the result."""
    loaded = _manage(topology, "load_demo")  # units, procedures, one user per role
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    logins = dict(
        line.split("\t")[:2]
        for line in (topology["site"] / "demo-logins.txt").read_text(encoding="utf-8").split("\n")
        if line
    )
    a, b = topology["ports"]
    citizen = Client(a)
    citizen.login("/tai-khoan/dang-nhap/", CITIZEN, logins[CITIZEN])
    path = f"/thu-tuc/{PROCEDURE}/nop-ho-so/"
    form = citizen.get(path)
    unit = re.search(r'<option value="(\d+)"[^>]*>[^<]*Hồng Bàng', form.text).group(1)
    fields, files = submission(form.text, key=str(uuid.uuid4()), unit=int(unit))
    sent = citizen.post(path, fields, files=files)
    assert sent.status_code == 302, sent.text[:800]
    code = sent.headers["Location"].rstrip("/").rsplit("/", 1)[1]

    officer_b = Client(b)
    officer_b.login("/admin/login/?next=/desk/", OFFICER, logins[OFFICER])
    officer_a = Client(a)
    officer_a.cookies = officer_b.cookies  # one session, served by either web process
    assert code in officer_a.get("/desk/intake/").text
    found = officer_b.get(f"/desk/search/?q={code}")
    pk = int(re.search(r'href="/desk/dossiers/(\d+)/"', found.text).group(1))
    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    desk_act(officer_b, pk, "accept")
    desk_act(
        officer_a,
        pk,
        "issue_result",
        {"result_number": "15/GCN-UBND", "result_date": f"{today:%d/%m/%Y}"},
        files={"result_file": ("ket-qua.pdf", PDF, "application/pdf")},
    )
    desk_act(officer_b, pk, "record_payment", {"receipt_number": "BL-000015"})
    desk_act(officer_a, pk, "return_result", {"delivery": "counter"})

    citizen_b = Client(b)
    citizen_b.cookies = citizen.cookies
    status = citizen_b.get(f"/tra-cuu/{code}/")
    assert status.status_code == 200 and "Đã trả kết quả" in status.text
    result = citizen.get(f"/tra-cuu/{code}/ket-qua/")
    assert result.status_code == 200 and result.content == PDF
    print(
        f"journey of {code}: submitted on :{a}, accepted on :{b}, result issued on :{a}, fee on "
        f":{b}, returned on :{a}; the citizen reads its status on :{b} and the result file from "
        "the object store"
    )
