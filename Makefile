# Dunwell: `make run` starts the demo, `make test` runs every test suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Test workers: pytest-xdist processes; 0 runs in one process.
WORKERS ?= auto

.PHONY: run test install install-test demo lint typecheck messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# The demo: SQLite database under var/, demo company with generated data, web server.
# A background worker (imports uploaded on the web page, the morning ladder run) runs beside
# the web server and stops with it.
run: install
	DUNWELL_DEBUG=1 $(BIN)/dunwell migrate --no-input
	DUNWELL_DEBUG=1 DUNWELL_HOST=$(HOST) DUNWELL_PORT=$(PORT) $(BIN)/dunwell demo
	@DUNWELL_DEBUG=1 $(BIN)/dunwell worker > var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	echo "Background worker started (log: var/worker.log)"; \
	DUNWELL_DEBUG=1 $(BIN)/dunwell runserver --noreload $(HOST):$(PORT)

# The whole suite on SQLite; and again on PostgreSQL when DATABASE_URL is set (.ci/run sets it).
test: install-test
	DATABASE_URL= $(BIN)/pytest -n $(WORKERS) -p no:cacheprovider
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL"; \
		DATABASE_URL="$$TEST_DATABASE_URL" DUNWELL_TEST_REPLICA_URL="$$TEST_REPLICA_URL" \
			$(BIN)/pytest -n $(WORKERS) -p no:cacheprovider; \
	fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy dunwell

messages: install
	cd dunwell && ../$(BIN)/dunwell compilemessages

clean:
	rm -rf $(VENV) var
