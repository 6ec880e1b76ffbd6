# roadchief: `make demo` plans the bundled demo city, `make test` runs the test suite.
# Both create the virtual environment on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := geodata/cambridge_ma
DEMO_WEEK := 2026-W49
DEMO_OUT := schedules/demo

CHROMIUM ?= /usr/bin/chromium

.PHONY: demo web-demo test test-fast lint bench bench-web bench-scale chiefs clean browser-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	bash scripts/demo.sh $(DEMO_OUT) 180
	@echo "Open $(DEMO_OUT)/overview.html in a browser; one page per person is in $(DEMO_OUT)/chiefs/;"
	@echo "the closed loop (ledger, assessment) is in $(DEMO_OUT)/loop/, the next week planned with its"
	@echo "rechecks and hotspots in $(DEMO_OUT)/next/; the database is $(DEMO_OUT).db."

# Serve the demo city in the web app on http://127.0.0.1:8000 (first run: import, plan,
# accounts printed once), in schedules/web-demo/.
web-demo: $(STAMP)
	$(BIN)/python scripts/web_demo.py

# The database tests run on SQLite and on a throwaway PostgreSQL + PostGIS server that
# .ci/with-postgres starts on 127.0.0.1:54329 (installing it as root when missing) and stops.
test: $(STAMP) browser-deps
	bash .ci/with-postgres $(BIN)/pytest

# The quick loop while working: every test but the long end-to-end ones marked slow (the
# demo city, Shanghai runs, the database demo, the browser); make test runs them all.
test-fast: $(STAMP)
	bash .ci/with-postgres $(BIN)/pytest -m "not slow"

# The browser tests drive Debian's Chromium with Playwright and need a CJK font for
# screenshots. Installed here when missing (as root, as CI runs); otherwise say how.
browser-deps:
	@if [ -x "$(CHROMIUM)" ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium and fonts for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends chromium fonts-noto-cjk fonts-liberation </dev/null; \
	else \
		echo "browser tests will be skipped: install chromium fonts-noto-cjk (as root)"; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check roadchief tests bench scripts
	$(BIN)/ruff format --check roadchief tests bench scripts
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/bench_maps.py
	bash .ci/with-postgres $(BIN)/python bench/bench_db.py
	bash .ci/with-postgres $(BIN)/python bench/bench_loop.py

# Load test of the web app: 200 users for 60 s on PostgreSQL, loopback (locust: bench extra).
bench-web: $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[bench]'
	bash .ci/with-postgres $(BIN)/python bench/bench_web.py

# Plan the demo city tiled 1x, 4x, 10x, 40x (inputs cached in bench/out/scale/); long.
bench-scale: $(STAMP)
	$(BIN)/python bench/bench_scale.py

# Regenerate the demo city's made-up chiefs file (seeded: the same file every time).
chiefs: $(STAMP)
	$(BIN)/python scripts/make_chiefs.py --zones $(DEMO)/zones_cdd_neighborhoods.geojson \
		--roads $(DEMO)/streets_centerlines.geojson --rules $(DEMO)/rules.toml \
		--week $(DEMO_WEEK) --seed 7 --out $(DEMO)/chiefs.csv

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache .ruff_cache .mypy_cache
