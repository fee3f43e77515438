"""The floor of ``make bench``: a bare WSGI app answering one indexed SELECT by dossier code.

Same server (gunicorn, 2 workers), same driver (mysqlclient) and same database as the site; no
framework. Every public page is compared with what this serves in the same run.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

import MySQLdb

_conn = None


def _connection():
    global _conn
    if _conn is None:
        url = urlparse(os.environ.get("MOTCUA_DATABASE_URL", "mysql://root@localhost/motcua_bench"))
        _conn = MySQLdb.connect(
            host=url.hostname or "localhost",
            user=url.username or "root",
            passwd=url.password or "",
            db=url.path.lstrip("/"),
            charset="utf8mb4",
            autocommit=True,
        )
    return _conn


def application(environ, start_response):
    cursor = _connection().cursor()
    cursor.execute(
        "SELECT code, status, due_at FROM dossiers_dossier WHERE code = %s",
        (os.environ.get("BENCH_FLOOR_CODE", ""),),
    )
    row = cursor.fetchone()
    body = (f"{row[0]} {row[1]} {row[2]}" if row else "-").encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
