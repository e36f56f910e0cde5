# alignkg: `make demo` builds the graph and its HTML view; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
TEST_WORKERS ?= auto

.PHONY: demo build view test test-browser lint typecheck check clean bench bench-view bench-infer bench-serve bench-alignment bench-review bench-site js-deps lab

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
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(DEVSTAMP)
	$(BIN)/mypy

test: $(DEVSTAMP) lint typecheck
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS)

# The JavaScript libraries the export tests load exports with (graphology, cytoscape.js), pinned by
# tests/js/package-lock.json; without them those tests skip (and fail under CI=true).
js-deps: tests/js/node_modules/.package-lock.json

tests/js/node_modules/.package-lock.json: tests/js/package.json tests/js/package-lock.json
	cd tests/js && npm ci --no-audit --no-fund

# JupyterLab on the project's own environment and kernel, opened on notebooks/ (see docs/notebooks.md);
# LAB_ARGS passes more options, e.g. make lab LAB_ARGS=--no-browser.
lab: $(VENV)/.installed-notebook
	$(BIN)/python -m ipykernel install --sys-prefix --name alignkg --display-name "Python (alignkg)"
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

$(VENV)/.installed-notebook: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[notebook]'
	touch $(STAMP) $@

test-browser: $(DEVSTAMP)
	$(BIN)/python -m pytest -q -m browser

bench-view: $(DEVSTAMP)
	$(BIN)/python bench/view_bench.py

# Store benchmarks on synthetic graphs (heavy: minutes, several GB of RAM at 5M triples).
# Choose sizes with ALIGNKG_BENCH_SIZES=10k,100k,1m,5m and runs per query with ALIGNKG_BENCH_RUNS.
bench: $(STAMP)
	$(BIN)/python bench/run.py

# Reasoning, SHACL and loader speed (a few minutes): OWL RL inference and SHACL on the shipped data
# and on 100 renamed copies of it, and the time per random input through the loader.
bench-infer: $(STAMP)
	$(BIN)/python bench/infer_bench.py
	$(BIN)/python bench/loader_bench.py

# load benchmark of `alignkg serve` (1,000 queries, 8 clients, shipped and ~1M-triple graphs); run once
bench-serve: $(DEVSTAMP)
	$(BIN)/python bench/load_bench.py

# Alignment analytics (chains, metrics, report) on the shipped data and 140 synthetic enterprises,
# on the rdflib and Oxigraph stores (about a minute).
bench-alignment: $(STAMP)
	$(BIN)/python bench/alignment_bench.py

# Ingest, accept and build times of a first article, and the keys a full review in Chromium takes.
bench-review: $(DEVSTAMP)
	$(BIN)/python bench/review_bench.py

# The static site of 1,000 synthetic enterprises (~710k quads): write, rebuild, search (a few minutes).
bench-site: $(DEVSTAMP)
	$(BIN)/python bench/site_bench.py

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
