# Two commands on a fresh machine: `make run` and `make test`. Everything else is set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
FLASK  := $(BIN)/flask --app shop
CHROMIUM ?= /usr/bin/chromium
SANDBOX_URL ?= http://127.0.0.1:5001
# The PostgreSQL of these machines: 127.0.0.1:5432, trust auth. Each test-postgres run
# creates a database of its own there and drops it at the end (tests/conftest.py); the
# database named here is only connected to, for CREATE and DROP DATABASE.
POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

# The translations: edited in the .po (committed), compiled to the .mo (git-ignored) here.
CATALOGS := translations
PO := $(wildcard $(CATALOGS)/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

# The shop's RBS flow tests, run again against the sandbox's other dialect (rbs.md 8.1): the
# whole suite speaks the default (sber: string errorCode); these prove bpc's numbers work too.
RBS_FLOW_TESTS := tests/test_checkout_flow.py tests/test_back_office_operations.py \
  tests/test_rbs_callbacks.py tests/test_double_payment.py tests/test_reconcile.py \
  tests/test_ledger.py tests/test_parallel_operations.py tests/test_races.py

.PHONY: run serve test test-dialect test-postgres bench lint db install translations browser \
  messages clean gateway-check screenshots

run: db  ## shop + embedded sandbox on http://127.0.0.1:5000 (dev server, threaded)
	$(FLASK) run --host 127.0.0.1 --port 5000 --with-threads

serve: db  ## production-shaped: the sandbox alone on :5001 (a remote gateway), the shop on :5000
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/gunicorn -c python:shop.sandbox.gunicorn_conf & \
	SANDBOX_URL=$(SANDBOX_URL) $(BIN)/gunicorn -c gunicorn.conf.py

test: install browser  ## lint, then the whole suite (unit, live HTTP, browser)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	CHROMIUM_PATH=$(CHROMIUM) $(BIN)/pytest
	$(MAKE) --no-print-directory test-dialect

test-dialect: install  ## the RBS flow tests again, the sandbox speaking bpc (numeric errorCode)
	SANDBOX_RBS_DIALECT=bpc $(BIN)/pytest -q $(RBS_FLOW_TESTS) -k "not payneteasy"

test-postgres: install browser  ## the whole suite again, on a PostgreSQL database of its own
	@$(BIN)/python -c "import psycopg, sys; psycopg.connect(sys.argv[1]).close()" \
	  "$(subst +psycopg,,$(POSTGRES_URL))" || \
	  { echo "PostgreSQL is not reachable at $(POSTGRES_URL)"; exit 1; }
	TEST_DATABASE_URL=$(POSTGRES_URL) CHROMIUM_PATH=$(CHROMIUM) $(BIN)/pytest

bench: install  ## `make serve`'s and `make run`'s servers under load, figures beside targets; asserts nothing
	@command -v wrk >/dev/null || { \
	  echo "installing Debian's wrk for the benchmark"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(BIN)/python -m tests.bench

gateway-check: install  ## the configured gateways checked (the embedded sandbox by default); ARGS="--pay --json r.json"
	$(FLASK) gateway-check $(ARGS)

screenshots: install browser  ## the workshop's pictures, docs/img/<lang>/*.png, taken in chromium (docs/workshop.md)
	CHROMIUM_PATH=$(CHROMIUM) $(BIN)/python -m tests.screenshots

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

db: install  ## create the tables and seed the demo catalog (idempotent)
	$(FLASK) init-db

install: $(STAMP) translations

translations: $(MO)  ## compile the .po catalogs (make install, run, serve and test do it)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# Playwright drives Debian's chromium (its own browser download cannot work offline).
browser:
	@test -x $(CHROMIUM) || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

messages: install  ## extract every translatable string (shop and sandbox), update each .po
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -c TRANSLATORS: --no-location --sort-output \
	  --no-wrap -o messages.pot .
	$(BIN)/pybabel -q update -i messages.pot -d $(CATALOGS) --ignore-obsolete --no-wrap
	@echo "now translate the new msgids (empty or fuzzy) in $(CATALOGS)/*/LC_MESSAGES/messages.po"

clean:
	rm -rf $(VENV) instance/*.sqlite3 .pytest_cache .ruff_cache $(MO)
