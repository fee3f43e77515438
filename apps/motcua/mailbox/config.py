"""Mail settings from the site config's ``[mail]`` table; the password from the environment.

::

    [mail]
    host = "smtp.haiphong.gov.vn"
    port = 587
    username = "motcua@haiphong.gov.vn"
    use_tls = true
    from_address = "Cổng dịch vụ công <motcua@haiphong.gov.vn>"
    retention_days = 90   # stored messages older than this are deleted (0: kept forever)

``MOTCUA_SMTP_PASSWORD`` holds the password. Without ``host`` nothing leaves the machine: messages
are kept for the desk's "Thư đã gửi" page (the embedded default).
"""

from __future__ import annotations

import os

_KINDS = {
    "host": str,
    "port": int,
    "username": str,
    "use_tls": bool,
    "from_address": str,
    "retention_days": int,
}


class MailConfigError(ValueError):
    """A malformed ``[mail]`` table; the message names the key."""


def mail_settings(table: object) -> dict:
    """Return Django's EMAIL_* settings for a site's ``[mail]`` table (``{}`` when absent)."""
    if table is None:
        table = {}
    if not isinstance(table, dict):
        raise MailConfigError("key 'mail' must be a table ([mail])")
    for key, value in table.items():
        kind = _KINDS.get(key)
        if kind is None:
            raise MailConfigError(f"key 'mail.{key}' is unknown (known: {', '.join(_KINDS)})")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise MailConfigError(f"key 'mail.{key}' must be a {kind.__name__}")
    host = table.get("host", "")
    return {
        "EMAIL_BACKEND": "motcua.mailbox.backends.MailboxBackend",
        "MOTCUA_MAIL_DELIVER": bool(host),
        "EMAIL_HOST": host or "localhost",
        "EMAIL_PORT": table.get("port", 587 if table.get("use_tls", bool(host)) else 25),
        "EMAIL_HOST_USER": table.get("username", ""),
        "EMAIL_HOST_PASSWORD": os.environ.get("MOTCUA_SMTP_PASSWORD", ""),
        "EMAIL_USE_TLS": table.get("use_tls", bool(host)),
        "EMAIL_TIMEOUT": 20,
        "DEFAULT_FROM_EMAIL": table.get("from_address", "motcua@localhost"),
        "MOTCUA_MAIL_RETENTION_DAYS": _retention_days(table),
    }


def _retention_days(table: dict) -> int:
    days = table.get("retention_days", 90)
    if days < 0:
        raise MailConfigError("key 'mail.retention_days' must be 0 (keep forever) or more")
    return days
