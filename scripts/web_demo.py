"""Serve the demo city in the web app: ``make web-demo``.

The first time, it makes ``schedules/web-demo/roadchief.db`` (SQLite): imports the demo
city, plans 2026-W49 and adds accounts: ``planner`` and a 二级路长 ``supervisor`` (their
passwords printed once) and three chiefs (their one-time login links printed). Then it
serves the app on http://127.0.0.1:8000 until Ctrl-C. Later runs only serve; new links
come from ``roadchief user link CHIEF_ID --db schedules/web-demo/roadchief.db``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "geodata" / "cambridge_ma"
BIN = Path(sys.executable).parent


def roadchief(*args: str | Path, stdin: str | None = None) -> str:
    done = subprocess.run(
        [str(BIN / "roadchief"), *map(str, args)], input=stdin, text=True,
        stdout=subprocess.PIPE, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"roadchief {args[0]} failed")
    return done.stdout


def first_time(db: str, data: Path, base_url: str) -> None:
    where = ["--db", db]
    roadchief("init", *where)
    roadchief("import", *where, "zones", DEMO / "zones_cdd_neighborhoods.geojson", "roads",
              DEMO / "streets_centerlines.geojson", "chiefs", DEMO / "chiefs.csv", "rules",
              DEMO / "rules.toml")  # fmt: skip
    roadchief("plan", *where, "--week", "2026-W49", "--time-limit", "60",
              "--out", data / "first-plan")  # fmt: skip
    opts = [*where, "--data", data, "--base-url", base_url]
    print("\naccounts of the demo (shown once):")
    for name, role, chief in (("planner", "planner", None), ("supervisor", "supervisor", "C0005")):
        password = secrets.token_urlsafe(9)
        extra = ["--chief", chief] if chief else []
        roadchief("user", "add", name, "--role", role, *extra, *opts, stdin=password + "\n")
        print(f"  {name}: password {password}")
    for chief in ("C0006", "C0008", "C0009"):  # people of the 二级路长 C0005
        link = roadchief("user", "add", f"chief-{chief}", "--role", "chief", "--chief", chief,
                         *opts).strip().splitlines()[-1]  # fmt: skip
        print(f"  chief {chief}: {link}")


def main() -> int:
    parser = argparse.ArgumentParser(description="Serve the demo city in the web app.")
    parser.add_argument("--folder", type=Path, default=ROOT / "schedules" / "web-demo")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    folder = args.folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    db, data = f"sqlite:///{folder / 'roadchief.db'}", folder / "web"
    base_url = f"http://127.0.0.1:{args.port}"
    if not (folder / "roadchief.db").exists():
        first_time(db, data, base_url)
    print(f"\nserving the demo on {base_url} (Ctrl-C stops it)", flush=True)
    os.execv(BIN / "roadchief", [str(BIN / "roadchief"), "serve", "--db", db, "--data",
                                 str(data), "--port", str(args.port)])  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
