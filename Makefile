# The two commands a newcomer needs: `make run` and `make test`. Everything else is set-up.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
WITH_SERVICES := $(PY) scripts/embedded_services.py --

.PHONY: help install run test lint check-python system-packages messages bench

help:
	@echo "make run   - install, migrate, load the demo and serve http://127.0.0.1:8000 with a worker and beat"
	@echo "make test  - install and run the whole suite: lint, migrations check, tests"

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: Python 3.11 or newer is needed (set PYTHON=...).")'
	@if [ -z "$${DATABASE_URL:-}" ]; then $(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info < (3, 13) else "error: the embedded PostgreSQL (pgserver) supports Python 3.11 and 3.12 only. Set DATABASE_URL to a PostgreSQL server, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal, or use PYTHON=python3.12.")'; fi

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"
	@touch $@

install: check-python $(VENV)/.synced

run: install
	$(PY) scripts/run.py

system-packages:
	@bash scripts/system_packages.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install system-packages lint
	DJANGO_SETTINGS_MODULE=portal.settings.test $(WITH_SERVICES) $(PY) manage.py makemigrations --check --dry-run
	@status=0; $(WITH_SERVICES) $(PY) -m pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

# The performance benchmark (bench/README.md): scale data, gunicorn + wrk, jobs; writes
# bench/results/<date>.json. BENCH_DURATION=10 (s per page), BENCH_SIZES="--scale 0.01".
bench: install
	$(PY) bench/run.py

# Regenerate the Dutch and English message catalogues and compile them (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages -l nl -l en --ignore=.venv --ignore=.tools --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv --ignore=.tools --ignore=var
