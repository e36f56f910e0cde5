# alignkg: `make demo` builds the graph and its HTML view; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: demo build view test test-browser bench-view bench lint typecheck check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

demo: $(STAMP)
	$(BIN)/alignkg build
	$(BIN)/alignkg view --title "Baogang Group and the national directives it follows"
	@echo
	@echo "Graph files:  $(CURDIR)/build/alignkg.trig (also .ttl, .jsonld, .nq)"
	@echo "HTML view:    $(CURDIR)/build/alignkg.html"

build: $(STAMP)
	$(BIN)/alignkg build

view: $(STAMP)
	$(BIN)/alignkg view --title "Baogang Group and the national directives it follows"

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(DEVSTAMP)
	$(BIN)/mypy

test: $(DEVSTAMP) lint typecheck
	$(BIN)/python -m pytest -q

test-browser: $(DEVSTAMP)
	$(BIN)/python -m pytest -q -m browser

bench-view: $(DEVSTAMP)
	$(BIN)/python bench/view_bench.py

# Speed figures, run by hand (not part of `make test`): inference and SHACL on the shipped data
# and on 100 renamed copies of it, the time per random input through the loader, and the alignment
# analytics on synthetic graphs.
bench: $(STAMP)
	$(BIN)/python bench/infer_bench.py
	$(BIN)/python bench/loader_bench.py
	$(BIN)/python bench/alignment_bench.py

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
