# motcua — the two commands of the README, and the helpers they use.
SHELL := /bin/bash
PY := .venv/bin/python
MANAGE := $(PY) manage.py
# The production database for tests: MariaDB through its unix socket as root (make test runs as root).
TEST_DATABASE_URL ?= mysql://root@localhost/motcua
export DJANGO_ALLOW_ASYNC_UNSAFE := true

.PHONY: run test lint setup setup-test services messages demo bench format

## make run: set up and serve the embedded default site (SQLite, inline jobs) with demo data.
run: setup
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) run_patches
	$(MANAGE) load_demo
	$(MANAGE) runserver 127.0.0.1:8000

## make test: set up, start MariaDB/Redis if needed, lint, pytest on MariaDB then on SQLite.
test: setup-test services lint
	MOTCUA_DATABASE_URL=$(TEST_DATABASE_URL) MOTCUA_REDIS_URL=redis://127.0.0.1:6379/0 \
	  $(PY) -m pytest --create-db
	MOTCUA_DATABASE_URL= MOTCUA_REDIS_URL=redis://127.0.0.1:6379/0 $(PY) -m pytest -m "not mariadb"

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
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

bench: setup
	$(PY) bench/bench_deadlines.py
	$(PY) bench/bench_printing.py
