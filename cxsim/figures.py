"""The data behind a run's plots: what each replication keeps, and `figures.json` from them.

A replication keeps, besides its KPIs, the raw sums the plots need: how many cases had
each number of handoffs, who handed cases to whom, how long orphaned cases stayed
orphaned (a log histogram, `cxsim.sketch`) and at which step they were left, each team's
hour-of-week profile
(`engine.week`), and — in replication 0, whose cases keep their histories — the worst
cases by customer time to resolution, told event by event. `figures` adds the
replications up into the plain dict written as `figures.json`; `cxsim.report` draws
from it alone.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from cxsim.metrics import CASE_COLUMNS, TIME_METRICS, Replication, case_row, measured_until
from cxsim.scenario.weekly import DEFAULT_START, clock
from cxsim.sketch import COMPETING, LogHistogram, TimeSketch
from cxsim.tally import Tally

if TYPE_CHECKING:
    from cxsim.engine.case import Case, Event
    from cxsim.engine.world import Team, World
    from cxsim.scenario.models import Scenario

VERSION = 1
WORST = 3
"""Cases told as timelines: the worst of replication 0 by customer time to resolution."""
POINTS = 200
"""Most points a curve keeps."""
WEEK_SERIES = ("offered", "answered", "wait_sum", "busy", "staffed", "exposure")


@dataclass
class FigureParts:
    """What one replication adds to the figures."""

    handoffs: list[int]
    """Cases with 0, 1, … handoffs; the last bucket holds that many or more."""
    matrix: dict[str, dict[str, int]]
    """Handoffs of counted cases from each holder to each other one."""
    orphan_times: LogHistogram = field(repr=False)
    """Time spent orphaned by each orphaned case."""
    orphaned_after: dict[str, int]
    """Orphaned cases by the `journey.step` they were left at."""
    weeks: dict[str, dict[str, list[float]]]
    """Each team's hour-of-week sums (`WEEK_SERIES`)."""
    timelines: list[dict[str, Any]] = field(default_factory=list)


class WorstCases:
    """The `keep` worst cases of a replication by customer time to resolution, told.

    The recorder shows it every case it records (`Recorder.worst`); a case is told (its
    history turned into events) when it enters the worst so far, so nothing else is held
    and an event log may let the history go once the case is recorded.
    """

    def __init__(self, scenario: Scenario, replication: int, keep: int = WORST) -> None:
        self.scenario = scenario
        self.replication = replication
        self.keep = keep
        self.worst: list[tuple[float, int, dict[str, Any]]] = []

    def consider(self, case: Case, until: float | None) -> None:
        """Keep `case` (a counted root case just recorded) if it is among the worst."""
        rank = (measured_until(case, until) - case.created, -case.id)  # numbers are unique
        if len(self.worst) >= self.keep and rank <= self.worst[0][:2]:
            return
        entry = (*rank, timeline(self.scenario, case, until, self.replication))
        if len(self.worst) < self.keep:
            heapq.heappush(self.worst, entry)
        else:
            heapq.heapreplace(self.worst, entry)

    def timelines(self) -> list[dict[str, Any]]:
        """The kept cases told event by event, worst first."""
        return [told for _, _, told in sorted(self.worst, key=lambda e: e[:2], reverse=True)]


def own_organization(scenario: Scenario) -> str | None:
    """The organization the customer deals with: that of the first team with a channel."""
    return next((team.org for team in scenario.teams.values() if team.channels), None)


def lane(scenario: Scenario, holder: str | None) -> str:
    """Service-blueprint lane of a team or organization: customer, front, back or partner.

    Teams of another organization than the customer's own (`own_organization`), and
    organizations holding a case during a wait, are partners; the customer's own teams
    are front stage when they answer a channel, back stage otherwise.
    """
    if holder is None:
        return "customer"
    own = own_organization(scenario)
    team = scenario.teams.get(holder)
    if team is None:  # an organization holding the case as a whole
        return "back" if holder == own else "partner"
    if team.org != own:
        return "partner"
    return "front" if team.channels else "back"


def timeline(
    scenario: Scenario, case: Case, until: float | None, replication: int
) -> dict[str, Any]:
    """One root case with its children, as figures.json tells it."""
    weekday = (scenario.start or DEFAULT_START).weekday()
    values = dict(zip(CASE_COLUMNS, case_row(case, until), strict=True))
    entries: list[tuple[float, int, str, Event]] = []
    for order, part in enumerate([case, *case.children]):
        for event in part.history or []:
            entries.append((event.time, order, part.label, event))
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    streams = scenario.customers.stream_names()
    events = []
    lanes: dict[str | None, str] = {}
    for time, _, label, event in entries:
        if event.team not in lanes:
            lanes[event.team] = lane(scenario, event.team)
        team = scenario.teams.get(event.team) if event.team is not None else None
        org = team.org if team is not None else event.team  # an organization holding the case
        events.append(
            {
                "time": time,
                "clock": clock(time, weekday),
                "case": label,
                "team": event.team,
                "org": org,
                "lane": lanes[event.team],
                "channel": event.channel,
                "what": event.what,
                "details": {key: _plain(value) for key, value in event.details.items()},
            }
        )
    return {
        "case": case.label,
        "replication": replication,
        "stream": streams[case.stream] if streams else None,
        "segment": case.segment.name,
        "journey": case.journey,
        "values": {key: float(value) for key, value in values.items()},
        "events": events,
    }


