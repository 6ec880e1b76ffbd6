"""The walk between two stops is traced along the streets the checker measured it on."""

from __future__ import annotations

from collections.abc import Mapping

from roadchief.figures import TourFigures
from roadchief.solve.roster.roster_walks import Step, step_paths
from roadchief.solve.roster.walk import length_cm
from test_render_city import tiny_city, tiny_figures, tiny_instance


def tour_steps(tours: Mapping[str, TourFigures], segments: list) -> dict[str, list[Step]]:
    walked = {t.tour_id: (t.segment_ids, t.reverse, t.walk_to_cm) for t in tours.values()}
    return step_paths(walked, segments)


def test_each_step_follows_the_streets_of_its_measured_length() -> None:
    city = tiny_city()
    instance = tiny_instance(city)
    figures = tiny_figures(city, instance)
    steps = tour_steps(figures.tours, instance.segments)
    wed = figures.tours["c3:2026-12-09:am"]  # s4, s5, s6: back along s5 to reach s6
    assert wed.segment_ids == ("s4", "s5", "s6")
    assert [s.segments for s in steps[wed.tour_id]] == [(), (("s5", True),)]
    length = {s.segment_id: s.length_m for s in instance.segments}
    for tour_id, tour in figures.tours.items():
        for k, step in enumerate(steps[tour_id], start=1):
            assert not step.straight
            drawn = sum(length_cm(length[sid]) for sid, _ in step.segments)
            assert drawn == tour.walk_to_cm[k]


def test_a_step_of_another_length_is_drawn_straight() -> None:
    city = tiny_city()
    instance = tiny_instance(city)
    figures = tiny_figures(city, instance)
    tour = figures.tours["c3:2026-12-09:am"]
    figures.tours[tour.tour_id] = type(tour)(
        **{**tour.__dict__, "walk_to_cm": (0, 0, tour.walk_to_cm[2] + 1)}
    )
    steps = tour_steps(figures.tours, instance.segments)[tour.tour_id]
    assert steps[1].straight and steps[1].segments == ()
