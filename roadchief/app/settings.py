"""How a week is planned, as the planner chose it: the solver's settings and --strict."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from roadchief.solve.lanes.processes import local_cores
from roadchief.solve.settings import LOCAL, SolverSettings


@dataclass(frozen=True)
class PlanSettings:
    """The planner's choices for one plan; the inputs are elsewhere (``WeekInputs``)."""

    solver: SolverSettings = field(default_factory=SolverSettings)
    strict: bool = False
    """Full coverage is a hard rule; a shortfall is an explained error."""

    @property
    def ownership_lanes(self) -> int:
        """Local processes for the ownership: the lanes asked for, at most the local cores."""
        return min(self.solver.lanes or local_cores(), local_cores())

    def record(self) -> dict[str, Any]:
        """The settings as summary.json ``inputs`` records them."""
        s = self.solver
        return {
            "time_limit_s": s.time_limit_s,
            "workers": s.workers,
            "seed": s.seed,
            "strict": self.strict,
            "deterministic": s.deterministic,
            "parallel": s.lanes,
            "scheduler": s.scheduler,
        }

    @classmethod
    def from_record(cls, data: Mapping[str, Any], **changes: Any) -> PlanSettings:
        """The settings a run recorded (``record``), with ``changes`` (record names) applied."""
        values = {**{k: v for k, v in data.items() if v is not None}, **changes}
        base = SolverSettings()
        solver = dataclasses.replace(
            base,
            time_limit_s=float(values.get("time_limit_s", base.time_limit_s)),
            workers=int(values.get("workers", base.workers)),
            seed=int(values.get("seed", base.seed)),
            deterministic=bool(values.get("deterministic", base.deterministic)),
            lanes=values.get("parallel"),
            runner=values.get("scheduler") or LOCAL,
        )
        return cls(solver=solver, strict=bool(values.get("strict", False)))
