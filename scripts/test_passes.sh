#!/usr/bin/env bash
# The two passes of `make test`: the whole suite on MariaDB, then on SQLite (-m "not mariadb").
#
# TEST_WORKERS=1 (the default): the two passes run at the same time on this 2-core machine, the
# MariaDB pass in the foreground, the SQLite pass in the background (its output kept in a log and
# printed after). TEST_WORKERS=N (N >= 2): the passes run one after the other, each spread over N
# pytest-xdist workers; every worker has its own test database (suffix _gw0, _gw1, ...) and its
# own Redis database (config/settings/test.py adds the worker's index to the URL's number).
# --dist load, not loadfile: it hands each worker the tests in pytest-django's order, so on every
# worker the transactional tests (whose teardown empties the tables) still come after the others.
# Redis: the MariaDB pass uses databases 0..N-1, the SQLite pass N..2N-1 (1 without workers), so
# real workers of one never take the other's jobs.
# Exit status: non-zero when either pass fails.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export HYPOTHESIS_PROFILE=ci DJANGO_ALLOW_ASYNC_UNSAFE=true
mariadb_url=${TEST_DATABASE_URL:-mysql://root@localhost/motcua}
redis_host=${TEST_REDIS:-redis://127.0.0.1:6379}
workers=${TEST_WORKERS:-1}

if [ "$workers" -ge 2 ]; then
  xdist=(-n "$workers" --dist load)
  echo "== MariaDB pass ($workers workers) =="
  MOTCUA_DATABASE_URL=$mariadb_url MOTCUA_REDIS_URL=$redis_host/0 \
    $PY -m pytest --create-db -p no:cacheprovider "${xdist[@]}"
  mariadb_rc=$?
  echo "== SQLite pass ($workers workers) =="
  MOTCUA_DATABASE_URL= MOTCUA_REDIS_URL=$redis_host/$workers \
    $PY -m pytest -m "not mariadb" -p no:cacheprovider "${xdist[@]}"
  sqlite_rc=$?
  echo "motcua: MariaDB pass exit $mariadb_rc, SQLite pass exit $sqlite_rc"
  [ "$mariadb_rc" = 0 ] && [ "$sqlite_rc" = 0 ]
  exit
fi

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
