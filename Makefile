# motcua — the two commands of the README, and the helpers they use.
SHELL := /bin/bash
PY := .venv/bin/python
MANAGE := $(PY) manage.py
# Where make run serves (another port: make run RUN_ADDR=127.0.0.1:8001).
RUN_ADDR ?= 127.0.0.1:8000
# The production database for tests: MariaDB through its unix socket as root (make test runs as root).
TEST_DATABASE_URL ?= mysql://root@localhost/motcua
export DJANGO_ALLOW_ASYNC_UNSAFE := true

.PHONY: run start test test-slow lint setup setup-test services messages bench format lock

## make run: set up and serve the embedded default site (SQLite, inline jobs) with demo data.
run: setup
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) run_patches
	$(MANAGE) load_demo --base-url http://$(RUN_ADDR)
	$(MANAGE) runserver $(RUN_ADDR)

## make start: the production-style start of docs/deploy.md on this machine (site config decides
## the settings, bind and workers): migrate, patches, static files, then web + worker + scheduler.
start: setup
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) run_patches
	$(MANAGE) collectstatic --noinput -v 0
	.venv/bin/honcho start

## make test: set up, start MariaDB/Redis if needed, lint, then the whole suite twice: on MariaDB
## (the production database) and on SQLite (the embedded default). TEST_WORKERS=1: the passes run
## side by side (the SQLite pass's log is printed when both end); TEST_WORKERS=N: one after the
## other, each on N pytest-xdist workers. No two share a database or a Redis database.
TEST_WORKERS ?= 1
test: setup-test services lint
	@TEST_DATABASE_URL=$(TEST_DATABASE_URL) TEST_WORKERS=$(TEST_WORKERS) bash scripts/test_passes.sh

## make test-slow: the fault tests (marker "slow", docs/deploy.md §10), each on services it starts:
## the database killed under a load of submissions and receptions (a private mariadbd), a worker
## killed mid-delivery and Redis restarted empty, the object store down during an upload, and the
## loopback topology of deploy/loopback.sh (2 web, 2 workers, 1 scheduler) walking the citizen →
## officer journey; they print the counts they compare.
test-slow: setup-test services
	HYPOTHESIS_PROFILE=ci MOTCUA_DATABASE_URL=$(TEST_DATABASE_URL) MOTCUA_REDIS_URL=redis://127.0.0.1:6379/0 \
	  $(PY) -m pytest -m slow -s tests/ops

## make lint: ruff, ruff format, mypy (strict on the deadline engine, calendar, transitions and
## permissions: pyproject [tool.mypy]), and no model change without its migration.
lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	MOTCUA_DATABASE_URL= .venv/bin/mypy
	MOTCUA_DATABASE_URL= $(MANAGE) makemigrations --check --dry-run -v 1

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

setup:
	@bash scripts/bootstrap.sh run
	@$(MAKE) -s messages

setup-test:
	@bash scripts/bootstrap.sh test
	@$(MAKE) -s messages

services:
	@bash scripts/services.sh

## Compile translations with Babel (no GNU gettext needed).
messages:
	@for po in locale/*/LC_MESSAGES/django.po; do \
	  [ -f "$$po" ] || continue; \
	  mo=$${po%.po}.mo; \
	  [ "$$mo" -nt "$$po" ] || .venv/bin/pybabel -q compile -i "$$po" -o "$$mo"; \
	done

## make bench: the deadline and printing benches, then the site at provincial scale on MariaDB
## (public and desk pages, service timings, the due sweep; bench/README.md): BENCH_DOSSIERS
## generated dossiers (reused for the same BENCH_SEED).
BENCH_DOSSIERS ?= 1000000
BENCH_SEED ?= 1
BENCH_DATABASE_URL ?= mysql://root@localhost/motcua_bench

bench: setup
	@bash scripts/bootstrap.sh bench
	$(PY) bench/bench_deadlines.py
	$(PY) bench/bench_printing.py
	MOTCUA_SITE=bench MOTCUA_DATABASE_URL=$(BENCH_DATABASE_URL) \
	  $(PY) bench/bench_web.py --dossiers $(BENCH_DOSSIERS) --seed $(BENCH_SEED)

## make lock: pin every dependency (incl. the dev and bench extras) with hashes into requirements.lock.
lock:
	$(PY) -m piptools compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links \
	  --extra dev --extra bench --output-file requirements.lock pyproject.toml
