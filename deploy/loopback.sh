#!/usr/bin/env bash
# The reference topology of docs/deploy.md on one machine's loopback, step by step as written there:
# 2 web processes (gunicorn), 2 workers, exactly 1 scheduler, against the MariaDB, Redis and file
# store that the environment names (MOTCUA_SITE, MOTCUA_DATABASE_URL, MOTCUA_REDIS_URL,
# MOTCUA_SECRET_KEY, MOTCUA_S3_ACCESS_KEY_ID / MOTCUA_S3_SECRET_ACCESS_KEY, as /etc/motcua/env).
#
#   deploy/loopback.sh start     # §3 release steps, then the processes; waits until all webs are ready
#   deploy/loopback.sh status    # the processes and the readiness of each web
#   deploy/loopback.sh stop      # SIGTERM to each (workers finish their job), then wait
#
# Knobs: WEB_PORTS ("8001 8002"), WORKERS (2), WEB_WORKERS (gunicorn workers per web, 2),
# RUN_DIR (pid and log files; default sites/$MOTCUA_SITE/run). Used by tests/ops/test_topology.py.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${MOTCUA_SITE:?set MOTCUA_SITE (docs/deploy.md §4)}"
WEB_PORTS=${WEB_PORTS:-"8001 8002"}
WORKERS=${WORKERS:-2}
WEB_WORKERS=${WEB_WORKERS:-2}
SITES=${MOTCUA_SITES_DIR:-sites}
RUN_DIR=${RUN_DIR:-$SITES/$MOTCUA_SITE/run}
PY=.venv/bin/python
mkdir -p "$RUN_DIR"

ready() {  # ready PORT -> 0 when /health/ready/ answers 200
  "$PY" - "$1" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/health/ready/", timeout=5) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}

start_one() {  # start_one NAME COMMAND... (detached, pid in RUN_DIR/NAME.pid, log in NAME.log)
  local name=$1; shift
  setsid "$@" >>"$RUN_DIR/$name.log" 2>&1 < /dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

case "${1:-}" in
start)
  # docs/deploy.md §3: once per release, on one host.
  "$PY" manage.py migrate --noinput -v 0
  "$PY" manage.py run_patches
  "$PY" manage.py collectstatic --noinput -v 0
  # §1: the processes (the systemd units of deploy/systemd run the same commands).
  for port in $WEB_PORTS; do
    MOTCUA_WEB_BIND=127.0.0.1:$port MOTCUA_WEB_WORKERS=$WEB_WORKERS \
      start_one "web-$port" .venv/bin/gunicorn -c config/gunicorn.conf.py
  done
  for i in $(seq 1 "$WORKERS"); do
    start_one "worker-$i" "$PY" manage.py rqworker default low --with-scheduler
  done
  start_one scheduler "$PY" manage.py rqcron motcua.jobs.cron_config
  for port in $WEB_PORTS; do
    for _ in $(seq 1 120); do ready "$port" && break; sleep 0.5; done
    ready "$port" || { echo "loopback: web on port $port is not ready; see $RUN_DIR/web-$port.log" >&2; exit 1; }
  done
  echo "loopback: ready — web on $WEB_PORTS, $WORKERS workers, 1 scheduler (logs in $RUN_DIR)"
  ;;
status)
  for f in "$RUN_DIR"/*.pid; do
    [ -e "$f" ] || continue
    if kill -0 "$(cat "$f")" 2>/dev/null; then echo "$(basename "$f" .pid) running"; else echo "$(basename "$f" .pid) stopped"; fi
  done
  for port in $WEB_PORTS; do ready "$port" && echo "web $port ready" || echo "web $port NOT ready"; done
  ;;
stop)
  for f in "$RUN_DIR"/*.pid; do
    [ -e "$f" ] || continue
    kill -TERM "$(cat "$f")" 2>/dev/null || true
  done
  for f in "$RUN_DIR"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$f"
  done
  echo "loopback: stopped"
  ;;
*)
  echo "usage: deploy/loopback.sh start|status|stop" >&2
  exit 2
  ;;
esac