def _plain(value: Any) -> Any:
    """A history detail as JSON can hold it."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    return str(value)


def figure_parts(
    world: World, tally: Tally, timelines: list[dict[str, Any]] | None = None
) -> FigureParts:
    """What replication `world` adds to the figures, from its tally of cases and counters."""
    holders: dict[str, Team] = {**world.teams, **world.organizations}
    return FigureParts(
        handoffs=tally.handoffs.tolist(),
        matrix={name: dict(team.handed) for name, team in holders.items() if team.handed},
        orphan_times=tally.orphan_times,
        orphaned_after=dict(world.recorder.orphaned_after),
        weeks={
            name: {series: list(getattr(team.week, series)) for series in WEEK_SERIES}
            for name, team in world.teams.items()
        },
        timelines=timelines or [],
    )


# --- across replications -----------------------------------------------------------------


def curve(minutes: np.ndarray, share: np.ndarray, points: int = POINTS) -> dict[str, list[float]]:
    """A step curve of shares thinned to about `points` points, keeping its first and last."""
    if len(minutes) > points:
        keep = np.unique(np.linspace(0, len(minutes) - 1, points).round().astype(int))
        minutes, share = minutes[keep], share[keep]
    share = np.clip(share, 0.0, 1.0)  # sums of many small steps can stray past 1 by a hair
    return {"minutes": [float(m) for m in minutes], "share": [float(s) for s in share]}


def _times(replications: Sequence[Replication], name: str) -> TimeSketch:
    return TimeSketch.merged(r.times[name] for r in replications)


def _incidence(replications: Sequence[Replication], name: str) -> dict[str, list[float]]:
    times, incidence = _times(replications, name).incidence()
    return curve(np.concatenate(([0.0], times)), np.concatenate(([0.0], incidence)))


def _endings(replications: Sequence[Replication]) -> tuple[float, float]:
    """Customer view: the estimated shares that gave up, and that were open at the longest
    time seen — beside the resolved curve's end, they make up all cases."""
    times = _times(replications, "time_to_resolution")
    if not times.total:
        return math.nan, math.nan
    _, resolved = times.incidence()
    _, gave_up = times.incidence(COMPETING)
    ended = (resolved[-1] if len(resolved) else 0.0) + (gave_up[-1] if len(gave_up) else 0.0)
    return float(gave_up[-1]) if len(gave_up) else 0.0, max(0.0, 1.0 - float(ended))


def _ratio(top: float, bottom: float) -> float | None:
    return top / bottom if bottom > 0 else None


def _weeks(parts: Sequence[FigureParts], scenario: Scenario) -> dict[str, Any]:
    teams: dict[str, Any] = {}
    for name, spec in scenario.teams.items():
        sums = {
            series: np.sum([p.weeks[name][series] for p in parts if name in p.weeks], axis=0)
            for series in WEEK_SERIES
        }
        hours = range(len(sums["exposure"]))
        teams[name] = {
            "org": spec.org,
            "calendar": spec.calendar is not None,
            "hour_of_week": {
                "offered": [_ratio(sums["offered"][h], sums["exposure"][h] / 60) for h in hours],
                "asa": [_ratio(sums["wait_sum"][h], sums["answered"][h]) for h in hours],
                "occupancy": [_ratio(sums["busy"][h], sums["staffed"][h]) for h in hours],
            },
        }
    return teams


def figures(replications: Sequence[Replication], scenario: Scenario) -> dict[str, Any]:
    """figures.json of a run: its replications' figure parts added up."""
    parts = [r.figures for r in replications if r.figures is not None]
    count = len(parts)
    if not count:
        return {"version": VERSION, "replications": 0}
    start = scenario.start or DEFAULT_START
    total = max(sum(r.times[TIME_METRICS[0]].total for r in replications), 1)
    gave_up, still_open = _endings(replications)
    buckets = np.sum([p.handoffs for p in parts], axis=0)
    matrix: dict[str, Counter[str]] = {}
    for part in parts:
        for source, targets in part.matrix.items():
            matrix.setdefault(source, Counter()).update(targets)
    after: Counter[str] = Counter()
    for part in parts:
        after.update(part.orphaned_after)
    orphans = LogHistogram.merged(p.orphan_times for p in parts)
    orphan_times, orphan_counts = orphans.values()
    orphan_share = np.cumsum(orphan_counts) / max(orphans.total, 1)
    holders = {name: {"org": team.org, "kind": "team"} for name, team in scenario.teams.items()}
    holders.update({name: {"org": name, "kind": "organization"} for name in scenario.organizations})
    timelines = next((p.timelines for p in parts if p.timelines), [])
    return {
        "version": VERSION,
        "start": start.isoformat(),
        "weekday": start.weekday(),
        "replications": count,
        "time_to_resolution": {
            "customer": _incidence(replications, "time_to_resolution"),
            "process": _incidence(replications, "process_time_to_resolution"),
            "gave_up": gave_up,
            "open": still_open,
        },
        "handoffs": {
            "counts": list(range(len(buckets))),
            "share": [float(b) / total for b in buckets],
        },
        "handoff_matrix": {
            source: {target: n / count for target, n in sorted(targets.items())}
            for source, targets in sorted(matrix.items())
        },
        "holders": holders,
        "orphans": {
            "rate": float(np.nanmean([r.metrics["orphan_rate"] for r in replications])),
            "per_replication": orphans.total / count,
            "time": curve(orphan_times, orphan_share),
            "after_step": {step: n / count for step, n in after.most_common()},
        },
        "teams": _weeks(parts, scenario),
        "timelines": timelines,
    }
