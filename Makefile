# The two commands of the README: `make run` and `make test`. Everything they need is prepared here.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
# The port `make run` serves; exported, so that the default SITE_URL (links in e-mails, QR codes) follows it.
export PORT ?= 8000
# Local work runs in debug mode (a development secret key and seal); production sets DEBUG=0 and secrets.
export DEBUG ?= 1
VAR_DIR ?= var

.PHONY: setup env local-env run test lint format messages tools clean

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

## env: the virtual environment with the locked dependencies, and the compiled translations
env: $(VENV)/.synced messages

messages: $(VENV)/.synced
	@if ! command -v msgfmt >/dev/null; then echo "msgfmt not found: using the committed .mo catalogues"; \
	elif [ -d locale ]; then $(PY) manage.py compilemessages --ignore=.venv --ignore=var --verbosity=0; fi

## local-env: $(VAR_DIR)/local.env, the mode this checkout was set up in, for `manage.py` run by hand later
## (operators' commands as the README writes them); variables in the environment win (config/local_env.py)
local-env:
	@mkdir -p $(VAR_DIR)
	@printf '%s\n' '# Written by `make setup`; `manage.py` reads it, variables in the environment win.' \
		'DEBUG=$(DEBUG)' > $(VAR_DIR)/local.env

## setup: the environment, the database (embedded when DATABASE_URL is unset), migrations, demo data
setup: env local-env
	$(PY) manage.py migrate --noinput --verbosity=0
	$(PY) manage.py collectstatic --noinput --verbosity=0
	$(PY) manage.py seed_demo

## run: serve the platform on http://127.0.0.1:$(PORT)
run: setup
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## tools: Debian's Chromium for the page tests and poppler (pdfsig, pdftotext) for the PDF tests,
## installed when missing and we may; else the tests that need them skip outside CI
tools:
	@if { ! command -v chromium || ! command -v pdfsig; } >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium and poppler-utils for the tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium poppler-utils >/dev/null; \
	fi

## test: the whole suite against a real PostgreSQL
test: setup tools
	$(PY) -m pytest $(PYTEST_ARGS)

## lint: ruff, and the import contracts of pyproject.toml (the layers of docs/architecture.md)
lint: env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: env
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var
