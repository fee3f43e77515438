#!/usr/bin/env bash
# Make sure MariaDB and Redis answer on this machine, starting them when they do not
# (as root, without systemd: start-stop-daemon / redis-server --daemonize, see docs/stack.md).
set -euo pipefail

if ! mariadb-admin ping --silent >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "motcua: MariaDB is not running and only root can start it here (start mariadbd, then retry)" >&2
    exit 1
  fi
  echo "motcua: starting MariaDB"
  install -d -o mysql -g root -m 755 /run/mysqld
  install -d -o mysql -g mysql /var/log/mysql
  [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  start-stop-daemon --start --background --oknodo --exec /usr/sbin/mariadbd -- \
    --user=mysql --bind-address=127.0.0.1 --port=3306 --log-error=/var/log/mysql/error.log
  for _ in $(seq 1 150); do mariadb-admin ping --silent >/dev/null 2>&1 && break; sleep 0.2; done
  mariadb-admin ping --silent >/dev/null 2>&1 || { echo "motcua: MariaDB did not start; see /var/log/mysql/error.log" >&2; exit 1; }
fi

# Django converts date-truncations (admin date filters, reports) in the site's time zone inside the
# database: MariaDB needs its time zone tables, which a fresh install leaves empty.
if [ "$(mariadb -N -e "SELECT CONVERT_TZ('2000-01-01','UTC','Asia/Ho_Chi_Minh') IS NULL" 2>/dev/null)" = 1 ]; then
  echo "motcua: loading MariaDB time zone tables"
  mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null | mariadb mysql
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "motcua: starting Redis"
  redis-server --bind 127.0.0.1 --port 6379 --save "" --appendonly no --daemonize yes >/dev/null
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.2; done
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "motcua: Redis did not start" >&2; exit 1; }
fi
