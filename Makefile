# tinstream: `make demo` runs the pipeline on the samples; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# The test suite runs its own stack (own ports and directory), so it never stops
# a stack started for the demo or by hand.
TEST_ENV := TINSTREAM_STACK_DIR=.stack/test \
	TINSTREAM_STACK_KAFKA_PORT=29092 TINSTREAM_STACK_KAFKA_CONTROLLER_PORT=29093 \
	TINSTREAM_STACK_ES_PORT=29200 TINSTREAM_STACK_ES_TRANSPORT_PORT=29300 \
	TINSTREAM_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:29092 TINSTREAM_ES_URL=http://127.0.0.1:29200

# Every step of `make test` and `make chaos` runs under an overall deadline that
# stops what hung, names it (the test that was running) and fails.
DEADLINE := $(BIN)/python -m tests.deadline
PROGRESS := TINSTREAM_TEST_PROGRESS=$(CURDIR)/.stack/test-progress
STACK_UP_S ?= 900
PYTEST_S ?= 1500
STACK_DOWN_S ?= 180

.PHONY: install browser demo test unit integration chaos lint stack-up stack-down clean screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium, which the page's browser tests (tests/integration/test_page.py) and
# `make screenshots` drive through Playwright; installed only when missing.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@test -x $(CHROMIUM) || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }
	@test -x $(CHROMIUM) || { echo "no Chromium at $(CHROMIUM)"; exit 1; }

demo: install
	$(BIN)/tinstream stack up
	$(BIN)/tinstream demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

unit: install
	$(BIN)/pytest tests/unit

# Starts the test stack, runs lint and the whole suite, and always stops the stack.
test: install browser
	@status=0; mkdir -p .stack; \
	$(MAKE) --no-print-directory lint || status=$$?; \
	if [ $$status -eq 0 ]; then \
		$(TEST_ENV) $(DEADLINE) --seconds $(STACK_UP_S) --name "tinstream stack up" -- \
			$(BIN)/tinstream stack up || status=$$?; \
	fi; \
	if [ $$status -eq 0 ]; then \
		$(TEST_ENV) $(PROGRESS) $(DEADLINE) --seconds $(PYTEST_S) --name pytest -- \
			$(BIN)/pytest tests -m "not chaos_only" || status=$$?; \
	fi; \
	$(TEST_ENV) $(DEADLINE) --seconds $(STACK_DOWN_S) --name "tinstream stack down" -- \
		$(BIN)/tinstream stack down; \
	exit $$status

# The reliability scenarios alone (also part of `make test`), on the test stack.
chaos: install
	@status=0; mkdir -p .stack; \
	$(TEST_ENV) $(DEADLINE) --seconds $(STACK_UP_S) --name "tinstream stack up" -- \
		$(BIN)/tinstream stack up || status=$$?; \
	if [ $$status -eq 0 ]; then \
		$(TEST_ENV) $(PROGRESS) $(DEADLINE) --seconds $(PYTEST_S) --name pytest -- \
			$(BIN)/pytest tests/reliability || status=$$?; \
	fi; \
	$(TEST_ENV) $(DEADLINE) --seconds $(STACK_DOWN_S) --name "tinstream stack down" -- \
		$(BIN)/tinstream stack down; \
	exit $$status

stack-up: install
	$(BIN)/tinstream stack up

stack-down: install
	$(BIN)/tinstream stack down

# The README's screenshots of a worker's pages (docs/screenshots/); `make demo` first.
screenshots: install browser
	$(BIN)/python -m bench.screenshots

clean:
	-$(BIN)/tinstream stack down
	rm -rf .stack $(VENV)
