"""How well a simulated log reproduces a real one: the figures, as a record, a table and JSON.

`compare_logs(real, simulated)` reduces each log to its cases (when each started and
ended, its activities in the order they began) and measures the distances of
`cxsim.fit.distances` between them: cycle time, activity frequencies, control flow
(2- and 3-grams), inter-arrival times, and the hour of day and weekday cases start on.
Asked for, the figures of the optional `log-distance-measures` package (the ones the
Simod papers report) are added as `reference`; cxsim's own figures never depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import Any

import numpy as np

from cxsim.fit import distances
from cxsim.fit import reference as library
from cxsim.fit.log import Activity, Log

NGRAM_SIZES = (2, 3)
"""The n of the control-flow distances reported."""


@dataclass(frozen=True)
class CaseFacts:
    """What the figures need of one case."""

    start: datetime
    """When the case's first activity began (or ended, when starts are not logged)."""
    end: datetime
    """When its last activity ended."""
    activities: tuple[str, ...]
    """Its activities in the order they began (then ended)."""

    @property
    def hours(self) -> float:
        """The case's cycle time in hours."""
        return (self.end - self.start).total_seconds() / 3600


def case_facts(log: Log) -> list[CaseFacts]:
    """Each case's start, end and activity sequence, cases in order of their start."""
    facts = [_facts(activities) for activities in log.cases().values()]
    return sorted(facts, key=lambda case: case.start)


def _facts(activities: list[Activity]) -> CaseFacts:
    ordered = sorted(activities, key=lambda a: (a.start or a.end, a.end))
    return CaseFacts(
        start=min(a.start or a.end for a in activities),
        end=max(a.end for a in activities),
        activities=tuple(a.activity for a in ordered),
    )


@dataclass(frozen=True)
class Quality:
    """The distances between a real log and a simulated one (0 means alike)."""

    real_cases: int
    simulated_cases: int
    cycle_time_emd_hours: float
    """Earth mover's distance between the logs' case durations, in hours."""
    real_mean_hours: float
    simulated_mean_hours: float
    activity_frequency_distance: float
    """Σ|r − s| / Σ(r + s) over activities' instances per case: 0 to 1."""
    ngram_distances: dict[int, float]
    """Control-flow distance for each n: Σ|r − s| / Σ(r + s) over n-grams per case."""
    inter_arrival_emd_hours: float
    """Earth mover's distance between the logs' times between consecutive case starts."""
    hour_of_day_distance: float
    """Total-variation distance of the shares of case starts in each hour of the day."""
    weekday_distance: float
    """Total-variation distance of the shares of case starts on each weekday."""
    activities: dict[str, tuple[float, float]]
    """Each activity's instances per case: (real, simulated)."""
    reference: dict[str, float] = field(default_factory=dict)
    """Figures of `log-distance-measures` when asked for, keyed by its function."""
    real_hours: tuple[float, ...] = field(default=(), repr=False)
    """The real log's case durations (hours), for the chart."""
    simulated_hours: tuple[float, ...] = field(default=(), repr=False)
    """The simulated log's case durations (hours), for the chart."""
    naive_cycle_time_emd_hours: float | None = None
    """The yardstick: cycle-time EMD between the real log and the log the scenario was
    fitted on (its durations resampled as they are); None when not measured."""

    def to_dict(self) -> dict[str, Any]:
        """The figures as plain JSON data (durations of single cases left out)."""
        return {
            "cases": {"real": self.real_cases, "simulated": self.simulated_cases},
            "cycle_time": {
                "emd_hours": self.cycle_time_emd_hours,
                "real_mean_hours": self.real_mean_hours,
                "simulated_mean_hours": self.simulated_mean_hours,
                "naive_emd_hours": self.naive_cycle_time_emd_hours,
            },
            "activity_frequency_distance": self.activity_frequency_distance,
            "activities_per_case": {
                name: {"real": real, "simulated": simulated}
                for name, (real, simulated) in self.activities.items()
            },
            "ngram_distance": {str(n): value for n, value in self.ngram_distances.items()},
            "arrivals": {
                "inter_arrival_emd_hours": self.inter_arrival_emd_hours,
                "hour_of_day_distance": self.hour_of_day_distance,
                "weekday_distance": self.weekday_distance,
            },
            "reference": dict(self.reference),
        }


