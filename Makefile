# The two commands of the README: `make demo` and `make test`. Each sets up what it
# needs by itself (virtualenv, packages, the embedded database's package, the npm
# tools of the Cypher lint); nothing installed by hand is assumed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_READY := $(VENV)/.installed
LINT_DIR := tools/cypher-lint
NODE_READY := $(LINT_DIR)/node_modules/.installed

.PHONY: demo test check pytest bench serve clean

$(PY_READY): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "iprgraph needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

$(NODE_READY): $(LINT_DIR)/package.json $(LINT_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for Neo4j's Cypher linter (install Node.js 20 or newer)"; exit 1; }
	npm ci --prefix $(LINT_DIR) --no-audit --no-fund --loglevel=error
	@touch $@

# The main job on the embedded default.
demo: $(PY_READY)
	$(BIN)/iprgraph demo

# The whole gate: lint, format, types, then every test (pytest's exit 5, "no tests
# ran", fails like any other non-zero status).
test: check pytest

check: $(PY_READY)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

pytest: $(PY_READY) $(NODE_READY)
	@$(BIN)/pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure here"; fi; \
	exit $$status

serve: $(PY_READY)
	$(BIN)/iprgraph serve

# Measurements, not part of CI: writes bench/results/latest.json and prints a table.
bench: $(PY_READY)
	$(BIN)/python -m bench

clean:
	-$(BIN)/iprgraph db stop
	rm -rf $(VENV) $(LINT_DIR)/node_modules .mypy_cache .ruff_cache .pytest_cache
