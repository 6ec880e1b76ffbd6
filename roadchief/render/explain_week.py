"""explain.md's part on the week itself: its days on the working calendar and the holiday
rule (summary.json ``calendar``), and its special campaigns (``campaigns``). Renders those
figures; computes none."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from roadchief.i18n import Translator, clean_text


def day_kind_text(kind: str, tr: Translator) -> str:
    """A day's kind on the working calendar in words (工作日, 调休上班 ...)."""
    words = {
        "workday": tr("workday"),
        "weekend": tr("weekend"),
        "holiday": tr("public holiday"),
        "makeup_workday": tr("make-up working day"),
        "city_day_off": tr("day off by the city's rules"),
        "city_workday": tr("working day by the city's rules"),
    }
    return words.get(kind, kind)


def calendar_section(calendar: Mapping[str, Any], tr: Translator) -> list[str]:
    """The week's days, each kind and whether it is patrolled, and each class's demand
    against an ordinary week; nothing for a run recorded without a calendar."""
    if not calendar:
        return []
    days = calendar["days"]
    special = [d for d in days if d["kind"] not in ("workday", "weekend")]
    lines = [f"## {tr('Working calendar')}", ""]
    for year in calendar.get("unknown_years", []):
        lines += [
            tr(
                "calendar: the public holidays of {year} are not known; its days count as "
                "weekdays and weekends only: list its holidays and make-up days in the rules' "
                "holidays and workdays",
                year=year,
            ),
            "",
        ]
    if not special:
        lines += [
            tr("An ordinary week: 7 patrol days, no public holiday or make-up working day."),
            "",
        ]
        return lines
    sep = "；" if tr.lang == "zh" else "; "
    factors = sep.join(f"{tr.road_class(c)} {f:g}" for c, f in calendar["holiday_factor"].items())
    demand = sep.join(
        f"{tr.road_class(c)} {100 * f:.0f}%" for c, f in calendar["demand_factor"].items()
    )
    lines += [
        tr(
            "{n} patrol days; {h} public holidays and {m} make-up working days (调休: weekend "
            "leave does not apply). On a holiday each road class's demand counts this many "
            "days (节假日巡查): {factors}. This week's demand against an ordinary week's: "
            "{demand}.",
            n=calendar["patrol_days"],
            h=calendar["holidays"],
            m=calendar["makeup_workdays"],
            factors=factors,
            demand=demand,
        ),
        "",
        f"| {tr('day')} | {tr('kind')} | {tr('holiday')} | {tr('patrolled')} |",
        "|---|---|---|---|",
    ]
    for d in days:
        day = tr.day(dt.date.fromisoformat(d["date"]))
        patrolled = tr("yes") if d["patrolled"] else tr("no")
        lines.append(f"| {day} | {day_kind_text(d['kind'], tr)} | {d['holiday']} | {patrolled} |")
    return [*lines, ""]


def campaigns_section(campaigns: Sequence[Mapping[str, Any]], tr: Translator) -> list[str]:
    """The week's special campaigns (专项整治): dates, streets, extra patrols, and how many of
    their segments' required patrols are planned; nothing in a week without one."""
    if not campaigns:
        return []
    lines = [
        f"## {tr('Special campaigns')}",
        "",
        f"| {tr('campaign')} | {tr('dates')} | {tr('segments')} | km | "
        f"{tr('extra patrols this week')} | {tr('required')} | {tr('planned')} |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for c in campaigns:
        first, last = (tr.day(dt.date.fromisoformat(c[k])) for k in ("first", "last"))
        lines.append(
            f"| {clean_text(c['name'])} | {first} – {last} | {c['segments']} | {c['km']:.2f} | "
            f"{c['extra_this_week']} | {c['patrols_required']} | {c['patrols_planned']} |"
        )
    return [*lines, ""]