def compare_logs(real: Log, simulated: Log, reference: bool = False) -> Quality:
    """The distances between a real log and a simulated one.

    With `reference`, also those of `log-distance-measures` (ImportError without it).
    """
    real_cases, simulated_cases = case_facts(real), case_facts(simulated)
    if not real_cases or not simulated_cases:
        empty = "real" if not real_cases else "simulated"
        raise ValueError(f"expected cases in both logs, the {empty} log has none")
    real_hours = [case.hours for case in real_cases]
    simulated_hours = [case.hours for case in simulated_cases]
    real_paths = [case.activities for case in real_cases]
    simulated_paths = [case.activities for case in simulated_cases]
    real_frequencies = distances.activity_frequencies(real_paths)
    simulated_frequencies = distances.activity_frequencies(simulated_paths)
    return Quality(
        real_cases=len(real_cases),
        simulated_cases=len(simulated_cases),
        cycle_time_emd_hours=distances.cycle_time_emd(real_hours, simulated_hours),
        real_mean_hours=float(np.mean(real_hours)),
        simulated_mean_hours=float(np.mean(simulated_hours)),
        activity_frequency_distance=distances.relative_difference(
            real_frequencies, simulated_frequencies
        ),
        ngram_distances={
            n: distances.ngram_distance(real_paths, simulated_paths, n) for n in NGRAM_SIZES
        },
        inter_arrival_emd_hours=distances.cycle_time_emd(
            inter_arrival_hours(real_cases), inter_arrival_hours(simulated_cases)
        ),
        hour_of_day_distance=distances.total_variation(
            (case.start.hour for case in real_cases),
            (case.start.hour for case in simulated_cases),
            24,
        ),
        weekday_distance=distances.total_variation(
            (case.start.weekday() for case in real_cases),
            (case.start.weekday() for case in simulated_cases),
            7,
        ),
        activities={
            name: (real_frequencies.get(name, 0.0), simulated_frequencies.get(name, 0.0))
            for name in sorted(set(real_frequencies) | set(simulated_frequencies))
        },
        reference=library.figures(real, simulated) if reference else {},
        real_hours=tuple(real_hours),
        simulated_hours=tuple(simulated_hours),
    )


def inter_arrival_hours(cases: list[CaseFacts]) -> list[float]:
    """Hours between each case's start and the next one's, cases in order of their start."""
    starts = [case.start for case in cases]
    return [(b - a).total_seconds() / 3600 for a, b in pairwise(starts)]


def format_quality(quality: Quality) -> str:
    """The figures as a short table a person reads, with units."""
    rows = [
        ("cases", f"{quality.real_cases} real, {quality.simulated_cases} simulated"),
        (
            "cycle time EMD",
            f"{quality.cycle_time_emd_hours:.3g} h (mean {quality.real_mean_hours:.3g} h real, "
            f"{quality.simulated_mean_hours:.3g} h simulated)",
        ),
        *(
            [("naive yardstick", f"{naive:.3g} h (the fitting log's own durations)")]
            if (naive := quality.naive_cycle_time_emd_hours) is not None
            else []
        ),
        ("activity frequencies", f"{quality.activity_frequency_distance:.3f} (0 alike, 1 apart)"),
        *(
            (f"control flow, {n}-grams", f"{value:.3f} (0 alike, 1 apart)")
            for n, value in quality.ngram_distances.items()
        ),
        ("inter-arrival EMD", f"{quality.inter_arrival_emd_hours:.3g} h"),
        ("hour of day of starts", f"{quality.hour_of_day_distance:.3f} (total variation)"),
        ("weekday of starts", f"{quality.weekday_distance:.3f} (total variation)"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    names = max((len(name) for name in quality.activities), default=0)
    names = max(names, len("activity"))
    lines += ["", f"{'activity':<{names}}  {'real':>8}  {'simulated':>9}  (instances per case)"]
    lines += [
        f"{name:<{names}}  {real:>8.3f}  {simulated:>9.3f}"
        for name, (real, simulated) in quality.activities.items()
    ]
    if quality.reference:
        lines += ["", "log-distance-measures:"]
        lines += [f"  {name}  {value:.4g}" for name, value in quality.reference.items()]
    return "\n".join(lines)
