"""What the fault tests share: a production site on services the test owns, its processes, a client.

* :class:`FaultSite` — a site folder (``environment = "production"``, the SMS gateway plugin) on a
  database of the private MariaDB of ``tests/ops/servers.py``, migrated, with the demo data
  (``load_demo``: Hải Phòng units, procedures, one user per role, their passwords in the site's
  ``demo-logins.txt``); its ``env(redis_url=…)`` is the environment of every process started on it,
  ``manage()`` runs a command, ``rows()`` reads the database directly (MySQLdb, no Django);
* :class:`Web` — one gunicorn (``config/gunicorn.conf.py``, the documented start) on a free port;
* :class:`Client` — a browser behind the proxy (``X-Forwarded-Proto: https``): cookies kept by
  hand, CSRF token taken from the form it fetched, multipart uploads.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import requests
from django.conf import settings

from tests.ops.servers import MariaDBServer, _Process, _wait_port, free_port

ROOT = Path(settings.BASE_DIR)
PY = str(ROOT / ".venv" / "bin" / "python")
#: The demo's ward counter (fixtures/demo): its reception officer, its agency code, and the
#: procedure taken there both online and at the counter ("Cấp bản sao trích lục hộ tịch", one
#: required document, full online service).
UNIT_CODE = "000.01.10.H27"
OFFICER = "motcua.hongbang"
CITIZEN = "congdan"
PROCEDURE = "2.000635"
OUTAGE_TEXT = "Hệ thống tạm thời gián đoạn"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class FaultSite:
    def __init__(self, base: Path, mariadb: MariaDBServer, *, name: str = "faults"):
        self.base, self.mariadb, self.name = base, mariadb, name
        self.folder = base / "sites" / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.gateway_url = ""
        self.database = "motcua_" + name

    def configure(self, *, gateway_url: str = "", lease_seconds: int = 20) -> None:
        """(Re)write the site config: production, SMS through *gateway_url*, short delivery leases."""
        self.gateway_url = gateway_url
        (self.folder / "site_config.toml").write_text(
            f"""
site_name = "Cổng dịch vụ công (thử lỗi)"
agency_name = "Trung tâm Phục vụ hành chính công"
environment = "production"
allowed_hosts = ["127.0.0.1", "localhost"]
plugins = ["sms_gateway"]
sms_gateway_url = "{gateway_url}"
delivery_lease_seconds = {lease_seconds}
""",
            encoding="utf-8",
        )

    def env(self, *, redis_url: str) -> dict[str, str]:
        return {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | {
            "MOTCUA_SITES_DIR": str(self.folder.parent),
            "MOTCUA_SITE": self.name,
            "MOTCUA_SECRET_KEY": "faults-" + "x" * 50,
            "MOTCUA_DATABASE_URL": self.mariadb.url(self.database),
            "MOTCUA_REDIS_URL": redis_url,
            "MOTCUA_STATIC_ROOT": str(self.base / "static"),
            "MOTCUA_SMS_GATEWAY_TOKEN": "token-thu",
        }

    def manage(self, *args: str, redis_url: str = "", timeout: int = 600):
        """Run a command on the site; without *redis_url* its jobs run inline."""
        done = subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=self.env(redis_url=redis_url),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def prepare(self) -> None:
        """A fresh database, migrated, with the demo data (its inline jobs: no Redis yet)."""
        self.configure()
        self.mariadb.sql(
            f"CREATE DATABASE IF NOT EXISTS `{self.database}` "
            "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("run_patches")
        self.manage("load_demo")

    def password(self, username: str) -> str:
        for line in (self.folder / "demo-logins.txt").read_text(encoding="utf-8").splitlines():
            user, password, *_ = line.split("\t")
            if user == username:
                return password
        raise LookupError(username)

    def rows(self, query: str, *args) -> list[tuple]:
        import MySQLdb

        connection = MySQLdb.connect(
            host="127.0.0.1",
            port=self.mariadb.port,
            user="root",
            database=self.database,
            charset="utf8mb4",
        )
        try:
            cursor = connection.cursor()
            cursor.execute(query, args or None)
            return list(cursor.fetchall())
        finally:
            connection.close()

    def files(self) -> set[str]:
        """Every file in the site's file store (the local folder), relative to it."""
        root = self.folder / "files"
        return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


class Web(_Process):
    """One web process as docs/deploy.md starts it: gunicorn with the site's config."""

    def __init__(self, env: dict[str, str], *, workers: int = 2, log: Path):
        self.port = free_port()
        self.env = env | {
            "MOTCUA_WEB_BIND": f"127.0.0.1:{self.port}",
            "MOTCUA_WEB_WORKERS": str(workers),
            # a request is not killed on a busy CI machine (2 cores shared by every job)
            "MOTCUA_WEB_TIMEOUT": "120",
        }
        self.log = log

    def command(self) -> list[str]:
        return [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.conf.py"]

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        _wait_port(self.port, timeout=60)

    def live(self) -> bool:
        """Whether a gunicorn worker answers (they boot after the master has bound the port)."""
        try:
            return Client(self.port).get("/health/live/", timeout=10).ok
        except requests.RequestException:
            return False

    def worker_pids(self) -> set[int]:
        """The gunicorn workers (children of the master) now running."""
        assert self.process is not None
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in path.read_text().split()} if path.exists() else set()


class Client:
    """A browser behind the TLS proxy; each call returns the ``requests`` response (no redirects)."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {"django_language": "vi"}

    def request(self, method: str, path: str, *, data=None, files=None, timeout: float = 150):
        response = requests.request(
            method,
            self.base + path,
            data=data,
            files=files,
            cookies=dict(self.cookies),
            headers={
                "X-Forwarded-Proto": "https",
                "Origin": self.origin,
                "Referer": self.origin + path,
            },
            allow_redirects=False,
            timeout=timeout,
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def post(self, path: str, data: dict, files=None, **kw):
        return self.request("POST", path, data=data, files=files, **kw)

    def token(self, path: str) -> str:
        """The CSRF token of the form at *path* (its cookie is kept)."""
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code, page.text[:300])
        return csrf_token(page.text)

    def login(self, path: str, username: str, password: str) -> None:
        token = self.token(path)
        done = self.post(
            path, {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        assert done.status_code == 302, (path, done.status_code, done.text[:500])


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def submission(page: str, *, key: str, unit: int) -> tuple[dict, dict]:
    """The POST (fields, files) of the demo citizen's online form of PROCEDURE, read from *page*."""
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    return (
        {
            "csrfmiddlewaretoken": csrf_token(page),
            "idempotency_key": key,
            "version": version,
            "applicant_kind": "individual",
            "applicant_name": "Nguyễn Thị Bình",
            "applicant_id_number": "031190009999",
            "applicant_phone": "0912000111",
            "applicant_email": "congdan@demo.motcua.vn",
            "unit": unit,
            "delivery": "counter",
            "action": "submit",
        },
        {"doc_0": ("to-khai.pdf", PDF, "application/pdf")},
    )


def desk_act(client: Client, pk: int, action: str, fields: dict | None = None, files=None):
    """Take *action* on dossier *pk* from its desk form, with the version the page shows."""
    path = f"/desk/dossiers/{pk}/act/{action}/"
    page = client.get(path)
    assert page.status_code == 200, (action, page.status_code, page.text[:500])
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    done = client.post(
        path,
        {"csrfmiddlewaretoken": csrf_token(page.text), "version": version, **(fields or {})},
        files=files,
    )
    assert done.status_code == 302, (action, done.status_code, done.text[:800])
    return done


def wait_until(condition, *, timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())
