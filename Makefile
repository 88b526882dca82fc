# Two commands on a fresh machine: `make site` builds the site, `make test` runs the tests.
# Each target creates .venv and installs the project into it when it is missing or stale.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.figblog-installed
# Files the site ships from npm packages (the math font), pinned in package-lock.json.
NODE_STAMP := node_modules/.package-lock.json
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test bench lint figures clean browser lock

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm; }
	npm ci --no-audit --no-fund --silent
	touch $@

# Debian's chromium for the browser tests (Playwright cannot download its own here).
browser:
	@test -x /usr/bin/chromium || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

site: $(STAMP) $(NODE_STAMP)
	$(BIN)/mkdocs build --strict

serve: $(STAMP) $(NODE_STAMP)
	$(BIN)/mkdocs serve

figures: $(STAMP)
	$(BIN)/figblog build

test: $(STAMP) $(NODE_STAMP) browser lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests figures benchmarks docs
	$(BIN)/ruff format --check src tests figures benchmarks docs

bench: $(STAMP) $(NODE_STAMP) browser
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf site .cache node_modules

# Re-pin every dependency after a change to pyproject.toml, from a clean venv.
lock:
	rm -rf /tmp/figblog-lock && $(PYTHON) -m venv /tmp/figblog-lock
	/tmp/figblog-lock/bin/pip install --quiet --upgrade pip
	/tmp/figblog-lock/bin/pip install --quiet -e '.[dev]'
	{ echo "# Every package the project installs, pinned. Regenerate with: make lock"; \
	  /tmp/figblog-lock/bin/pip freeze --exclude-editable | grep -v '^figblog'; } > requirements.lock
