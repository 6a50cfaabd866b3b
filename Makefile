# Park Ledger — every target sets up what it needs (idempotently) and then runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PYTEST_ARGS ?=
# NOTE: CI has 2 cores; loadfile keeps a file (and its module-scoped chain fixtures) on one
# worker so no deploy is repeated per worker. PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2

.PHONY: setup browser run test lint lint-python format gas gas-check bench fuzz mutate clean help wrk

help:
	@echo "make run    - set up, then serve Park Ledger on a durable local chain"
	@echo "make test   - set up, then ruff, mypy and the whole test suite"
	@echo "make lint   - ruff (lint + format check), mypy and Slither"
	@echo "make gas    - regenerate bench/gas-snapshot.json;  make gas-check - fail if stale"
	@echo "make bench  - run the benchmarks (writes bench/RESULTS.md)"
	@echo "make fuzz   - the deep profiles: invariant state machine, fault scenarios, API fuzzing,"
	@echo "              then mutation testing (slow)"
	@echo "make mutate - mutation testing of the contracts (tests/mutants/catalogue.toml);"
	@echo "              MUTANTS='R1 A2' runs some, MUTATE_ARGS='--check' only checks the catalogue"

setup: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): pyproject.toml
	@$(PYTHON) scripts/check_python.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v node >/dev/null || { echo "Node.js 20 is required (https://nodejs.org)"; exit 1; }
	@command -v npm >/dev/null || { echo "npm is required (it ships with Node.js)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's Chromium for the dashboard's end-to-end tests (tests/e2e); a no-op once installed.
browser:
	@scripts/install_browser.sh

# Debian's wrk, the load generator of the reads benchmark (bench/reads.py); a no-op once installed.
wrk:
	@scripts/apt_install.sh /usr/bin/wrk "The reads benchmark" wrk

run: setup
	$(BIN)/park-ledger serve

# NOTE: CI runs exactly `make test`, so the Python lint gate runs here too; pytest's exit code 5
# (no test collected) is non-zero, so an empty run can never pass.
test: setup browser wrk lint-python
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint-python: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

lint: lint-python
	scripts/slither.sh

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

gas: setup
	$(BIN)/python -m bench.gas --out bench/gas-snapshot.json

gas-check: setup
	$(BIN)/python -m bench.gas --check bench/gas-snapshot.json

fuzz: setup
	PARK_LEDGER_FUZZ=deep $(BIN)/python -m pytest tests/security/test_invariants.py tests/faults tests/api/test_openapi_fuzz.py -q
	$(MAKE) mutate

# Each mutant of tests/mutants/catalogue.toml in turn: apply, compile, run its tests with -x,
# restore; fails if a non-equivalent mutant survives or an entry is stale (docs/security.md).
MUTANTS ?=
MUTATE_ARGS ?=
mutate: setup
	$(BIN)/python scripts/mutate.py $(if $(MUTANTS),--only $(MUTANTS)) $(MUTATE_ARGS)

bench: setup gas wrk
	$(BIN)/python -m bench.run

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
