"""One simulated case told as a timeline, to read next to the real story.

`trace` runs one replication (the same seeds as replication R of `cxsim run`) with
histories kept, picks a case — by number, or the worst by a metric — and tells it line
by line: clock time, who (team, organization, channel), what happened, with the case's
child cases woven in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cxsim import narration
from cxsim.engine import build_world, run_world
from cxsim.engine.case import Case, Event
from cxsim.metrics import CASE_COLUMNS, Recorder, case_row
from cxsim.montecarlo import replication_seed
from cxsim.scenario.models import Scenario
from cxsim.scenario.problems import Problem, ScenarioError, did_you_mean, one_of
from cxsim.scenario.units import format_duration
from cxsim.scenario.weekly import DEFAULT_START, clock

WORST_METRICS = (
    "time_to_resolution",
    "process_time_to_resolution",
    "orphan_time",
    "handoffs",
    "repeats",
    "contacts",
    "customer_effort",
    "wasted_visits",
    "broken_promises",
    "missed_appointments",
)
"""Case values `--worst` can pick a case by."""


class KeepingRecorder(Recorder):
    """A recorder that also keeps every recorded root case, for telling it afterwards."""

    def __init__(self) -> None:
        super().__init__()
        self.cases: dict[int, Case] = {}
        self.until: dict[int, float | None] = {}

    def case_closed(self, case: Case, until: float | None = None) -> None:
        super().case_closed(case, until)
        if case.counted:
            self.cases[case.id] = case
            self.until[case.id] = until


@dataclass
class Trace:
    """A case picked from one replication, with what is needed to tell it."""

    scenario: Scenario
    seed: int
    replication: int
    case: Case
    values: dict[str, float]
    horizon: float


def trace(
    scenario: Scenario,
    seed: int | None = None,
    replication: int = 0,
    case_id: int | None = None,
    worst: str | None = None,
) -> Trace:
    """Run replication `replication` with histories and pick case `case_id` (or the worst)."""
    if worst is not None and worst not in WORST_METRICS:
        hint = did_you_mean(worst, WORST_METRICS)
        message = f"expected one of {one_of(WORST_METRICS)}, got {worst!r}{hint}"
        raise ScenarioError([Problem("--worst", "", message)])
    base = seed if seed is not None else scenario.seed
    world = build_world(scenario, replication_seed(base, replication), history=True)
    recorder = KeepingRecorder()
    world.recorder = recorder
    run_world(world)
    if not recorder.cases:
        raise ScenarioError([Problem("--case", "", "no case was counted in this replication")])
    values = {
        case.id: dict(zip(CASE_COLUMNS, case_row(case, recorder.until[case.id]), strict=True))
        for case in recorder.cases.values()
    }
    if case_id is None:
        metric = worst or "time_to_resolution"
        case_id = max(values, key=lambda i: (values[i][metric], -i))
    elif case_id not in recorder.cases:
        first, last = min(recorder.cases), max(recorder.cases)
        message = f"expected a counted case number between {first} and {last}, got {case_id}"
        raise ScenarioError([Problem("--case", "", message)])
    return Trace(
        scenario, base, replication, recorder.cases[case_id], values[case_id], scenario.horizon
    )


def format_trace(found: Trace) -> str:
    """The case as a timeline a workshop can read."""
    case = found.case
    streams = found.scenario.customers.stream_names()
    stream = f"stream {streams[case.stream]} · " if streams else ""
    lines = [
        f"case {case.label} · {stream}segment {case.segment.name} · journey {case.journey} · "
        f"seed {found.seed}, replication {found.replication}"
    ]
    entries: list[tuple[float, int, str, Event]] = []
    for order, part in enumerate([case, *case.children]):
        for event in part.history or []:
            entries.append((event.time, order, part.label, event))
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    weekday = (found.scenario.start or DEFAULT_START).weekday()
    for time, _, label, event in entries:
        prefix = "" if label == case.label else f"[{label}] "
        org = found.scenario.teams[event.team].org if event.team in found.scenario.teams else None
        who, what = (
            narration.who(event.team, org, event.channel),
            narration.what(event.what, event.details, weekday),
        )
        lines.append(f"{clock(time, weekday)}  {who:<32} {prefix}{what}")
    lines.append(_verdict(found))
    return "\n".join(lines)


def _ending(resolved: float, still_open: float) -> str:
    if resolved:
        return "resolved"
    return "still open" if still_open else "gave up"


def _verdict(found: Trace) -> str:
    values: dict[str, Any] = found.values
    customer = _ending(values["resolved"], values["open"])
    process = _ending(values["process_resolved"], values["process_open"])
    parts = [
        f"customer view: {customer} after {format_duration(values['time_to_resolution'])}",
        f"process view: {process} after {format_duration(values['process_time_to_resolution'])}",
        f"{values['handoffs']:.0f} handoffs",
        f"{values['repeats']:.0f} repeats",
        f"{values['contacts']:.0f} contacts",
    ]
    if values["orphaned"]:
        parts.append(f"orphaned {format_duration(values['orphan_time'])}")
    if values["broken_promises"]:
        parts.append(f"{values['broken_promises']:.0f} promises broken")
    if values["wasted_visits"]:
        parts.append(f"{values['wasted_visits']:.0f} wasted visits")
    return "end: " + " · ".join(parts)
