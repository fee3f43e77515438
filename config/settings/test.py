"""Test settings: MariaDB when MOTCUA_DATABASE_URL is set (make test), otherwise SQLite."""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES

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
