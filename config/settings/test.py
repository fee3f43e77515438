"""Test settings: MariaDB when MOTCUA_DATABASE_URL is set (make test), otherwise SQLite."""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import (
    CORE_UNFOLD,
    DATABASES,
    SITE,
    enabled_plugins,
    installed_apps,
    with_plugin_menu,
)
from motcua.plugins.discovery import installed_names

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
