#!/usr/bin/env bash
# The demo city through a deployment's whole workflow, as `make demo` runs it: a database,
# the input files imported, the demo week planned (its run folder written), then the closed
# loop: a generated month of cases and their changes, a generated week of patrol tracks, the
# ledger, the overdue list and the assessment; then the next week planned from the database,
# so that the cases waiting for their recheck, the hotspots and the missed patrols are in it.
#   bash scripts/demo.sh [RUN_DIR] [TIME_LIMIT_S]
# Writes RUN_DIR (the week's run folder), RUN_DIR.db (the database), RUN_DIR/loop/ and
# RUN_DIR/next/ (the next week's run folder).
# The cases and tracks are generated (seeded), not real: see the README, "Demo data".
set -euo pipefail
RUN=${1:-schedules/demo}
LIMIT=${2:-180}
BIN=${BIN:-.venv/bin}
DEMO=geodata/cambridge_ma
WEEK=2026-W49
NEXT=2026-W50
LOOP="$RUN/loop"
DB="sqlite:///$RUN.db"
mkdir -p "$(dirname "$RUN")"
rm -f "$RUN.db"
step() { echo; echo "== $*"; }
step "database and inputs"
$BIN/roadchief init --db "$DB"
$BIN/roadchief import --db "$DB" zones $DEMO/zones_cdd_neighborhoods.geojson \
    roads $DEMO/streets_centerlines.geojson chiefs $DEMO/chiefs.csv rules $DEMO/rules.toml
step "plan $WEEK"
$BIN/roadchief plan --db "$DB" --week $WEEK --out "$RUN" --time-limit "$LIMIT"
step "the closed loop: a generated month of cases, their units and changes"
mkdir -p "$LOOP"
$BIN/python scripts/make_demo_cases.py --out "$LOOP" --first 2026-11-09 --days 28 --n 300
$BIN/roadchief import units --db "$DB" "$LOOP/units.csv"
$BIN/roadchief case import --db "$DB" "$LOOP/cases.csv"
$BIN/roadchief case apply --db "$DB" "$LOOP/transitions.csv"
step "a generated week of patrol tracks, matched to the plan"
$BIN/python scripts/make_demo_tracks.py --run "$RUN" --out "$LOOP"
$BIN/roadchief track import --db "$DB" "$LOOP/tracks.geojson"
step "ledger, overdue list and assessment"
$BIN/roadchief ledger --db "$DB" --at 2026-12-01 --out "$LOOP/ledger"
$BIN/roadchief case list --db "$DB" --at 2026-12-01 --status overdue
$BIN/roadchief kpi --db "$DB" --from 2026-11-30 --to 2026-12-06 --out "$LOOP/kpi"
step "$NEXT planned from the database: rechecks, hotspots and last week's missed patrols"
$BIN/roadchief plan --db "$DB" --week $NEXT --out "$RUN/next" --time-limit "$LIMIT"
$BIN/python - "$RUN/next/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))
loop = s["inputs"].get("loop", {})
print(f"closed loop in {s['week']}: rechecks required {s['rechecks_required']}, planned "
      f"{s['rechecks_planned']}; hotspot segments {s['hotspot_segments']} with "
      f"{s['hotspot_extra_patrols']} extra patrols; last week's patrols missed "
      f"{len(s['inputs'].get('previous_missed', []))}; segments with frontage duty holders "
      f"{len(loop.get('frontage', {}))}")
PY
