# The two commands a newcomer needs: `make run` (demo portal, no external server) and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
USWDS := portal/static/vendor/uswds
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint install assets services-check browser demo-code bench-data bench mutants clean

$(PY):
	@python=$$(scripts/find-python) && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# USWDS is copied out of node_modules so that the portal serves it itself (it must work on a closed network).
$(USWDS)/.copied: node_modules/.package-lock.json
	rm -rf $(USWDS) && mkdir -p $(USWDS)
	cp -r node_modules/@uswds/uswds/dist/css node_modules/@uswds/uswds/dist/js \
	      node_modules/@uswds/uswds/dist/fonts $(USWDS)/
	# The icons the stylesheet and pages use; the 2,000 Material icons are left out.
	mkdir -p $(USWDS)/img && cp -r node_modules/@uswds/uswds/dist/img/*.svg node_modules/@uswds/uswds/dist/img/*.png node_modules/@uswds/uswds/dist/img/*.gif \
	      node_modules/@uswds/uswds/dist/img/usa-icons node_modules/@uswds/uswds/dist/img/usa-icons-bg $(USWDS)/img/
	@touch $@

install: $(STAMP) $(USWDS)/.copied

assets: $(USWDS)/.copied

# The demo's settings and keys; settings added since the file was written are filled in, keys kept.
.PHONY: var/demo.env
var/demo.env: | $(PY)
	@$(PY) scripts/make_demo_env.py $@

# Demo: SQLite and Celery's filesystem broker unless DATABASE_URL / CELERY_BROKER_URL say otherwise.
# Links in the demo's emails point at the address it is served on (PORTAL_BASE_URL, if set, wins).
run: install var/demo.env
	@set -a; source var/demo.env; PORTAL_HOST=$(HOST); PORTAL_PORT=$(PORT); set +a; \
	$(PY) manage.py migrate --no-input && \
	$(PY) manage.py seed_demo && \
	$(PY) manage.py collectstatic --no-input --verbosity 0 && \
	$(PY) manage.py demo_logins && \
	{ $(VENV)/bin/celery -A portal worker -B --pool=solo --loglevel=INFO \
	      --schedule var/celerybeat-schedule & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  echo "Serving the portal on http://$(HOST):$(PORT)/ (Ctrl-C stops it and its worker)"; \
	  $(PY) manage.py runserver --noreload $(HOST):$(PORT); }

# The demo logins' current authenticator code.
demo-code: install var/demo.env
	@set -a; source var/demo.env; set +a; $(PY) manage.py demo_code

# The benchmark's population: a million seekers in their own PostgreSQL database (reused once built).
BENCH_DATABASE_URL ?= postgres://root@127.0.0.1:5432/portal_bench
# A tenth of it beside, for the growth figures (bench/growth.py).
BENCH_GROWTH_DATABASE_URL ?= postgres://root@127.0.0.1:5432/portal_100k_bench
bench-data: install var/demo.env
	@DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/generate.py
	@DATABASE_URL=$(BENCH_GROWTH_DATABASE_URL) $(PY) bench/generate.py --seekers 100000

# The benchmark on that population: prints the figures and writes bench/results/latest.md.
# BENCH_ARGS="--only queries" (or growth, http, sweep) runs a part of it and only prints its figures.
bench: bench-data services-check
	@DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_GROWTH_DATABASE_URL=$(BENCH_GROWTH_DATABASE_URL) $(PY) bench/run.py $(BENCH_ARGS)

# Chromium comes from Debian's packages: browser test tools cannot download their own builds here.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

services-check: $(STAMP)
	@$(PY) scripts/check_services.py

# The lint gate: the linter, the formatter's verdict and the type checker, before any test runs.
# mypy checks where the rules and the writes live: services, querysets, selectors, rules, policies.
MYPY_PATHS := access/services/ dataedits/services/ participants/services.py optout/services.py \
              notifications/services.py intake/services.py reporting/services.py audit/services.py \
              audit/chain.py $(wildcard */querysets.py */selectors.py */policies.py) \
              dataedits/rules.py portal/states.py portal/web.py portal/prepared.py
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy $(MYPY_PATHS)

test: install browser services-check lint
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# Mutation testing of the data-edit rules (slow: not part of `make test`). Run it before changing
# dataedits/rules.py; every survivor is killed by a test or explained in tests/MUTANTS.md.
mutants: install services-check
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children 2
	$(PY) scripts/check_mutants.py

clean:
	rm -rf $(VENV) node_modules $(USWDS) var static_root mutants
