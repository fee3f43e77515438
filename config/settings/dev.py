"""Embedded default: `make run` on a laptop (SQLite, inline jobs, debug pages)."""

from config.settings.base import *  # noqa: F403

DEBUG = True
ALLOWED_HOSTS = ["*"]
