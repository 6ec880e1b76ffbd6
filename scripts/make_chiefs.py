"""Generate a plausible, seeded chiefs file for a city whose people we do not have.

Chiefs are people, so demo and benchmark cities need a made-up chiefs file. Per zone it
makes one 二级路长 (l2), enough 路段长 (segment) to own about ``--km-per-chief`` km of
road each, and one patroller per ``--km-per-patroller`` km; for the city, one 总路长
(general) and a few 一级路长 (l1). Some people have day-job weekdays off, some take leave
in the planned week. The same seed gives the same file.

Usage::

    python scripts/make_chiefs.py --zones Z --roads R [--rules city.toml] \
        [--week 2026-W49] [--seed 7] --out chiefs.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--zones", type=Path, required=True)
    parser.add_argument("--roads", type=Path, required=True)
    parser.add_argument("--rules", type=Path)
    parser.add_argument("--week", default="2026-W49")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--km-per-chief", type=float, default=3.0)
    parser.add_argument("--km-per-patroller", type=float, default=15.0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    week = Week.parse(args.week)
    city = prepare_city(args.zones, args.roads, load_rules(args.rules))
    km_by_zone = city.segments_gdf.groupby("zone_id")["length_m"].sum() / 1000.0
    used: set[str] = set()
    rows: list[dict[str, str]] = []

    def add(zone_id: str, level: str, supervisor: str, max_patrols: str = "") -> str:
        chief_id = f"C{len(rows) + 1:04d}"
        rows.append(
            {
                "chief_id": chief_id,
                "name": make_name(rng, used),
                "zone_id": zone_id,
                "level": level,
                "max_patrols_per_week": max_patrols,
                "unavailable": make_unavailable(rng, week) if level != "general" else "",
                "phone": f"139{rng.randrange(10**8):08d}",
                "supervisor_id": supervisor,
                "unit": rng.choice(UNITS),
            }
        )
        return chief_id

    general = add("", "general", "")
    l1_chiefs = [add("", "l1", general) for _ in range(max(1, round(len(km_by_zone) / 5)))]
    for i, zone_id in enumerate(sorted(km_by_zone.index, key=str)):
        km = float(km_by_zone[zone_id])
        l2 = add(str(zone_id), "l2", l1_chiefs[i % len(l1_chiefs)])
        for _ in range(max(1, math.ceil(km / args.km_per_chief))):
            add(str(zone_id), "segment", l2, rng.choice(["", "", "", "4", "3"]))
        for _ in range(max(1, round(km / args.km_per_patroller))):
            add(str(zone_id), "patroller", l2)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} people for {len(km_by_zone)} zones to {args.out}")


if __name__ == "__main__":
    main()
