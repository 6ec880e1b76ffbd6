#!/usr/bin/env bash
# The closed loop replayed on a database for the demo city, through the commands:
# init, import, plan the demo week, units, a generated month of cases and their changes,
# a generated week of tracks, the ledger, the overdue list and the assessment.
#   bash scripts/demo_loop.sh [OUT_DIR] [TIME_LIMIT_S]
set -euo pipefail
OUT=${1:-schedules/demo/loop}
LIMIT=${2:-180}
BIN=${BIN:-.venv/bin}
DEMO=geodata/cambridge_ma
WEEK=2026-W49
mkdir -p "$OUT"
DB="sqlite:///$OUT/roadchief.db"
rm -f "$OUT/roadchief.db"
set -x
$BIN/roadchief init --db "$DB"
$BIN/roadchief import --db "$DB" zones $DEMO/zones_cdd_neighborhoods.geojson \
    roads $DEMO/streets_centerlines.geojson chiefs $DEMO/chiefs.csv rules $DEMO/rules.toml
$BIN/roadchief plan --db "$DB" --week $WEEK --out "$OUT/run" --time-limit "$LIMIT"
$BIN/python scripts/make_demo_cases.py --out "$OUT" --first 2026-11-09 --days 28 --n 300
$BIN/roadchief import units --db "$DB" "$OUT/units.csv"
$BIN/roadchief case import --db "$DB" "$OUT/cases.csv"
$BIN/roadchief case apply --db "$DB" "$OUT/transitions.csv"
$BIN/python scripts/make_demo_tracks.py --run "$OUT/run" --out "$OUT"
$BIN/roadchief track import --db "$DB" "$OUT/tracks.geojson"
$BIN/roadchief ledger --db "$DB" --at 2026-12-01 --out "$OUT/ledger"
$BIN/roadchief case list --db "$DB" --at 2026-12-01 --status overdue
$BIN/roadchief kpi --db "$DB" --from 2026-11-30 --to 2026-12-06 --out "$OUT/kpi"
