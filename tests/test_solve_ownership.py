"""One road, one chief: every segment gets one owner of its zone, balanced and contiguous."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from roadchief.domain import ChiefLevel, PatrolInstance
from roadchief.errors import InfeasibleError
from roadchief.solve import assign_owners
from roadchief.solve.ownership.owners import workload
from roadchief.solve.ownership.report import measure_ownership
from solve_factory import LIMITS, grid_instance, instance, person, seg


def connected(inst: PatrolInstance, segment_ids: list[str]) -> bool:
    """True if the segments form one piece of the road graph."""
    segs = [inst.segment(s) for s in segment_ids]
    seen = {segs[0].segment_id}
    stack = [segs[0]]
    while stack:
        here = stack.pop()
        for other in segs:
            touching = {here.from_node, here.to_node} & {other.from_node, other.to_node}
            if other.segment_id not in seen and touching:
                seen.add(other.segment_id)
                stack.append(other)
    return len(seen) == len(segs)


def test_every_segment_has_one_owner_of_its_zone() -> None:
    inst = grid_instance(8, 6, zones=2, people=3)
    own = assign_owners(inst)
    assert set(own.owner_of) == {s.segment_id for s in inst.segments}
    for seg_id, chief_id in own.owner_of.items():
        chief = inst.chief(chief_id)
        assert chief.zone_id == inst.segment(seg_id).zone_id
        assert inst.limits[chief.level].owns_segments
    assert not any(c.level == ChiefLevel.L2 for c in map(inst.chief, own.owner_of.values()))


def test_regions_are_balanced_and_contiguous() -> None:
    inst = grid_instance(10, 10, zones=1, people=4, seed=3)
    own = assign_owners(inst)
    owners = sorted(set(own.owner_of.values()))
    assert len(owners) == 4
    loads = [sum(workload(inst.segment(s)) for s in own.segments_of(c)) for c in owners]
    mean = sum(loads) / len(loads)
    assert max(loads) <= 1.25 * mean, loads
    assert min(loads) >= 0.75 * mean, loads
    for c in owners:
        assert connected(inst, own.segments_of(c)), c


def test_ownership_is_deterministic() -> None:
    inst = grid_instance(7, 7, zones=2, people=3, seed=5)
    assert assign_owners(inst) == assign_owners(inst)


def test_more_owners_than_segments() -> None:
    inst = instance([seg(1), seg(2)], [person("a"), person("b"), person("c")])
    own = assign_owners(inst)
    assert sorted(own.owner_of) == ["s1", "s2"]
    assert len(set(own.owner_of.values())) == 2


def test_disconnected_roads_are_all_owned() -> None:
    segs = [seg(1), seg(2), seg(10), seg(11), seg(20)]  # three separate pieces
    inst = instance(segs, [person("a"), person("b")])
    own = assign_owners(inst)
    assert len(own.owner_of) == 5


def test_zones_without_an_owning_chief_are_all_named() -> None:
    inst = instance(
        [seg(1, "A"), seg(2, "B"), seg(3, "C")],
        [person("a", "A"), person("b-l2", "B", level=ChiefLevel.L2)],
    )
    with pytest.raises(InfeasibleError) as err:
        assign_owners(inst)
    message = str(err.value)
    assert "B (1 segments)" in message
    assert "C (1 segments)" in message
    assert "A (" not in message
    assert "segment" in message  # names the owning level to add


def test_pins_always_hold() -> None:
    inst = grid_instance(8, 8, zones=1, people=3, seed=2)
    far = sorted(inst.segments, key=lambda s: (s.x_m, s.y_m))
    pins = {far[0].segment_id: "a2", far[-1].segment_id: "a2", far[40].segment_id: "a0"}
    own = assign_owners(inst, pins=pins)
    assert all(own.owner_of[s] == c for s, c in pins.items())
    assert set(own.owner_of) == {s.segment_id for s in inst.segments}


def test_a_pin_to_a_chief_who_cannot_own_it_is_refused() -> None:
    inst = grid_instance(6, 4, zones=2, people=2)
    seg_b = next(s for s in inst.segments if s.zone_id == "B")
    with pytest.raises(InfeasibleError, match=f"pin {seg_b.segment_id} -> a0"):
        assign_owners(inst, pins={seg_b.segment_id: "a0"})


def test_the_same_chiefs_keep_every_segment() -> None:
    inst = grid_instance(9, 9, zones=2, people=4, seed=4)
    own = assign_owners(inst)
    again = assign_owners(inst, previous=own.owner_of)
    assert again.owner_of == own.owner_of


def test_a_chief_leaving_moves_their_segments_and_little_else() -> None:
    inst = grid_instance(10, 10, zones=1, people=5, seed=1)
    own = assign_owners(inst)
    gone = own.segments_of("a2")
    fewer = dataclasses.replace(inst, chiefs=tuple(c for c in inst.chiefs if c.chief_id != "a2"))
    after = assign_owners(fewer, previous=own.owner_of)
    report = measure_ownership(fewer, after, previous=own.owner_of)
    assert set(after.owner_of) == set(own.owner_of) and "a2" not in after.owner_of.values()
    assert report.moved_required == len(gone)
    assert report.moved is not None and report.moved <= 2 * len(gone)  # balance needs a few
    assert report.balance_ratio is not None and report.balance_ratio <= 1.15


def test_a_new_chief_gets_a_connected_share() -> None:
    inst = grid_instance(10, 10, zones=1, people=4, seed=1)
    own = assign_owners(inst)
    new = dataclasses.replace(inst.chief("a0"), chief_id="a9")
    more = dataclasses.replace(inst, chiefs=(*inst.chiefs, new))
    after = assign_owners(more, previous=own.owner_of)
    report = measure_ownership(more, after, previous=own.owner_of)
    assert after.segments_of("a9") and connected(more, after.segments_of("a9"))
    assert report.balance_ratio is not None and report.balance_ratio <= 1.15
    assert report.moved is not None and report.moved <= 0.4 * len(inst.segments)


def test_short_roads_stay_whole_and_long_roads_split_in_runs() -> None:
    # one long road of 12 segments crossed by 6 short side streets of 2 segments each
    main = [seg(n, length_m=200) for n in range(12)]
    side = []
    for k in range(6):
        for j in range(2):
            s = seg(100 + 2 * k + j, length_m=150, x=200.0 * 2 * k)
            side.append(
                dataclasses.replace(
                    s,
                    road_name=f"Side {k}",
                    from_node=2 * k if j == 0 else 1000 + k,
                    to_node=1000 + k if j == 0 else 2000 + k,
                    y_m=100.0 + 150 * j,
                )
            )
    inst = instance(main + side, [person("a"), person("b"), person("c")])
    own = assign_owners(inst)
    report = measure_ownership(inst, own)
    assert report.zones[0].short_roads_split == 0
    runs = [own.owner_of[s.segment_id] for s in main]
    changes = sum(1 for x, y in itertools.pairwise(runs) if x != y)
    assert changes <= 2  # the long road reads "from A to B" per chief: consecutive runs
    assert report.pieces_max == 1


def test_road_owning_level_owns_whole_roads() -> None:
    limits = dict(LIMITS)
    limits[ChiefLevel.L2] = dataclasses.replace(limits[ChiefLevel.L2], owns_roads=True)
    inst = dataclasses.replace(grid_instance(8, 6, zones=2, people=2), limits=limits)
    own = assign_owners(inst)
    roads = {(s.zone_id, s.road_name) for s in inst.segments}
    assert set(own.road_owner_of) == roads
    assert all(own.road_owner_of[(z, r)] == f"{z.lower()}-l2" for z, r in roads)
    # the segment mapping the roster reads is untouched by the road layer
    assert all(inst.chief(c).level == ChiefLevel.SEGMENT for c in own.owner_of.values())


def test_degenerate_zones_are_reported_zone_by_zone() -> None:
    inst = instance([seg(1, "A"), seg(2, "A")], [person("a", "A"), person("b", "B")])
    report = measure_ownership(inst, assign_owners(inst))
    assert any(w.startswith("zone B:") and "no placed segment" in w for w in report.warnings)
    assert any(w.startswith("zone A:") and "roads" in w for w in report.warnings)
