"""The rules file: sourced defaults, city overrides, and clear errors for mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from roadchief.config import load_rules
from roadchief.domain import ChiefLevel
from roadchief.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_load_and_classify_osm_highways() -> None:
    rules = load_rules()
    assert [s.slot_id for s in rules.slots] == ["early", "morning", "afternoon", "evening"]
    assert rules.classify({"highway": "primary"}) == "arterial"
    assert rules.classify({"highway": "residential"}) == "branch"
    assert rules.classify({"highway": "something_new"}) == rules.default_class
    assert rules.levels[ChiefLevel.SEGMENT].limits.owns_segments
    # cross-zone help is on and costs more than a helper of the zone, less than a gap
    w = rules.weights
    assert rules.cross_zone_helpers == 3
    assert w["helper_per_10m"] < w["cross_zone_per_10m"] < w["unmet_per_10m"]


def test_city_rules_override_only_what_they_set() -> None:
    rules = load_rules(ROOT / "geodata/cambridge_ma/rules.toml")
    assert rules.time_zone == "America/New_York"
    assert rules.classify({"MajorRoad": 1.0, "Street_Type": "St"}) == "arterial"
    assert rules.classify({"MajorRoad": None, "Street_Type": "Pl"}) == "lane"
    assert rules.road_classes["arterial"] == 7  # still the default


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[segmets]\nmax_length_m = 10\n", "unknown key 'segmets'"),
        ("[segments]\nmax_length_m = -1\n", "segments.max_length_m"),
        ("[classify]\ndefault = 'highway'\n", "classify.default"),
        ("holidays = ['1 May']\n", "holidays"),
        ("[[slots]]\nid = 'x'\nstart = '10:00'\nend = '09:00'\n", "slot must end after"),
        ("time_zone = \n", "not valid TOML"),
        ("[roster]\ncross_zone_helpers = -1\n", "roster.cross_zone_helpers"),
        ("[objective]\ncross_zone_per_10m = 2.5\n", "objective.cross_zone_per_10m"),
    ],
)
def test_mistakes_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "city.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as err:
        load_rules(path)
    assert str(path) in str(err.value)


def test_missing_rules_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_rules(tmp_path / "nope.toml")


def test_a_city_can_add_road_classes(tmp_path: Path) -> None:
    path = tmp_path / "city.toml"
    path.write_text("[road_classes]\nboulevard = 5\n", encoding="utf-8")
    assert load_rules(path).road_classes["boulevard"] == 5
