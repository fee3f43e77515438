"""Test settings: MariaDB when MOTCUA_DATABASE_URL is set (make test), otherwise SQLite."""

import os
import re

# pytest-xdist (make test runs each pass on two workers): every worker has its own test database
# (pytest-django adds the suffix _gw0, _gw1, ...) and its own Redis database, the number of
# MOTCUA_REDIS_URL plus the worker's index, so a worker's queue.empty() or rqworker never touches
# another worker's jobs. Done before the base settings read MOTCUA_REDIS_URL, and once: processes
# a test starts inherit the worker's URL (MOTCUA_REDIS_WORKER says it is shifted already).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if (
    _worker.startswith("gw")
    and os.environ.get("MOTCUA_REDIS_URL")
    and os.environ.get("MOTCUA_REDIS_WORKER") != _worker
):
    _url = os.environ["MOTCUA_REDIS_URL"]
    _base = re.search(r"/(\d+)$", _url)
    _db = (int(_base.group(1)) if _base else 0) + int(_worker[2:])
    os.environ["MOTCUA_REDIS_URL"] = f"{_url[: _base.start()] if _base else _url.rstrip('/')}/{_db}"
    os.environ["MOTCUA_REDIS_WORKER"] = _worker

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import (  # noqa: E402
    CORE_UNFOLD,
    DATABASES,
    SITE,
    enabled_plugins,
    installed_apps,
    with_plugin_menu,
)
from motcua.plugins.discovery import installed_names  # noqa: E402

# The plugins shipped in plugins/ run with the suite (their own tests are collected from there)
# when they are installed in the venv (make test installs them); tests of a site without them
# run such a site in a subprocess (tests/plugins).
SHIPPED_PLUGINS = ("sms_gateway", "postal")
MOTCUA_PLUGINS = enabled_plugins(
    [
        *SITE.plugins,
        *[n for n in SHIPPED_PLUGINS if n in installed_names() and n not in SITE.plugins],
    ]
)
INSTALLED_APPS = installed_apps(MOTCUA_PLUGINS)
UNFOLD = with_plugin_menu(CORE_UNFOLD, MOTCUA_PLUGINS)

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "vi"
MOTCUA_JOBS_INLINE = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("MOTCUA_SQLITE_TEST_NAME", "")}

import tempfile  # noqa: E402

# Uploaded files of tests never land in the site's real folder.
MEDIA_ROOT = tempfile.mkdtemp(prefix="motcua-test-files-")

# Each test starts with empty counters (rate limits, lock-outs); tests of the shared Redis cache
# configure it themselves.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests travel in time: the officers' idle timeout is tested on its own (tests/security).
MOTCUA_STAFF_IDLE_MINUTES = 0
