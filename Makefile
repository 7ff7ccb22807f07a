# Sanad: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

# `make test` runs against PostgreSQL and Redis (override to point elsewhere).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sanad
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?= --durations=15
# Two test processes (the machines have 2 cores); each has its own test database and Redis db.
# `--dist load` keeps pytest-django's order in each process (database tests before transactional ones).
PYTEST_WORKERS ?= 2

.PHONY: run test lint venv dev-venv system-packages migrate seed messages check-messages worker beat backup clean help

help:
	@echo "make run    - install, migrate, seed the demo and serve http://127.0.0.1:8000"
	@echo "make test   - the whole suite on PostgreSQL + Redis + a real Celery worker"
	@echo "make lint   - ruff, migrations check, translations check"

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed
dev-venv: $(VENV)/.installed-dev

migrate: venv
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	$(PY) manage.py runserver 127.0.0.1:8000

# What the suite needs from the system (Chromium, WeasyPrint's Pango and fonts, gettext,
# redis-server, pg_dump): installed when missing if root, else the command to run is shown.
system-packages:
	.ci/system-packages

test: system-packages dev-venv
	SANAD_ENV=test DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL) \
	CELERY_TASK_ALWAYS_EAGER=1 \
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist load $(PYTEST_ARGS)

lint: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py sanad_messages --check

# Refresh the .po files from the source (then translate the new entries) and compile .mo.
messages: dev-venv
	$(PY) manage.py sanad_messages

worker: venv
	$(VENV)/bin/celery -A config worker -l info --concurrency 2

beat: venv
	$(VENV)/bin/celery -A config beat -l info

# A backup of the database and both media folders into backups/<date-time> (README: operations).
BACKUP_DIR ?= backups/$(shell date +%Y%m%d-%H%M%S)
backup: venv
	$(PY) manage.py backup --to $(BACKUP_DIR)

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles .pytest_cache .ruff_cache
