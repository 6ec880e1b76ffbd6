"""Segments named by their crossings, as road signboards read."""

from __future__ import annotations

import dataclasses

from roadchief.crossings import describe_span, segment_ends
from roadchief.domain import Segment
from solve_factory import seg


def named(segment_id: str, road: str, a: int, b: int) -> Segment:
    """A segment of ``road`` from node ``a`` to node ``b``."""
    return dataclasses.replace(
        seg(1), segment_id=segment_id, road_name=road, from_node=a, to_node=b
    )


def test_each_end_is_named_by_the_crossing_road() -> None:
    segments = [
        named("m1", "淮海中路", 1, 2),
        named("m2", "淮海中路", 2, 3),
        named("c1", "思南路", 10, 1),
        named("c2", "重庆南路", 3, 11),
        named("d1", "", 3, 12),  # unnamed roads name nothing
    ]
    ends = segment_ends(segments)
    assert ends["m1"] == ("思南路", "")  # node 2: only its own road continues
    assert ends["m2"] == ("", "重庆南路")
    assert ends["c1"] == ("", "淮海中路")


def test_span_text_shows_only_what_is_known() -> None:
    assert describe_span("淮海中路", ("思南路", "重庆南路")) == "淮海中路（思南路—重庆南路）"
    assert describe_span("淮海中路", ("", "重庆南路")) == "淮海中路（重庆南路）"
    assert describe_span("淮海中路", ("", "")) == "淮海中路"
