"""Generate a plausible, seeded chiefs file for a city whose people we do not have.

Chiefs are people, so demo and benchmark cities need a made-up chiefs file. Per zone it
makes one 二级路长 (l2), enough 路段长 (segment) to own about ``--km-per-chief`` km of
road each, and one patroller per ``--km-per-patroller`` km; for the city, one 总路长
(general) and a few 一级路长 (l1). Some people have day-job weekdays off, some take leave
in the planned week. The same seed gives the same file.

``--staffing F`` keeps a share F of that full roster (1.0, 0.5, 0.25, 0.1 in the cities
bench): every zone keeps its 二级路长 (a post, not a head count) and the first
``max(1, round(F * n))`` of its n 路段长 and ``round(F * n)`` of its patrollers, so a
smaller roster is a subset of the full one (the same people, fewer of them) and the full
roster is the same file at any staffing's seed. Any city the ingest reads works (GeoJSON,
Shapefile, GeoPackage, OpenStreetMap); ``--crs`` and the rules' field names as in
``roadchief plan``.

Usage::

    python scripts/make_chiefs.py --zones Z --roads R [--rules city.toml] \
        [--week 2026-W49] [--seed 7] [--staffing 1.0] --out chiefs.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from roadchief.config import load_rules
from roadchief.domain import WEEKDAYS, Week
from roadchief.geo.prepare import prepare_city

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力斌宇浩凯鹏飞林晨欣怡思雨佳琪子涵梓轩博文志远海燕春梅国庆立新卫东"
HEADER = [
    "chief_id",
    "name",
    "zone_id",
    "level",
    "max_patrols_per_week",
    "unavailable",
    "phone",
    "supervisor_id",
    "unit",
]
UNITS = [
    "街道办事处",
    "城管执法中队",
    "市容环境卫生所",
    "社区居委会",
    "交警中队",
    "市场监管所",
    "住建局",
    "文明办",
]


def make_name(rng: random.Random, used: set[str]) -> str:
    """A Chinese name not used yet in this file."""
    while True:
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        name = rng.choice(SURNAMES) + given
        if name not in used:
            used.add(name)
            return name


def make_unavailable(rng: random.Random, week: Week) -> str:
    """Day-job weekdays, half-days and some leave inside the planned week."""
    items: list[str] = []
    draw = rng.random()
    if draw < 0.25:
        items.append("sun")
    elif draw < 0.40:
        items.append(rng.choice(WEEKDAYS[:5]) + rng.choice(("-am", "-pm")))
    if rng.random() < 0.12:
        start = week.monday + dt.timedelta(days=rng.randrange(0, 6))
        end = start + dt.timedelta(days=rng.randrange(0, 3))
        items.append(f"{start.isoformat()}..{end.isoformat()}")
    elif rng.random() < 0.08:
        items.append((week.monday + dt.timedelta(days=rng.randrange(0, 7))).isoformat())
    return ";".join(items)


@dataclass(frozen=True)
class Staffing:
    """How many people a zone gets: km of road per 路段长 and per patroller in the full
    roster, and the share of that roster kept."""

    km_per_chief: float = 3.0
    km_per_patroller: float = 15.0
    share: float = 1.0

    def kept(self, n: int, *, least: int) -> int:
        """Of ``n`` people of one kind in the full roster, how many this staffing keeps."""
        return n if self.share >= 1.0 else min(n, max(least, round(self.share * n)))


def make_chiefs(
    km_by_zone: Mapping[str, float], week: Week, seed: int, staffing: Staffing
) -> list[dict[str, str]]:
    """The rows of a chiefs file for zones of ``km_by_zone`` km of road each."""
    rng = random.Random(seed)
    used: set[str] = set()
    rows: list[dict[str, str]] = []
    count = 0

    def add(zone_id: str, level: str, supervisor: str, max_patrols: str = "") -> dict[str, str]:
        nonlocal count
        count += 1
        return {
            "chief_id": f"C{count:04d}",
            "name": make_name(rng, used),
            "zone_id": zone_id,
            "level": level,
            "max_patrols_per_week": max_patrols,
            "unavailable": make_unavailable(rng, week) if level != "general" else "",
            "phone": f"139{rng.randrange(10**8):08d}",
            "supervisor_id": supervisor,
            "unit": rng.choice(UNITS),
        }

    rows.append(add("", "general", ""))
    general = rows[0]["chief_id"]
    rows += [add("", "l1", general) for _ in range(max(1, round(len(km_by_zone) / 5)))]
    l1_ids = [r["chief_id"] for r in rows[1:]]
    for i, zone_id in enumerate(sorted(km_by_zone, key=str)):
        km = km_by_zone[zone_id]
        l2 = add(str(zone_id), "l2", l1_ids[i % len(l1_ids)])
        owners = [
            add(str(zone_id), "segment", l2["chief_id"], rng.choice(["", "", "", "4", "3"]))
            for _ in range(max(1, math.ceil(km / staffing.km_per_chief)))
        ]
        patrollers = [
            add(str(zone_id), "patroller", l2["chief_id"])
            for _ in range(max(1, round(km / staffing.km_per_patroller)))
        ]
        rows.append(l2)
        rows += owners[: staffing.kept(len(owners), least=1)]
        rows += patrollers[: staffing.kept(len(patrollers), least=0)]
    return rows


def km_of_zones(
    zones: Path, roads: Path, rules: Path | None, crs: str | None = None
) -> dict[str, float]:
    """Km of road placed in each zone, as ``roadchief plan`` cuts and places it."""
    city = prepare_city(zones, roads, load_rules(rules), crs=crs)
    km = city.segments_gdf.groupby("zone_id")["length_m"].sum() / 1000.0
    return {str(z): float(v) for z, v in km.items()}


def write_chiefs(rows: list[dict[str, str]], out: Path) -> None:
    """The rows as a chiefs CSV (UTF-8 with BOM, as Excel writes it)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--zones", type=Path, required=True)
    parser.add_argument("--roads", type=Path, required=True)
    parser.add_argument("--rules", type=Path)
    parser.add_argument("--crs", help="CRS of layers that declare none")
    parser.add_argument("--week", default="2026-W49")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--km-per-chief", type=float, default=3.0)
    parser.add_argument("--km-per-patroller", type=float, default=15.0)
    parser.add_argument("--staffing", type=float, default=1.0, help="share of the full roster")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    km_by_zone = km_of_zones(args.zones, args.roads, args.rules, args.crs)
    staffing = Staffing(args.km_per_chief, args.km_per_patroller, args.staffing)
    rows = make_chiefs(km_by_zone, Week.parse(args.week), args.seed, staffing)
    write_chiefs(rows, args.out)
    print(f"wrote {len(rows)} people for {len(km_by_zone)} zones to {args.out}")


if __name__ == "__main__":
    main()
