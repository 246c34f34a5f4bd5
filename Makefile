# Two commands on a fresh machine: `make demo` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip --disable-pip-version-check --no-input
# torch first and pinned: the CPU build on this machine's disk. An unpinned torch
# (asked for by sentence-transformers) would resolve to a multi-GB CUDA build.
TORCH  := torch==2.13.0

.PHONY: demo test bench schema lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q "$(TORCH)"
	$(PIP) install -q -e .
	# Importing bertopic once compiles pynndescent's numba functions into their
	# on-disk cache (~15 s), so the first build does not pay for it.
	$(BIN)/python -c "import bertopic"
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -q -e ".[test,ray]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/personas build corpora/demo-shop -o personas-out
	@echo "Open the report: $(CURDIR)/personas-out/index.html"

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

# Every benchmark, then benchmarks/RESULTS.md (< 30 min on 2 cores); BENCH_FULL=1 for full sizes.
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run_all.py

# mypy checks src/ against the same installed packages the tests run with (ray included:
# engine/ray.py is typed against it), so lint needs the test install, not only the base one.
$(VENV)/.installed-lint: pyproject.toml $(VENV)/.installed-test
	$(PIP) install -q -e ".[lint]"
	touch $@

lint: $(VENV)/.installed-lint
	$(BIN)/ruff check src tests benchmarks corpora
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

schema: $(VENV)/.installed
	$(BIN)/python -m personas.synthesize.document > src/personas/schema/personas.schema.json

corpus:
	$(PYTHON) corpora/make_demo_shop.py

clean:
	rm -rf $(VENV) personas-out .pytest_cache .mypy_cache
