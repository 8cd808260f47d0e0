# coursekit: `make demo` sets everything up and walks a simulated cohort through
# the course; `make test` checks it all. Both work on a fresh machine with Python 3.11.

PYTHON ?= python3
VENV   := .venv
BIN    := $(abspath $(VENV))/bin
# nbgrader runs `alembic` by subprocess: the venv's bin/ must come first on PATH.
export PATH := $(BIN):$(PATH)
PORT   ?= 8888

.PHONY: venv build release check lint test test-hub test-fast demo lab grade bench clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

build: venv  ## course/ -> source/
	$(BIN)/coursekit build

release: build  ## source/ -> release/ (nbgrader generate_assignment)
	$(BIN)/coursekit release

check: venv  ## fail when source/ or release/ drift from course/, release/ leaks a key, or a quiz is guessable by position
	$(BIN)/coursekit build --check
	$(BIN)/coursekit release --check

lint: venv  ## ruff, and the import contracts of pyproject.toml (docs/architecture.md)
	$(BIN)/ruff check coursekit tests benchmarks deploy
	$(BIN)/lint-imports

AXE := .browser/node_modules/axe-core/axe.min.js

$(AXE):
	npm install --no-audit --no-fund --prefix .browser axe-core@4

LTI_PLATFORM := .lti-platform-venv/.installed

$(LTI_PLATFORM): tests/lti_platform/requirements.txt  ## the LTI 1.3 platform the LMS tests run (its own venv)
	$(PYTHON) -m venv .lti-platform-venv
	.lti-platform-venv/bin/python -m pip install --quiet -r tests/lti_platform/requirements.txt
	cp tests/lti_platform/requirements.txt $@

test: venv lint check $(AXE) $(LTI_PLATFORM)  ## lint, drift/leak checks, unit, integration, nbval, browser (axe-core checks)
	$(BIN)/python -m pytest -m "not hub" --nbval-lax release/ tests/

HUB_PROXY := .hub/node_modules/.bin/configurable-http-proxy

$(HUB_PROXY):
	npm install --no-audit --no-fund --prefix .hub configurable-http-proxy@5

test-hub: venv $(HUB_PROXY)  ## JupyterHub + PostgreSQL + system accounts, for real (root; cleans up after itself)
	$(BIN)/python -m pip install --quiet -e '.[test,hub]'
	$(BIN)/python -m pytest -m hub tests/hub

test-fast: venv  ## unit tests only
	$(BIN)/python -m pytest -m "not slow"

demo: release  ## build, release, simulate a cohort, grade, report, dashboards
	$(BIN)/coursekit demo

lab: venv  ## JupyterLab on a learner copy of release/ (instructor panels hidden)
	$(BIN)/coursekit lab --port $(PORT)

grade: venv  ## trainer mode: JupyterLab with formgrader on the trainer workspace grader/
	$(BIN)/coursekit grade --port $(PORT)

bench: venv $(LTI_PLATFORM)  ## the benchmarks (slow; not part of make test)
	$(BIN)/python benchmarks/cli_startup.py
	$(BIN)/python benchmarks/autograde.py
	$(BIN)/python benchmarks/cohort.py
	$(BIN)/python benchmarks/quiz_submit.py
	$(BIN)/python benchmarks/dashboard.py
	$(BIN)/python benchmarks/item_statistics.py
	$(BIN)/python benchmarks/parsers.py
	$(BIN)/python benchmarks/submission_limits.py
	$(BIN)/python benchmarks/lms_sync.py

clean:
	rm -rf grader/submitted grader/autograded grader/feedback grader/exchange grader/reports \
	       grader/gradebook.db grader/demo artifacts
