"""The production start as documented: one settings choice for every process, static files
collected and served by the web process, bind and workers from the site config."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _site(tmp_path: Path, extra: str = "", tables: str = "") -> dict:
    """A copy of the default site with top-level keys *extra* (before its tables) and *tables*."""
    sites = tmp_path / "sites"
    (sites / "prod").mkdir(parents=True)
    config = (ROOT / "sites" / "default" / "site_config.toml").read_text(encoding="utf-8")
    text = f"{extra}\n{config}\n{tables}"
    (sites / "prod" / "site_config.toml").write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return env | {
        "MOTCUA_SITES_DIR": str(sites),
        "MOTCUA_SITE": "prod",
        "MOTCUA_DATABASE_URL": "",
        "MOTCUA_REDIS_URL": "",
        "MOTCUA_STATIC_ROOT": str(tmp_path / "static"),
    }


def _run(env, *args, timeout=300):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_every_process_takes_the_settings_the_site_names(tmp_path):
    # given a site that says it is a production deployment
    env = _site(tmp_path, 'environment = "production"\n')
    probe = "from config.site import settings_module; print(settings_module())"

    # then commands (manage.py, so workers and the scheduler) and the WSGI entry agree
    assert _run(env, "-c", probe).stdout.strip() == "config.settings.prod"
    wsgi = _run(env, "-c", "import config.wsgi, os; print(os.environ['DJANGO_SETTINGS_MODULE'])")
    assert wsgi.stdout.strip().endswith("config.settings.prod"), wsgi.stderr
    # and an explicit DJANGO_SETTINGS_MODULE still wins
    explicit = env | {"DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    assert _run(explicit, "-c", probe).stdout.strip() == "config.settings.dev"


def test_an_unknown_environment_stops_every_command_with_one_line(tmp_path):
    env = _site(tmp_path, 'environment = "staging"\n')
    done = _run(env, "manage.py", "check")
    assert done.returncode == 2
    assert "key 'environment' must be one of development, production" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("true") is None, reason="needs a POSIX shell")
def test_the_documented_start_serves_the_styled_desk(tmp_path):
    # given a site whose web section names its bind address and workers
    port = _free_port()
    env = _site(tmp_path, tables=f'[web]\nbind = "127.0.0.1:{port}"\nworkers = 1\n')
    assert _run(env, "manage.py", "migrate", "--noinput", "-v", "0").returncode == 0
    collected = _run(env, "manage.py", "collectstatic", "--noinput", "-v", "0")
    assert collected.returncode == 0, collected.stderr

    # when the web process starts as the Procfile says
    gunicorn = Path(sys.executable).with_name("gunicorn")
    web = subprocess.Popen(
        [str(gunicorn), "-c", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/static/unfold/css/styles.css", timeout=10)
                break
            except OSError:  # refused while starting, or a first slow answer
                time.sleep(0.2)
        # then the desk's stylesheet and the portal's are served with a long-lived cache header
        for path in ("/static/unfold/css/styles.css", "/static/portal/portal.css"):
            with urllib.request.urlopen(f"{base}{path}", timeout=60) as response:
                assert response.status == 200
                assert response.headers["Content-Type"].startswith("text/css")
        # and the admin login page answers on the configured address
        with urllib.request.urlopen(f"{base}/admin/login/", timeout=60) as response:
            assert response.status == 200
    finally:
        web.terminate()
        web.wait(timeout=30)
