# Two commands do all set-up on a fresh clone: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test install browser lint check-deploy bench bench-served wrk clean oidc

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q '.[dev]'
	touch $@

install: $(VENV)/.installed

# Debian's chromium for the Playwright tests (Playwright's own browser download does not work here).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "Could not install chromium: browser tests will be skipped."; \
	  else echo "chromium missing and not root: browser tests will be skipped."; fi; \
	fi

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	@echo "Mail worker and server on http://127.0.0.1:$(PORT) (Ctrl-C stops both)"
	@export DEBUG=1 SITE_URL=http://127.0.0.1:$(PORT); \
	  $(PY) manage.py db_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The real OpenID Connect provider the sign-in tests run (panva's oidc-provider, under node).
tests/oidc/node_modules/.installed: tests/oidc/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "node/npm missing: the sign-in tests with a real provider will be skipped."; fi

oidc: tests/oidc/node_modules/.installed

test: install browser oidc
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

# Queries and server time per page at small (demo) data and at two bulk sizes (1,000 scholars ×
# 100 meetings, 10,000 × 20); builds the data when missing (minutes, the first time).
bench: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	SECRET_KEY=bench-only-$$(head -c 24 /dev/urandom | base64) $(PY) -m tests.perf.bench

# Debian's wrk for bench-served.
wrk:
	@if ! command -v wrk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's wrk..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
	      || { echo "Could not install wrk."; exit 1; }; \
	  else echo "wrk is missing and this is not root: install Debian's wrk package."; exit 1; fi; \
	fi

# Req/s of each page as served (gunicorn, 2 sync workers, PostgreSQL, bulk data) against a bare
# Django view served the same way; DATABASE_URL picks the PostgreSQL database (default
# postgres://postgres@127.0.0.1:5432/mentorprep_served, created if missing).
bench-served: install wrk
	$(PY) -m tests.perf.served

lint: install
	$(VENV)/bin/ruff check .

check-deploy: install
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=mentorprep.example \
	  $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
