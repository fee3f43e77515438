#!/usr/bin/env bash
# Install what motcua needs on a fresh Debian 12 machine (root, Python 3.11, git):
# apt packages (only the missing ones), a venv in .venv and the pip packages pinned with their
# hashes in requirements.lock (`make lock` regenerates it from pyproject.toml).
# Safe to run again: each step is skipped when its result is already there.
# Usage: scripts/bootstrap.sh [run|test|bench]   ("test" adds MariaDB, Redis, Chromium, poppler;
# "bench" adds MariaDB, Redis, the wrk load generator and the profilers)
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-run}

apt_run=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-dejavu-core
         libmariadb-dev pkg-config gcc python3-dev)
apt_test=(mariadb-server mariadb-client redis-server poppler-utils chromium)
apt_bench=(mariadb-server mariadb-client redis-server wrk)
wanted=("${apt_run[@]}")
[ "$purpose" = test ] && wanted+=("${apt_test[@]}")
[ "$purpose" = bench ] && wanted+=("${apt_bench[@]}")

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "motcua: missing Debian packages: ${missing[*]} (run as root, or: apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "motcua: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
stamp=.venv/.installed-$(cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)
if [ ! -f "$stamp" ]; then
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  # pip first, at the locked version and hash: the pip that a venv starts with (23.x on Python
  # 3.11) refuses a locked dependency that another one asks for with extras (fonttools[woff]).
  lockpip=$(mktemp)
  awk '/^pip==/{p=1} p{print} p && !/\\$/{exit}' requirements.lock > "$lockpip"
  .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r "$lockpip"
  rm -f "$lockpip"
  # Every package (dev extra included) at the locked version, checked against its hash; then the
  # project itself without resolving anything again.
  .venv/bin/pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
  .venv/bin/pip install -q --disable-pip-version-check --no-deps -e .
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# The plugins shipped in plugins/ (each its own package): installed from their folders, editable,
# without resolving anything (they need nothing beyond motcua's locked packages), for the tests.
if [ "$purpose" = test ]; then
  for plugin in plugins/*/pyproject.toml; do
    dir=$(dirname "$plugin")
    pstamp=.venv/.plugin-$(basename "$dir")-$(cat "$plugin" | sha1sum | cut -c1-12)
    if [ ! -f "$pstamp" ]; then
      .venv/bin/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e "$dir"
      rm -f .venv/.plugin-"$(basename "$dir")"-*
      touch "$pstamp"
    fi
  done
fi
