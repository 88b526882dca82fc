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

# Zensical, Material's successor, in a venv of its own: the project's pins plus Zensical's.
ZVENV := .venv-zensical
ZSTAMP := $(ZVENV)/.figblog-installed

.PHONY: site serve site-zensical serve-zensical test bench lint figures clean browser lock

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(ZSTAMP): pyproject.toml requirements.lock requirements-zensical.lock
	test -x $(ZVENV)/bin/python || $(PYTHON) -m venv $(ZVENV)
	$(ZVENV)/bin/python -m pip install --quiet --upgrade pip
	$(ZVENV)/bin/python -m pip install --quiet -r requirements.lock -r requirements-zensical.lock
	$(ZVENV)/bin/python -m pip install --quiet --no-deps -e .
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

# ADDR=0.0.0.0:8000 serves on another address (default 127.0.0.1:8000).
ADDR ?= 127.0.0.1:8000
serve: $(STAMP) $(NODE_STAMP)
	$(BIN)/mkdocs serve -a $(ADDR)

# The same site built by Zensical into site-zensical/: figures first (a failing script stops
# here, naming post and line), then the site. Never `zensical build --clean`: it deletes all
# of .cache/, the figure cache too.
site-zensical: $(ZSTAMP) $(NODE_STAMP)
	$(ZVENV)/bin/python -m figblog.adapters.zensical -f zensical.yml
	$(ZVENV)/bin/zensical build -f zensical.yml

serve-zensical: $(ZSTAMP) $(NODE_STAMP)
	$(ZVENV)/bin/python -m figblog.adapters.zensical -f zensical.yml
	$(ZVENV)/bin/zensical serve -f zensical.yml

figures: $(STAMP)
	$(BIN)/figblog build

test: $(STAMP) $(ZSTAMP) $(NODE_STAMP) browser lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests figures benchmarks docs
	$(BIN)/ruff format --check src tests figures benchmarks docs

bench: $(STAMP) $(NODE_STAMP) browser
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf site site-zensical docs/generated .cache node_modules

# Re-pin every dependency after a change to pyproject.toml, from a clean venv.
lock:
	rm -rf /tmp/figblog-lock && $(PYTHON) -m venv /tmp/figblog-lock
	/tmp/figblog-lock/bin/pip install --quiet --upgrade pip
	/tmp/figblog-lock/bin/pip install --quiet -e '.[dev]'
	{ echo "# Every package the project installs, pinned. Regenerate with: make lock"; \
	  /tmp/figblog-lock/bin/pip freeze --exclude-editable | grep -v '^figblog'; } > requirements.lock
