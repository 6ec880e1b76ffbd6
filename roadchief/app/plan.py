"""Plan a week over in-memory inputs: owners, roster, independent check. No file is read or
written here; files and the database are the callers' sources and sinks."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from roadchief.app.inputs import WeekInputs
from roadchief.app.replan import ReplanReport, replan_instance_of, replan_roster
from roadchief.app.settings import PlanSettings
from roadchief.app.stages import Stages
from roadchief.domain import Assignment, Ownership, PatrolInstance, Roster
from roadchief.errors import InfeasibleError, SolverError
from roadchief.figures import RunFigures
from roadchief.io.ownership import check_pins
from roadchief.io.roster import with_last_week
from roadchief.render.outputs import RunResults, results_figures
from roadchief.solve.check import CheckReport, check_roster
from roadchief.solve.ownership.owners import assign_owners
from roadchief.solve.ownership.report import OwnershipReport, measure_ownership
from roadchief.solve.roster.week import plan_roster


@dataclass(frozen=True)
class OwnedCity:
    """The ownership stage's result: who owns what, how it measures, how it was made."""

    ownership: Ownership
    report: OwnershipReport
    wall_s: float
    pins: int
    """Ownership pins held."""
    previous: str | None
    """Where the earlier owners came from (None without any)."""


@dataclass(frozen=True)
class PlannedWeek:
    """Everything a plan decided and checked, ready for a sink (run folder, database)."""

    inputs: WeekInputs
    instance: PatrolInstance
    """The instance the roster was checked on (last week, pins, re-plan rules included)."""
    owned: OwnedCity
    roster: Roster
    check: CheckReport
    replan: ReplanReport | None = None
    """What a re-plan changed; None for a plan."""

    @property
    def ownership(self) -> Ownership:
        return self.owned.ownership

    @cached_property
    def results(self) -> RunResults:
        """The results as the renderers read them."""
        p = self
        return RunResults(p.inputs.city, p.instance, p.ownership, p.roster, p.check.walks)

    @cached_property
    def figures(self) -> RunFigures:
        """Every figure the run shows (``roadchief.figures``), counted once."""
        return results_figures(self.results)


def own_segments(inputs: WeekInputs, instance: PatrolInstance, lanes: int) -> OwnedCity:
    """Give every placed segment one owner (一路一长), keeping earlier owners where balance
    allows and every pin; measure the result."""
    started = time.perf_counter()
    before = dict(inputs.previous_owners.owner_of) if inputs.previous_owners else None
    pins = inputs.owner_pins
    if pins is not None:
        check_pins(pins.owner_of, instance, pins.source)
    pinned = dict(pins.owner_of) if pins is not None else {}
    ownership = assign_owners(instance, previous=before, pins=pinned, parallel=lanes)
    wall_s = time.perf_counter() - started
    report = measure_ownership(instance, ownership, previous=before)
    source = inputs.previous_owners.source if inputs.previous_owners else None
    return OwnedCity(ownership, report, wall_s, len(pinned), source)


def plan_week(inputs: WeekInputs, settings: PlanSettings, stages: Stages) -> PlannedWeek:
    """Own every segment, solve the roster and check it independently; raise if the check
    fails (a bug) or no roster exists."""
    instance = inputs.instance()
    with stages.stage("ownership"):
        owned = own_segments(inputs, instance, settings.ownership_lanes)
    ownership = owned.ownership
    report: ReplanReport | None = None
    with stages.stage("roster", settings.solver.time_limit_s):
        instance, start = roster_instance(inputs, instance, settings)

        names = {z.zone_id: z.name for z in instance.zones}

        def zone_done(zone_id: str, status: str) -> None:
            stages.zone_done(names.get(zone_id, zone_id), status)

        def solve(part: PatrolInstance, warm: Sequence[Assignment]) -> Roster:
            return plan_roster(
                part, ownership, settings.solver, start=list(warm), on_zone=zone_done
            )

        if inputs.replan is None:
            roster = solve(instance, start)
        else:
            instance, roster, report = replan_roster(instance, ownership, inputs.replan, solve)
    with stages.stage("check"):
        check = checked(instance, ownership, roster)
    return PlannedWeek(inputs, instance, owned, roster, check, report)


def roster_instance(
    inputs: WeekInputs, instance: PatrolInstance, settings: PlanSettings
) -> tuple[PatrolInstance, list[Assignment]]:
    """The instance with --strict, last week's roster and the roster pins, and the warm
    start (last week's roster)."""
    context = dataclasses.replace(instance.context, strict=settings.strict)
    start: list[Assignment] = []
    if inputs.last_week is not None:
        start = list(inputs.last_week.assignments)
        missed = inputs.last_week.missed
        context = with_last_week(context, start, instance.week.monday, missed)
    if inputs.roster_pins:
        context = dataclasses.replace(context, pins=tuple(inputs.roster_pins))
    return dataclasses.replace(instance, context=context), start


def checked(instance: PatrolInstance, ownership: Ownership, roster: Roster) -> CheckReport:
    """The independent checker's report; raise if the roster breaks a hard rule or the
    checker scores it differently from the solver (both are bugs)."""
    check = check_roster(instance, ownership, roster)
    if not check.ok:
        raise InfeasibleError(
            "the roster broke hard rules; this is a bug, please report it:\n  - "
            + "\n  - ".join(check.violations[:20])
        )
    if check.objective != roster.objective:
        raise SolverError(
            f"the checker scores the roster {check.objective}, the solver "
            f"{roster.objective:.0f}; this is a bug, please report it"
        )
    return check


def recheck(inputs: WeekInputs, owned: OwnedCity, roster: Roster) -> PlannedWeek:
    """A stored week as it was planned: its instance rebuilt with last week and, for a
    re-plan, the re-plan's rules; checked again."""
    instance, _ = roster_instance(inputs, inputs.instance(), PlanSettings())
    if inputs.replan is not None:
        instance = replan_instance_of(instance, inputs.replan)
    check = check_roster(instance, owned.ownership, roster)
    return PlannedWeek(inputs, instance, owned, roster, check, None)
