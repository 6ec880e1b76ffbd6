"""Benchmark ownership (一路一长) on the demo city: ours vs simple baselines vs bounds.

Run: .venv/bin/python bench/bench_ownership.py [--zone 10]

Methods, all measured by roadchief.solve.ownership.report:
- nearest home: each segment to the nearest of k spread centres (weighted k-means), the
  "nearest chief home" baseline (chiefs have no home address in the data);
- round robin: segments sorted along the zone's main axis, dealt out in equal-workload runs;
- growing only: the earlier simple version (seeded region growing, no refinement);
- ours: region growing + local search (roadchief.solve.ownership.partition).
Stability: one segment chief of ``--zone`` leaves (and, separately, one joins); baselines
re-solve from scratch, ours starts from the earlier ownership (--previous).
Time is wall time of the assignment; peak memory is the tracemalloc peak of that call.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import time
import tracemalloc
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType

from roadchief.config import load_rules
from roadchief.domain import Chief, Ownership, PatrolInstance, Week
from roadchief.geo.prepare import prepare_city
from roadchief.instance import build_instance
from roadchief.io.chiefs import read_chiefs
from roadchief.solve.ownership.graph import segment_graph, workload
from roadchief.solve.ownership.grow import UNOWNED, grow
from roadchief.solve.ownership.owners import assign_owners, owners_by_zone
from roadchief.solve.ownership.report import OwnershipReport, measure_ownership

DEMO = Path(__file__).resolve().parent.parent / "geodata" / "cambridge_ma"


def demo_instance() -> PatrolInstance:
    rules = load_rules(DEMO / "rules.toml")
    city = prepare_city(
        DEMO / "zones_cdd_neighborhoods.geojson", DEMO / "streets_centerlines.geojson", rules
    )
    chiefs = read_chiefs(DEMO / "chiefs.csv", rules, set(city.zones_gdf["zone_id"].astype(str)))
    return build_instance(city, chiefs, rules, Week(2026, 49))


def _per_zone(
    instance: PatrolInstance, cut: Callable[[list[int], int, list[tuple[float, float]]], list[int]]
) -> Ownership:
    owners = owners_by_zone(instance)
    owner_of: dict[str, str] = {}
    for zone_id, segs in instance.segments_by_zone().items():
        segs = sorted(segs, key=lambda s: s.segment_id)
        ids = [c.chief_id for c in owners[zone_id]]
        if not segs or not ids:
            continue
        region = cut([int(workload(s)) for s in segs], len(ids), [(s.x_m, s.y_m) for s in segs])
        owner_of.update({s.segment_id: ids[r] for s, r in zip(segs, region, strict=True)})
    return Ownership(owner_of)


def nearest_home(instance: PatrolInstance) -> Ownership:
    """Each segment to the nearest of k weighted k-means centres (no balance, no graph)."""

    def cut(w: list[int], k: int, xy: list[tuple[float, float]]) -> list[int]:
        centres = [xy[i] for i in range(0, len(xy), max(1, len(xy) // k))][:k]
        for _ in range(10):
            near = [min(range(len(centres)), key=lambda c: math.dist(p, centres[c])) for p in xy]
            sums = [[0.0, 0.0, 0.0] for _ in centres]
            for (x, y), c, wt in zip(xy, near, w, strict=True):
                sums[c][0] += (wt + 1) * x
                sums[c][1] += (wt + 1) * y
                sums[c][2] += wt + 1
            centres = [(a / s, b / s) if s else centres[c] for c, (a, b, s) in enumerate(sums)]
        return [min(range(len(centres)), key=lambda c: math.dist(p, centres[c])) for p in xy]

    return _per_zone(instance, cut)


def round_robin(instance: PatrolInstance) -> Ownership:
    """Segments sorted along x then y, dealt out in k runs of equal workload."""

    def cut(w: list[int], k: int, xy: list[tuple[float, float]]) -> list[int]:
        order = sorted(range(len(w)), key=lambda i: xy[i])
        total, acc, out = sum(w) or 1, 0.0, [0] * len(w)
        for i in order:
            out[i] = min(k - 1, int(acc / total * k))
            acc += w[i]
        return out

    return _per_zone(instance, cut)


def growing_only(instance: PatrolInstance) -> Ownership:
    """The earlier simple version: spread seeds and region growing, no refinement."""
    owners = owners_by_zone(instance)
    owner_of: dict[str, str] = {}
    for zone_id, segs in instance.segments_by_zone().items():
        segs = sorted(segs, key=lambda s: s.segment_id)
        ids = [c.chief_id for c in owners[zone_id]]
        if segs and ids:
            region = grow(segment_graph(segs), len(ids), [UNOWNED] * len(segs))
            owner_of.update({s.segment_id: ids[r] for s, r in zip(segs, region, strict=True)})
    return Ownership(owner_of)


def measured(fn: Callable[[], Ownership]) -> tuple[Ownership, float, float]:
    """The result, its wall time, and the tracemalloc peak (MiB) of a second, traced run."""
    t0 = time.perf_counter()
    own = fn()
    wall = time.perf_counter() - t0
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return own, wall, peak


def without(instance: PatrolInstance, chief_id: str) -> PatrolInstance:
    return dataclasses.replace(
        instance, chiefs=tuple(c for c in instance.chiefs if c.chief_id != chief_id)
    )


def with_new(instance: PatrolInstance, zone_id: str) -> PatrolInstance:
    template = owners_by_zone(instance)[zone_id][0]
    new = dataclasses.replace(template, chief_id="NEW01", name="新路长")
    return dataclasses.replace(instance, chiefs=(*instance.chiefs, new))


def row(name: str, rep: OwnershipReport, wall: float, peak: float, extra: str = "") -> str:
    roads_split = sum(z.roads_split for z in rep.zones)
    short_split = sum(z.short_roads_split for z in rep.zones)
    diam = sum(c.diameter_m for c in rep.chiefs if c.segments) / max(
        1, sum(1 for c in rep.chiefs if c.segments)
    )
    ratio = f"{rep.balance_ratio:.3f}" if rep.balance_ratio else "inf"
    return (
        f"{name:<14}{ratio:>8}{rep.max_over_target:>8.3f}{rep.pieces_max:>6}"
        f"{rep.pieces_mean:>7.2f}{sum(z.pieces_sum for z in rep.zones):>6}{roads_split:>7}"
        f"{short_split:>7}{diam:>8.0f}{wall:>8.2f}{peak:>8.1f}  {extra}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--zone", default="10", help="zone where a chief leaves / joins")
    args = ap.parse_args()
    t0 = time.perf_counter()
    inst = demo_instance()
    owners = owners_by_zone(inst)
    print(
        f"demo city: {len(inst.segments)} segments, {len(inst.zones)} zones, "
        f"{sum(len(v) for v in owners.values())} segment chiefs (ingest {time.perf_counter() - t0:.1f} s)"
    )
    head = (
        f"{'method':<14}{'ratio':>8}{'max/T':>8}{'pcMax':>6}{'pcAvg':>7}{'pcSum':>6}"
        f"{'rdSplt':>7}{'short':>7}{'diam m':>8}{'time s':>8}{'MiB':>8}"
    )
    print("\nratio: worst zone max/min workload; max/T: worst owner over the perfect-balance load")
    print("pc: pieces per chief; rdSplt/short: roads (short <= 400 m) split between chiefs")
    print(head)
    print("-" * len(head))
    methods: dict[str, Callable[[PatrolInstance], Ownership]] = {
        "nearest home": nearest_home,
        "round robin": round_robin,
        "growing only": growing_only,
        "ours": assign_owners,
    }
    results: dict[str, Ownership] = {}
    for name, fn in methods.items():
        own, wall, peak = measured(lambda fn=fn: fn(inst))  # type: ignore[misc]
        results[name] = own
        print(row(name, measure_ownership(inst, own), wall, peak))
    # bounds
    zones = measure_ownership(inst, results["ours"]).zones
    heaviest = max(
        max(workload(s) for s in inst.segments if s.zone_id == z.zone_id) / z.workload_target
        for z in zones
    )
    print(
        f"{'bound':<14}{1.0:>8.3f}{max(1.0, heaviest):>8.3f}{1:>6}{'':>7}"
        f"{sum(z.pieces_bound for z in zones):>6}{0:>7}{0:>7}"
        "   (perfect balance; pieces >= max(owners, road-graph pieces) per zone)"
    )

    leaver: Chief = owners[args.zone][0]
    had = len(results["ours"].segments_of(leaver.chief_id))
    print(
        f"\nstability: {leaver.chief_id} of zone {args.zone} leaves (owned {had} segments "
        "= the least that must move); one new chief joins zone "
        f"{args.zone} (moves needed for balance: about 1/k of the zone)"
    )
    head2 = f"{'method':<14}{'scenario':<8}{'moved':>7}{'must':>6}{'zone ratio':>11}{'time s':>8}{'MiB':>7}"
    print(head2)
    print("-" * len(head2))
    for scenario, changed in (
        ("leave", without(inst, leaver.chief_id)),
        ("join", with_new(inst, args.zone)),
    ):
        for name, fn in methods.items():
            before = results[name].owner_of

            def run(
                fn: Callable[[PatrolInstance], Ownership] = fn,
                changed: PatrolInstance = changed,
                before: Mapping[str, str] = MappingProxyType(dict(before)),
                stable: bool = name == "ours",
            ) -> Ownership:
                return assign_owners(changed, previous=before) if stable else fn(changed)

            own, wall, peak = measured(run)
            rep = measure_ownership(changed, own, previous=before)
            zone = next(z for z in rep.zones if z.zone_id == args.zone)
            ratio = f"{zone.balance_ratio:.3f}" if zone.balance_ratio else "inf"
            print(
                f"{name:<14}{scenario:<8}{rep.moved:>7}{rep.moved_required:>6}{ratio:>11}"
                f"{wall:>8.2f}{peak:>7.1f}"
            )


if __name__ == "__main__":
    main()
