"""gunicorn settings from the site config's ``[web]`` table (``gunicorn -c config/gunicorn.conf.py``).

Keys (all optional): ``bind`` ("127.0.0.1:8000"; "0.0.0.0:8000" behind a proxy on another
host), ``workers`` (2 × cores + 1), ``threads`` (1), ``timeout`` (seconds a request may run before
its worker is killed; ``MOTCUA_WEB_TIMEOUT`` wins; the database's statement limit,
``MOTCUA_STATEMENT_TIMEOUT``, is set two seconds below it so that a killed request's query dies too), ``graceful_timeout``, ``max_requests`` (recycle a worker after N
requests, jittered), ``forwarded_allow_ips`` (the reverse proxy's address, whose X-Forwarded-*
headers are trusted). Environment variables ``MOTCUA_WEB_BIND`` and ``MOTCUA_WEB_WORKERS`` win.
"""

import multiprocessing
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.site import load_site  # noqa: E402

_web = load_site().extra.get("web", {})

bind = os.environ.get("MOTCUA_WEB_BIND") or _web.get("bind", "127.0.0.1:8000")
workers = int(
    os.environ.get("MOTCUA_WEB_WORKERS") or _web.get("workers", 2 * multiprocessing.cpu_count() + 1)
)
threads = int(_web.get("threads", 1))
timeout = int(os.environ.get("MOTCUA_WEB_TIMEOUT") or _web.get("timeout", 30))
graceful_timeout = int(_web.get("graceful_timeout", timeout))
# The worker's MariaDB connections stop a statement two seconds before gunicorn would kill the
# request, so a killed request's query does not run on in the server (read by the settings).
os.environ.setdefault("MOTCUA_STATEMENT_TIMEOUT", str(max(1, timeout - 2)))
max_requests = int(_web.get("max_requests", 10000))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = _web.get("forwarded_allow_ips", "127.0.0.1")
accesslog = "-"
wsgi_app = "config.wsgi:application"
