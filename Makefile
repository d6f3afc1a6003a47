# «Билет в будущее» portal — the two commands:
#   make run    set everything up, load the demo data and serve http://127.0.0.1:8000/
#   make test   set everything up and run the whole test suite
# Both work from a fresh clone: the virtualenv, Python and npm packages and the missing Debian packages are installed
# on first use and only reinstalled when requirements.txt / package-lock.json change.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP_STAMP := $(VENV)/.requirements.stamp
NPM_STAMP := node_modules/.package-lock.stamp
SYSTEM_STAMP := var/.system-packages.stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest options for both runs, e.g. `make test PYTEST_ARGS="-x -k booking"`.
PYTEST_ARGS ?=
# Parallel workers for the main run (pytest-xdist); `make test XDIST=0` runs it in one process.
XDIST ?= auto

.PHONY: help run test setup system-packages translations static lint clean

help:
	@echo "make run    install what is missing, migrate, compile translations, seed the demo data, serve on $(HOST):$(PORT)"
	@echo "make test   install what is missing, compile translations, run the tests (parallel run + browser/worker run)"
	@echo "make lint   Django's system checks and the migrations-vs-models check"

# --- setup ---------------------------------------------------------------------------------------------------------
$(PY):
	$(PYTHON) -m venv $(VENV)

$(PIP_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

# Checked every time (cheap: one dpkg-query per package); apt runs only when something is missing.
system-packages:
	@scripts/install-system-packages

# axe-core for the accessibility checks of the browser tests; the tests fail with a clear message without it.
$(NPM_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm is missing: install Node.js 18+ with npm, then run 'npm ci' (the browser tests need axe-core)" >&2; \
	fi

translations: $(PIP_STAMP) system-packages
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=var -v 0

setup: $(PIP_STAMP) system-packages translations
	@$(MAKE) --no-print-directory $(NPM_STAMP)

# With DJANGO_DEBUG on (the default) WhiteNoise serves straight from the app folders; production needs collected files.
static: $(PIP_STAMP)
	@if [[ "$${DJANGO_DEBUG:-1}" =~ ^(0|false|no|off)$$ ]]; then $(PY) manage.py collectstatic --noinput -v 0; fi

# --- the two commands ---------------------------------------------------------------------------------------------
# SQLite (db.sqlite3) and Celery tasks run in-process unless DATABASE_URL / CELERY_BROKER_URL say otherwise.
run: setup static
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# Two pytest runs: the bulk in parallel (each xdist worker has its own test database), then the tests that drive
# Chromium or a real Celery worker in one process (one live server, one worker subprocess, one test database).
# Tests that use the `page`, `live_server` or `celery_worker_process` fixtures are marked automatically
# (bilet/testing/marks.py).
# Both runs always run; `make test` fails if either failed. pytest's exit code 5 ("nothing selected", e.g. with
# PYTEST_ARGS="-k …") is not a failure of one run on its own.
test: setup
	$(PY) manage.py makemigrations --check --dry-run -v 0
	@status=0; \
	$(PY) -m pytest -n $(XDIST) -m "not browser and not celery_worker" $(PYTEST_ARGS) \
		|| { rc=$$?; [ $$rc -eq 5 ] || status=$$rc; }; \
	echo "--- browser and Celery worker tests (one process)"; \
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -p no:xdist -m "browser or celery_worker" $(PYTEST_ARGS) \
		|| { rc=$$?; [ $$rc -eq 5 ] || status=$$rc; }; \
	exit $$status

lint: $(PIP_STAMP)
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules var/static
