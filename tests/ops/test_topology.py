"""Two web processes, two workers and one scheduler against one MariaDB, Redis and object store,
brought up by ``deploy/loopback.sh`` exactly as docs/deploy.md says (services started by the test).

It shows: both webs ready (database, Redis, object store); a desk session opened on one web is
valid on the other (sessions in Redis, no local state); static files served by both; the
scheduler's periodic job runs once per minute although two workers take jobs.
"""

from __future__ import annotations

import collections
import datetime as dt
import http.client
import os
import re
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

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


class Browser:
    """Cookies kept by hand across hosts (the proxy's role: HTTPS said by X-Forwarded-Proto)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        origin = f"https://127.0.0.1:{port}"
        headers = {
            "X-Forwarded-Proto": "https",
            "Host": f"127.0.0.1:{port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Origin": origin,
            "Referer": origin + path,
        }
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), content


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
    started = subprocess.run(
        ["bash", "deploy/loopback.sh", "start"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        print(started.stdout.strip().splitlines()[-1])
        yield {"env": env, "ports": ports, "redis": redis, "tmp": tmp}
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
        timeout=300,
    )


def test_both_web_processes_are_ready_on_the_shared_services(topology):
    browser = Browser()
    for port in topology["ports"]:
        status, _headers, body = browser.request(port, "GET", "/health/ready/")
        assert status == 200, body
        assert '"storage": {"ok": true' in body and '"redis": {"ok": true' in body
        static, headers, _ = browser.request(port, "GET", "/static/admin/css/base.css")
        assert static == 200 and "max-age" in headers.get("Cache-Control", "")


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
    browser = Browser()
    status, _, page = browser.request(a, "GET", "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, headers, _ = browser.request(
        a,
        "POST",
        "/admin/login/?next=/admin/",
        {"csrfmiddlewaretoken": token, "username": "quantri", "password": PASSWORD},
    )
    assert status == 302 and headers["Location"] == "/admin/", headers
    # the other web process knows the session (kept in Redis, not in the process)
    status, _, page = browser.request(b, "GET", "/admin/")
    assert status == 200 and "quantri" in page
    print(f"session opened on web :{a}, used on web :{b}: {status}")


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
