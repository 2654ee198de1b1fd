# newsarchive: two commands for a newcomer, `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INDEX  ?= newsarchive-index
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install lint typecheck check browser-deps bench bench-scale soak clean

# Set up, index the bundled sample archive, serve the search page.
run: install
	$(BIN)/newsarchive index --index $(INDEX) samples/
	$(BIN)/newsarchive serve --index $(INDEX) --host $(HOST) --port $(PORT)

# Set up and run every test (ruff first, then the type checker: style and type errors fail the build too).
test: install browser-deps
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory typecheck
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

# mypy (not pyright): a pip package pinned in the `test` extra like ruff and pytest, so `make install` brings it and it
# needs no Node; its per-module options let search/, web/ and newsarchive/ refuse untyped functions while index/ is
# checked leniently (options: [tool.mypy] in pyproject.toml). The folders install as newsarchive.index, .search, .web
# (setuptools package-dir), which an editable install hides from any checker: mypy reads them through a throwaway tree
# of links, .typecheck/newsarchive/{index,search,web,*.py}, rebuilt on every run, so new and removed files count.
TYPECHECK := .typecheck
typecheck: install
	rm -rf $(TYPECHECK)/newsarchive
	mkdir -p $(TYPECHECK)/newsarchive
	for f in newsarchive/*.py; do ln -s "$(CURDIR)/$$f" $(TYPECHECK)/newsarchive/; done
	for d in index search web; do ln -s "$(CURDIR)/$$d" $(TYPECHECK)/newsarchive/$$d; done
	@# mypy names the files by their links: each is named back as it stands in the repository.
	@$(BIN)/mypy > $(TYPECHECK)/report.txt; status=$$?; \
	  sed -E 's#^$(TYPECHECK)/newsarchive/(index|search|web)/#\1/#; s#^$(TYPECHECK)/newsarchive/#newsarchive/#' $(TYPECHECK)/report.txt; \
	  exit $$status

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
# all), then the web API under load on the index it built, then a 1,000-article Europresse export read beside
# the same articles as JSON lines. Under 20 minutes on 2 cores.
BENCH_INDEX ?= /tmp/newsarchive-bench-index
BENCH_FLAGS ?=
bench: install
	$(BIN)/python bench/bench_search.py --keep-index $(BENCH_INDEX) $(BENCH_FLAGS)
	$(BIN)/python bench/load.py --index $(BENCH_INDEX)
	$(BIN)/python bench/bench_exports.py
	$(BIN)/python bench/bench_workers.py

# 10k to 250k articles against FTS5, and the server's memory at each size (about an hour; not in CI).
bench-scale: install
	$(BIN)/python bench/bench_scale.py $(BENCH_FLAGS)

# Indexing killed at random, 8 clients searching, a check a minute and a backup (20 minutes; not in CI).
SOAK_FLAGS ?=
soak: install
	$(BIN)/python bench/soak.py $(SOAK_FLAGS)

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache test-output $(TYPECHECK)
