"""gunicorn settings for the web process: the worker timeout and the SQL statement limit paired.

A request that runs past ``timeout`` is killed by gunicorn; the worker's MariaDB connection is
opened with ``max_statement_time`` two seconds shorter (``MOTCUA_STATEMENT_TIMEOUT``, read by the
settings), so its query is stopped by the server too instead of running on after the kill.
"""

import os

timeout = int(os.environ.get("MOTCUA_WEB_TIMEOUT", "30"))
graceful_timeout = timeout
os.environ.setdefault("MOTCUA_STATEMENT_TIMEOUT", str(max(1, timeout - 2)))
