# The two commands of the README: `make demo` and `make test`. Each sets up what it
# needs by itself (virtualenv, packages, the embedded database's package, the npm
# tools of the Cypher lint); nothing installed by hand is assumed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_READY := $(VENV)/.installed
LINT_DIR := tools/cypher-lint
NODE_READY := $(LINT_DIR)/node_modules/.installed
# Debian's Chromium, which the picture and /docs tests drive through Playwright's
# Python package (no downloaded browser); IPRGRAPH_CHROMIUM names another one.
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test check pytest bench serve clean chromium

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

# Installed when missing (CI is root on a fresh Debian machine, with no stdin);
# a person who is not root is told what to run instead.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" -ne 0 ]; then \
			echo "The browser tests need Debian's chromium: run 'sudo apt-get install chromium' (or set CHROMIUM to a Chromium binary)"; exit 1; \
		fi; \
		echo "Installing Debian's chromium for the browser tests"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium </dev/null >/dev/null || exit 1; \
	fi

pytest: $(PY_READY) $(NODE_READY) chromium
	@IPRGRAPH_CHROMIUM=$(CHROMIUM) $(BIN)/pytest; status=$$?; \
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
