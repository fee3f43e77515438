#!/usr/bin/env bash
# The two passes of `make test`, run at the same time on this 2-core machine: the MariaDB pass in
# the foreground, the SQLite pass in the background (its output kept in a log and printed after).
# Each pass has its own Redis database so real workers of one never take the other's jobs.
# Exit status: non-zero when either pass fails.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export HYPOTHESIS_PROFILE=ci DJANGO_ALLOW_ASYNC_UNSAFE=true
mariadb_url=${TEST_DATABASE_URL:-mysql://root@localhost/motcua}
redis_host=${TEST_REDIS:-redis://127.0.0.1:6379}
log=$(mktemp -t motcua-sqlite-pass.XXXXXX)

MOTCUA_DATABASE_URL= MOTCUA_REDIS_URL=$redis_host/1 \
  $PY -m pytest -m "not mariadb" -p no:cacheprovider >"$log" 2>&1 &
sqlite_pid=$!

echo "== MariaDB pass (the SQLite pass runs beside it; its output follows) =="
MOTCUA_DATABASE_URL=$mariadb_url MOTCUA_REDIS_URL=$redis_host/0 \
  $PY -m pytest --create-db -p no:cacheprovider
mariadb_rc=$?

wait "$sqlite_pid"
sqlite_rc=$?
echo
echo "motcua: MariaDB pass exit $mariadb_rc, SQLite pass exit $sqlite_rc (its output follows)"
echo "== SQLite pass =="
cat "$log"
rm -f "$log"
[ "$mariadb_rc" = 0 ] && [ "$sqlite_rc" = 0 ]
