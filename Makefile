# newsarchive: two commands for a newcomer, `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INDEX  ?= newsarchive-index
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install lint check browser-deps bench bench-scale soak clean

# Set up, index the bundled sample archive, serve the search page.
run: install
	$(BIN)/newsarchive index --index $(INDEX) samples/
	$(BIN)/newsarchive serve --index $(INDEX) --host $(HOST) --port $(PORT)

# Set up and run every test (ruff first: style errors fail the build too).
test: install browser-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# A virtualenv with the project, its pinned dependencies and the spaCy model (from PyPI).
install: $(BIN)/newsarchive

$(BIN)/newsarchive: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

lint: install
	$(BIN)/ruff check .

# Debian's Chromium for the browser tests (installed when missing and we may: root in CI).
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is not installed: browser tests will be skipped (sudo apt-get install chromium)"; \
	  fi; \
	fi

# Speed and relevance against SQLite FTS5 (first 10,000 OrangeSum articles; BENCH_FLAGS="--limit 0" for
# all), then the web API under load on the index it built. Under 20 minutes on 2 cores.
BENCH_INDEX ?= /tmp/newsarchive-bench-index
BENCH_FLAGS ?=
bench: install
	$(BIN)/python bench/bench_search.py --keep-index $(BENCH_INDEX) $(BENCH_FLAGS)
	$(BIN)/python bench/load.py --index $(BENCH_INDEX)

# 10k to 250k articles against FTS5, and the server's memory at each size (about an hour; not in CI).
bench-scale: install
	$(BIN)/python bench/bench_scale.py $(BENCH_FLAGS)

# Indexing killed at random, 8 clients searching, a check a minute and a backup (20 minutes; not in CI).
SOAK_FLAGS ?=
soak: install
	$(BIN)/python bench/soak.py $(SOAK_FLAGS)

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache test-output
