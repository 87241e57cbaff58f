"""From flat records to KPIs: per case, per replication, then across replications.

The engine hands every counted case to a `Recorder` as it ends (or, still open, at the
horizon); the recorder keeps one flat row per case in columns. `replication_metrics`
turns the columns and the team counters into one replication's values;
`summarize` combines replications: mean and 95 % t interval over replications, and
percentiles of times over all cases by Kaplan–Meier, since unresolved cases are
censored at the horizon.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    from cxsim.engine.case import Case
    from cxsim.engine.world import Team

CASE_COLUMNS = (
    "created",
    "time_to_resolution",
    "resolved",
    "process_time_to_resolution",
    "process_resolved",
    "gave_up",
    "orphaned",
    "orphan_time",
    "handoffs",
    "cross_org_handoffs",
    "repeats",
    "contacts",
    "outbound",
    "customer_effort",
    "wasted_visits",
    "broken_promises",
    "missed_appointments",
    "visits",
    "fixed_first_visit",
)
"""One value per counted case; times in minutes, censored at the horizon when unresolved."""

Better = Literal["lower", "higher", "neither"]


@dataclass(frozen=True)
class Metric:
    """A KPI: its JSON name, what it measures, and which direction is better."""

    name: str
    kind: Literal["time", "rate", "count", "number"]
    better: Better
    description: str


CASE_METRICS = (
    Metric(
        "time_to_resolution",
        "time",
        "lower",
        "customer view: first contact until every problem is fixed (resolved cases)",
    ),
    Metric(
        "process_time_to_resolution",
        "time",
        "lower",
        "process view: the root case alone (resolved cases)",
    ),
    Metric("resolved_rate", "rate", "higher", "share of cases resolved by the horizon"),
    Metric("gave_up_rate", "rate", "lower", "share of cases the customer gave up on"),
    Metric("orphan_rate", "rate", "lower", "share of cases orphaned at some point"),
    Metric("orphan_time", "time", "lower", "mean time per case spent orphaned"),
    Metric("handoffs", "number", "lower", "moves of ownership between teams per case"),
    Metric("cross_org_handoffs", "number", "lower", "handoffs between organizations per case"),
    Metric("repeats", "number", "lower", "times per case the customer told the story again"),
    Metric("contacts", "number", "lower", "customer-initiated contacts per case"),
    Metric("outbound", "number", "neither", "contacts made by teams to the customer per case"),
    Metric(
        "customer_effort",
        "time",
        "lower",
        "customer's own minutes per case: holding, contacts, waiting in",
    ),
    Metric(
        "wasted_visits",
        "number",
        "lower",
        "steps per case whose work was wasted because a required condition was missing",
    ),
    Metric("broken_promises", "number", "lower", "promises to the customer broken per case"),
    Metric(
        "missed_appointments",
        "number",
        "lower",
        "appointment windows per case the technician did not arrive in",
    ),
    Metric("truck_rolls", "number", "lower", "field visits per case that had any"),
    Metric(
        "first_time_fix_rate",
        "rate",
        "higher",
        "share of cases with field visits fixed by the first one",
    ),
    Metric(
        "first_contact_resolution",
        "rate",
        "higher",
        "share of cases resolved with one customer contact",
    ),
    Metric(
        "repeat_contact_rate", "rate", "lower", "share of cases with more than one customer contact"
    ),
    Metric("cases", "count", "neither", "cases counted (arrived after warm-up)"),
)

TEAM_METRICS = (
    Metric("asa", "time", "lower", "mean wait of answered contacts"),
    Metric(
        "service_level",
        "rate",
        "higher",
        "answered within target / (offered - abandoned within target)",
    ),
    Metric("abandonment_rate", "rate", "lower", "abandoned / offered"),
    Metric("occupancy", "rate", "neither", "busy time / staffed time"),
    Metric("handled", "count", "neither", "contacts and tasks taken up by the team"),
    Metric("offered", "count", "neither", "contacts and tasks offered to the team"),
    Metric("abandoned", "count", "lower", "contacts abandoned in the queue"),
    Metric("waiting", "count", "neither", "contacts still waiting at the horizon"),
)

TIME_METRICS = ("time_to_resolution", "process_time_to_resolution")
"""Times whose percentiles are reported over all cases."""

PERCENTILES = (50, 90, 99)


def case_row(root: Case, until: float | None) -> tuple[float, ...]:
    """The row of a root case in CASE_COLUMNS order, its child cases included (customer view)."""
    parts = [root, *root.children]
    ends = [part.ended_at for part in parts]
    if until is None:
        until = max(end for end in ends if end is not None)
    resolved = root.resolved
    customer_end = max(end for end in ends if end is not None) if resolved else until
    process_resolved = root.outcome == "resolved"
    process_end = root.ended_at if process_resolved and root.ended_at is not None else until
    orphans = [part.orphan_state(until) for part in parts]
    return (
        root.created,
        customer_end - root.created,
        resolved,
        process_end - root.created,
        process_resolved,
        root.outcome == "gave_up",
        any(orphaned for orphaned, _ in orphans),
        sum(time for _, time in orphans),
        sum(part.handoffs for part in parts),
        sum(part.cross_org_handoffs for part in parts),
        sum(part.repeats for part in parts),
        sum(part.contacts for part in parts),
        sum(part.outbound for part in parts),
        sum(part.effort for part in parts),
        sum(part.wasted for part in parts),
        sum(part.broken for part in parts),
        sum(part.missed for part in parts),
        sum(part.visits for part in parts),
        process_resolved and root.visits == 1,
    )


class Recorder:
    """Collects one flat row per counted case (a tuple in `CASE_COLUMNS` order)."""

    BLOCK = 4096
    """Rows kept as tuples before they are packed into a numpy block (8 bytes a value)."""

    def __init__(self) -> None:
        self.rows: list[tuple[float, ...]] = []
        self.blocks: list[np.ndarray] = []

    def case_closed(self, case: Case, until: float | None = None) -> None:
        """Record a root case that is done, or still open at `until` (censored there)."""
        if not case.counted:
            return
        if case.children:
            self.rows.append(case_row(case, until))
        else:
            if until is None:
                until = case.ended_at if case.ended_at is not None else case.created
            elapsed = until - case.created
            outcome = case.outcome
            orphaned, orphan_time = case.orphan_state(until)
            self.rows.append(
                (
                    case.created,
                    elapsed,
                    outcome == "resolved",
                    elapsed,
                    outcome == "resolved",
                    outcome == "gave_up",
                    orphaned,
                    orphan_time,
                    case.handoffs,
                    case.cross_org_handoffs,
                    case.repeats,
                    case.contacts,
                    case.outbound,
                    case.effort,
                    case.wasted,
                    case.broken,
                    case.missed,
                    case.visits,
                    outcome == "resolved" and case.visits == 1,
                )
            )
        if len(self.rows) >= self.BLOCK:
            self._pack()

    def _pack(self) -> None:
        self.blocks.append(np.array(self.rows, dtype=float).reshape(-1, len(CASE_COLUMNS)))
        self.rows.clear()

    def arrays(self) -> dict[str, np.ndarray]:
        """The columns as numpy arrays."""
        self._pack()
        table = np.concatenate(self.blocks)
        return {name: table[:, i] for i, name in enumerate(CASE_COLUMNS)}


@dataclass
class Replication:
    """What one replication measured: KPI values and the case times for percentiles."""

    index: int
    metrics: dict[str, float]
    teams: dict[str, dict[str, float]]
    times: dict[str, tuple[np.ndarray, np.ndarray]] = field(repr=False)
    failures: dict[str, float] = field(default_factory=dict)
    """Occurrences of each named failure per counted case."""


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else math.nan


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.nan


def replication_metrics(
    index: int,
    cases: dict[str, np.ndarray],
    teams: dict[str, Team],
    failure_counts: Mapping[str, int] | None = None,
) -> Replication:
    """KPI values of one replication from its case columns, team and failure counters."""
    resolved = cases["resolved"].astype(bool)
    process_resolved = cases["process_resolved"].astype(bool)
    contacts = cases["contacts"]
    visits = cases["visits"]
    visited = visits > 0
    metrics = {
        "time_to_resolution": _mean(cases["time_to_resolution"][resolved]),
        "process_time_to_resolution": _mean(cases["process_time_to_resolution"][process_resolved]),
        "resolved_rate": _mean(resolved),
        "gave_up_rate": _mean(cases["gave_up"]),
        "orphan_rate": _mean(cases["orphaned"]),
        "orphan_time": _mean(cases["orphan_time"]),
        "handoffs": _mean(cases["handoffs"]),
        "cross_org_handoffs": _mean(cases["cross_org_handoffs"]),
        "repeats": _mean(cases["repeats"]),
        "contacts": _mean(contacts),
        "outbound": _mean(cases["outbound"]),
        "customer_effort": _mean(cases["customer_effort"]),
        "wasted_visits": _mean(cases["wasted_visits"]),
        "broken_promises": _mean(cases["broken_promises"]),
        "missed_appointments": _mean(cases["missed_appointments"]),
        "truck_rolls": _mean(visits[visited]),
        "first_time_fix_rate": _mean(cases["fixed_first_visit"][visited]),
        "first_contact_resolution": _mean(resolved & (contacts == 1)),
        "repeat_contact_rate": _mean(contacts > 1),
        "cases": float(len(resolved)),
    }
    team_values = {
        name: {
            "asa": _ratio(team.wait_sum, team.answered),
            "service_level": _ratio(team.answered_within, team.offered - team.abandoned_within),
            "abandonment_rate": _ratio(team.abandoned, team.offered),
            "occupancy": _ratio(team.busy_area, team.staffed_area),
            "handled": float(team.answered),
            "offered": float(team.offered),
            "abandoned": float(team.abandoned),
            "waiting": float(team.waiting()),
        }
        for name, team in teams.items()
    }
    times = {
        "time_to_resolution": (cases["time_to_resolution"], resolved),
        "process_time_to_resolution": (cases["process_time_to_resolution"], process_resolved),
    }
    count = len(resolved)
    failures = {name: _ratio(n, count) for name, n in (failure_counts or {}).items()}
    return Replication(index, metrics, team_values, times, failures)


# --- across replications -----------------------------------------------------------------


def t_quantile(confidence: float, df: int) -> float:
    """Two-sided Student t quantile for `confidence` with `df` degrees of freedom."""
    from scipy.special import stdtrit  # imported here: scipy costs start-up time

    return float(stdtrit(df, 0.5 + confidence / 2))


def mean_ci(values: Sequence[float], confidence: float = 0.95) -> dict[str, Any]:
    """Mean over replications with its t confidence interval (None where undefined)."""
    data = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    if len(data) == 0:
        return {"mean": None, "ci95": [None, None]}
    mean = float(data.mean())
    if len(data) < 2:
        return {"mean": mean, "ci95": [None, None]}
    half = t_quantile(confidence, len(data) - 1) * float(data.std(ddof=1)) / math.sqrt(len(data))
    return {"mean": mean, "ci95": [mean - half, mean + half]}


def kaplan_meier_quantiles(
    durations: np.ndarray, observed: np.ndarray, quantiles: Sequence[float]
) -> list[float]:
    """Quantiles of a time from right-censored data (Kaplan–Meier); inf beyond the data."""
    durations = np.asarray(durations, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    if len(durations) == 0 or not observed.any():
        return [math.inf for _ in quantiles]
    order = np.argsort(durations, kind="stable")
    times, events = durations[order], observed[order]
    unique, first = np.unique(times, return_index=True)
    at_risk = len(times) - first
    deaths = np.add.reduceat(events.astype(float), first)
    cdf = 1 - np.cumprod(1 - deaths / at_risk)
    result = []
    for q in quantiles:
        index = int(np.searchsorted(cdf, q - 1e-12, side="left"))
        result.append(float(unique[index]) if index < len(unique) else math.inf)
    return result


def summarize(replications: Sequence[Replication]) -> dict[str, Any]:
    """Across replications: mean and 95 % CI of each KPI; time percentiles over all cases."""
    metrics: dict[str, Any] = {}
    for metric in CASE_METRICS:
        metrics[metric.name] = mean_ci([r.metrics[metric.name] for r in replications])
    for name in TIME_METRICS:
        durations = np.concatenate([r.times[name][0] for r in replications])
        observed = np.concatenate([r.times[name][1] for r in replications])
        values = kaplan_meier_quantiles(durations, observed, [p / 100 for p in PERCENTILES])
        for p, value in zip(PERCENTILES, values, strict=True):
            metrics[name][f"p{p}"] = None if math.isinf(value) else value
    team_names = list(replications[0].teams) if replications else []
    teams = {
        team: {m.name: mean_ci([r.teams[team][m.name] for r in replications]) for m in TEAM_METRICS}
        for team in team_names
    }
    failure_names = list(replications[0].failures) if replications else []
    failures = {name: mean_ci([r.failures[name] for r in replications]) for name in failure_names}
    return {"metrics": metrics, "teams": teams, "failures": failures}
