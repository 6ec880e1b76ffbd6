# roadchief: `make demo` plans the bundled demo city, `make test` runs the test suite.
# Both create the virtual environment on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := geodata/cambridge_ma
DEMO_WEEK := 2026-W49
DEMO_OUT := schedules/demo

.PHONY: demo test lint bench chiefs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/roadchief plan \
		--zones $(DEMO)/zones_cdd_neighborhoods.geojson \
		--roads $(DEMO)/streets_centerlines.geojson \
		--chiefs $(DEMO)/chiefs.csv \
		--rules $(DEMO)/rules.toml \
		--week $(DEMO_WEEK) --out $(DEMO_OUT) --time-limit 60
	@echo "Open $(DEMO_OUT)/overview.html in a browser; one map per chief is in $(DEMO_OUT)/chiefs/."

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check roadchief tests bench scripts
	$(BIN)/ruff format --check roadchief tests bench scripts
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/bench_ingest.py

# Regenerate the demo city's made-up chiefs file (seeded: the same file every time).
chiefs: $(STAMP)
	$(BIN)/python scripts/make_chiefs.py --zones $(DEMO)/zones_cdd_neighborhoods.geojson \
		--roads $(DEMO)/streets_centerlines.geojson --rules $(DEMO)/rules.toml \
		--week $(DEMO_WEEK) --seed 7 --out $(DEMO)/chiefs.csv

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache .ruff_cache .mypy_cache
