# Two commands on a fresh machine: `make lab` opens the course, `make test` runs every test.
# Both create .venv on first use and install the pinned environment (constraints.txt).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
export JUPYTER_PLATFORM_DIRS := 1
# Root (CI, containers) must say so to start Jupyter.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PORT ?= 8888

.PHONY: lab test lint data bench browser-deps hub-deps binder-requirements notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install "pip>=25.1"

# Runtime environment: the package (editable) and its pinned dependencies.
$(VENV)/.runtime: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install -c constraints.txt -e .
	@touch $@

# Test environment: the same plus the `test` dependency group.
$(VENV)/.test: $(VENV)/.runtime
	$(PIP) install -c constraints.txt -e . --group test
	@touch $@

# JupyterLab at the repository root (explorer/, instructor/, lessons/ and the answers folder in the
# file browser) with lesson 0 open. Answers go to my_answers/ beside lessons/ (git-ignored,
# owner-only; the library's own default for a course folder) unless PYONGYANG1963_ANSWERS is set.
ANSWERS ?= $(or $(PYONGYANG1963_ANSWERS),$(CURDIR)/my_answers)
lab: $(VENV)/.runtime
	@mkdir -p "$(ANSWERS)" && chmod 700 "$(ANSWERS)"
	PYONGYANG1963_ANSWERS="$(ANSWERS)" $(BIN)/jupyter lab --port=$(PORT) $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/lessons/00_start_here.ipynb

# Chromium for the browser tests (Debian's package; Playwright cannot download its own here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# JupyterHub's proxy for the hub test (tests/hub): configurable-http-proxy from npm, installed from
# the committed lock file, again only when the lock file is newer than the installed tree.
HUB_NODE := tests/hub/node_modules/.package-lock.json
$(HUB_NODE): tests/hub/package.json tests/hub/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "npm is missing: install Node.js 20 or newer and npm (Debian: apt-get install nodejs npm)"; \
	  exit 1; }
	npm ci --prefix tests/hub --no-audit --no-fund --loglevel=error
	@touch $@

hub-deps: $(HUB_NODE)

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(VENV)/.test browser-deps hub-deps lint
	$(BIN)/python scripts/build_data.py --check
	$(BIN)/pytest

data: $(VENV)/.runtime
	$(BIN)/python scripts/build_data.py

bench: $(VENV)/.test
	$(BIN)/python -m benchmarks

binder-requirements:
	rm -rf /tmp/p63-binder && $(PYTHON) -m venv /tmp/p63-binder
	/tmp/p63-binder/bin/pip install -q "pip>=25.1"
	/tmp/p63-binder/bin/pip install -q -c constraints.txt . voila jupyter-offlinenotebook
	( sed -n '1,4p' binder/requirements.txt; /tmp/p63-binder/bin/pip freeze | grep -v '^pyongyang1963' ) > binder/requirements.txt.new
	mv binder/requirements.txt.new binder/requirements.txt

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache artifacts

# Re-run every lesson and store the outputs of the cells tagged nbval-check-output (kept by
# scripts/strip_outputs.py); all other outputs are stripped.
notebooks: $(VENV)/.test
	for nb in lessons/*.ipynb; do \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace "$$nb" && $(BIN)/python scripts/strip_outputs.py "$$nb" || exit 1; \
	done
