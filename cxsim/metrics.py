"""From flat records to KPIs: per case, per replication, then across replications.

The engine hands every counted case to a `Recorder` as it ends (or, still open, when the
run ends); the recorder makes one flat row per case and folds each block of rows into the
replication's `Tally` (`cxsim.tally`): sums for exact means, log histograms for the
percentiles of times. `replication_metrics` turns the tally and the team counters into
one replication's values; `summarize` combines replications: mean and 95 % interval
over replications within each metric's domain, and percentiles of times over all cases
from the cumulative incidence of resolution (giving up competes; cases open when the run
ended are censored), read from the replications' histograms added up.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from cxsim.scenario.units import format_duration
from cxsim.sketch import TimeSketch
from cxsim.statistics import mean_ci
from cxsim.tally import CASE_COLUMNS, PER_CASE, TIME_METRICS, Tally
from cxsim.warmup import suggested_warmup

if TYPE_CHECKING:
    from cxsim.engine.case import Case
    from cxsim.engine.world import Team
    from cxsim.figures import FigureParts, WorstCases

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
    Metric("resolved_rate", "rate", "higher", "share of cases resolved by the end of the run"),
    Metric(
        "gave_up_rate", "rate", "lower", "share of cases the customer gave up on (or on a child)"
    ),
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
        "answered within target / (offered - abandoned within target), real-time channels",
    ),
    Metric("abandonment_rate", "rate", "lower", "abandoned / offered"),
    Metric(
        "booking_to_visit",
        "time",
        "lower",
        "field teams: mean time from booking a visit to the technician's arrival on site",
    ),
    Metric("occupancy", "rate", "neither", "busy time / staffed time"),
    Metric(
        "handled",
        "count",
        "neither",
        "contacts and tasks the team's people took up, overflowed ones from other teams included",
    ),
    Metric("offered", "count", "neither", "contacts and tasks offered to the team"),
    Metric("abandoned", "count", "lower", "contacts abandoned in the queue"),
    Metric(
        "overflowed",
        "count",
        "neither",
        "contacts offered to the team that its overflow team answered",
    ),
    Metric("waiting", "count", "neither", "contacts still waiting when the run ended"),
)

CASE_RATES = (
    "resolved_rate",
    "gave_up_rate",
    "orphan_rate",
    "first_contact_resolution",
    "repeat_contact_rate",
)
"""Case rates that are shares of all counted cases."""

PERCENTILES = (50, 90, 99)


def case_row(root: Case, until: float | None) -> tuple[float, ...]:
    """The row of a root case in CASE_COLUMNS order, its child cases included (customer view)."""
    parts = [root, *root.children]
    resolved = root.resolved  # every problem known so far is fixed
    still_open = not resolved and any(part.ended_at is None for part in parts)
    until = measured_until(root, until)
    process_open = root.ended_at is None
    process_end = until if process_open else root.ended_at
    assert process_end is not None
    orphans = [part.orphan_state(until) for part in parts]
    return (
        root.created,
        until - root.created,
        resolved,
        still_open,
        process_end - root.created,
        root.outcome == "resolved",
        process_open,
        any(part.outcome == "gave_up" for part in parts),  # on the case or a child of it
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
        root.outcome == "resolved" and root.visits == 1,
        root.stream,
    )


def measured_until(root: Case, until: float | None) -> float:
    """Until when a root case and its children are measured: their end, or `until` (the
    end of the run) if a problem of theirs is still open."""
    parts = [root, *root.children]
    still_open = not root.resolved and any(part.ended_at is None for part in parts)
    if until is None or not still_open:
        return max(part.ended_at for part in parts if part.ended_at is not None)
    return until


class Recorder:
    """Makes one flat row per counted case (a tuple in `CASE_COLUMNS` order) and folds
    each block of rows into the replication's `Tally`.

    With `keep_rows`, the rows are kept too, for `arrays()` (tests and traces that read
    each case); without, memory holds one block of rows at most, whatever the cases.
    """

    BLOCK = 4096
    """Rows kept as tuples before they are folded (and, kept, packed 8 bytes a value)."""

    def __init__(self, keep_rows: bool = False) -> None:
        self.rows: list[tuple[float, ...]] = []
        self.keep_rows = keep_rows
        self.blocks: list[np.ndarray] = []
        """The rows folded so far, with `keep_rows`."""
        self._tally = Tally()
        self.orphaned_after: Counter[str] = Counter()
        """Orphaned cases by the `journey.step` they were left at (first orphaned part)."""
        self.worst: WorstCases | None = None
        """Shown every recorded case, to keep the worst ones told (`cxsim.figures`)."""

    def case_closed(self, case: Case, until: float | None = None) -> None:
        """Record a root case that is done, or still open at `until` (censored there)."""
        if not case.counted:
            return
        if case.children or case.pending_children:
            self.rows.append(case_row(case, until))
            final = measured_until(case, until)
            for part in (case, *case.children):
                step = part.orphaned_at(final)
                if step is not None:
                    self.orphaned_after[f"{part.journey}.{step}"] += 1
                    break
        else:
            ended = case.ended_at
            if ended is not None:
                until = ended
            assert until is not None
            elapsed = until - case.created
            outcome = case.outcome
            orphaned, orphan_time = case.orphan_state(until)
            if orphaned:
                self.orphaned_after[f"{case.journey}.{case.orphaned_at(until)}"] += 1
            self.rows.append(
                (
                    case.created,
                    elapsed,
                    outcome == "resolved",
                    ended is None,
                    elapsed,
                    outcome == "resolved",
                    ended is None,
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
                    case.stream,
                )
            )
        if self.worst is not None:
            self.worst.consider(case, until)
        if len(self.rows) >= self.BLOCK:
            self._fold()

    def _fold(self) -> None:
        if not self.rows:
            return
        block = np.array(self.rows, dtype=float).reshape(-1, len(CASE_COLUMNS))
        self.rows.clear()
        self._tally.fold(block)
        if self.keep_rows:
            self.blocks.append(block)

    def tally(self) -> Tally:
        """What the cases recorded so far add up to."""
        self._fold()
        return self._tally

    def arrays(self) -> dict[str, np.ndarray]:
        """The rows as one numpy array per column; only with `keep_rows`."""
        if not self.keep_rows:
            raise RuntimeError("this recorder keeps no rows: make it with Recorder(keep_rows=True)")
        self._fold()
        table = np.concatenate([np.empty((0, len(CASE_COLUMNS))), *self.blocks])
        return {name: table[:, i] for i, name in enumerate(CASE_COLUMNS)}


@dataclass
class Replication:
    """What one replication measured: KPI values, and histograms of case times for
    percentiles; as small whatever the number of cases."""

    index: int
    metrics: dict[str, float]
    teams: dict[str, dict[str, float]]
    times: dict[str, TimeSketch] = field(repr=False)
    """Per time metric (`time_to_resolution`, `streams.NAME.time_to_resolution`): its
    cases' times by how they ended (resolved, censored, competing)."""
    failures: dict[str, float] = field(default_factory=dict)
    """Occurrences of each named failure per counted case."""
    sizes: dict[str, float] = field(default_factory=dict)
    """For each rate (`resolved_rate`, `teams.phone.abandonment_rate`): what it is a share of."""
    warmup: float = 0.0
    """The warm-up applied: cases and contacts arriving before it were not counted."""
    wait_profile: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    """Waits of the always-open teams by time offered (`Team.waits`), to find the warm-up."""
    streams: dict[str, dict[str, float]] = field(default_factory=dict)
    """With several streams of work: each stream's case metrics (its case times and its
    rates' sizes are in `times` and `sizes`, under `streams.NAME.`)."""
    figures: FigureParts | None = field(default=None, repr=False)
    """What the replication adds to the plots' data (`cxsim.figures`)."""


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.nan


def replication_metrics(
    index: int,
    tally: Tally,
    teams: dict[str, Team],
    failure_counts: Mapping[str, int] | None = None,
    streams: Sequence[str] = (),
) -> Replication:
    """KPI values of one replication from its tally of cases, team and failure counters.

    With several `streams` (names in number order), the case metrics of each stream too.
    """
    sums = tally.sums_of()
    metrics, times, sizes = _case_values(sums, tally.times_of())
    per_stream: dict[str, dict[str, float]] = {}
    if len(streams) > 1:
        for number, name in enumerate(streams):
            values, stream_times, stream_sizes = _case_values(
                tally.sums_of(number), tally.times_of(number)
            )
            per_stream[name] = values
            prefix = f"streams.{name}."
            times.update({prefix + key: value for key, value in stream_times.items()})
            sizes.update({prefix + key: value for key, value in stream_sizes.items()})
    team_values = {
        name: {
            "asa": _ratio(team.wait_sum, team.answered),
            "service_level": _ratio(
                team.answered_within, team.offered_live - team.abandoned_within
            ),
            "booking_to_visit": _ratio(team.visit_lead_sum, team.visits_booked),
            "abandonment_rate": _ratio(team.abandoned, team.offered),
            "occupancy": _ratio(team.busy_area, team.staffed_area),
            "handled": float(team.handled()),
            "offered": float(team.offered),
            "abandoned": float(team.abandoned),
            "overflowed": float(team.overflowed),
            "waiting": float(team.waiting()),
        }
        for name, team in teams.items()
    }
    failures = {name: _ratio(n, sums["cases"]) for name, n in (failure_counts or {}).items()}
    for name, team in teams.items():
        sizes[f"teams.{name}.abandonment_rate"] = float(team.offered)
        sizes[f"teams.{name}.service_level"] = float(team.offered_live - team.abandoned_within)
    return Replication(index, metrics, team_values, times, failures, sizes, streams=per_stream)


PER_CASE_METRICS = {
    "gave_up_rate": "gave_up",
    "orphan_rate": "orphaned",
    **{name: name for name in PER_CASE if name not in ("gave_up", "orphaned")},
}
"""Case metrics that are a tally's sum of a column (`PER_CASE`) over the counted cases."""


def _case_values(
    sums: Mapping[str, float], times: dict[str, TimeSketch]
) -> tuple[dict[str, float], dict[str, TimeSketch], dict[str, float]]:
    """Case metrics of some cases from their sums, their times, and the sizes of rates."""
    cases, visited = sums["cases"], sums["visited"]
    metrics = {
        "time_to_resolution": _ratio(sums["resolved_time"], sums["resolved"]),
        "process_time_to_resolution": _ratio(
            sums["process_resolved_time"], sums["process_resolved"]
        ),
        "resolved_rate": _ratio(sums["resolved"], cases),
        **{metric: _ratio(sums[column], cases) for metric, column in PER_CASE_METRICS.items()},
        "truck_rolls": _ratio(sums["visits"], visited),
        "first_time_fix_rate": _ratio(sums["fixed_first_visit"], visited),
        "first_contact_resolution": _ratio(sums["first_contact_resolution"], cases),
        "repeat_contact_rate": _ratio(sums["repeat_contact"], cases),
        "cases": cases,
    }
    sizes = dict.fromkeys(CASE_RATES, cases)
    sizes["first_time_fix_rate"] = visited
    return metrics, times, sizes


# --- across replications -----------------------------------------------------------------


DOMAINS: dict[str, tuple[float, float]] = {
    "time": (0.0, math.inf),
    "rate": (0.0, 1.0),
    "count": (0.0, math.inf),
    "number": (0.0, math.inf),
}
"""Where each kind of metric can lie: its interval is never wider than that."""


def metric_ci(
    metric: Metric, values: Sequence[float], pooled: tuple[float, float] | None = None
) -> dict[str, Any]:
    """Mean and 95 % interval of a metric over replications, within the metric's domain.

    `pooled` (successes, trials over all replications) gives a rate that never varies an
    exact binomial interval instead of none.
    """
    return mean_ci(values, domain=DOMAINS[metric.kind], pooled=pooled)


def pooled_counts(
    replications: Sequence[Replication], key: str, values: Sequence[float]
) -> tuple[float, float] | None:
    """(successes, trials) of a rate summed over replications; None if its sizes are unknown."""
    sizes = [r.sizes.get(key) for r in replications]
    if any(size is None for size in sizes):
        return None
    pairs = [(v, n) for v, n in zip(values, sizes, strict=True) if n and not math.isnan(v)]
    return sum(v * n for v, n in pairs), sum(n for _, n in pairs)  # type: ignore[operator]


def _summary(metric: Metric, key: str, replications: Sequence[Replication]) -> dict[str, Any]:
    parts = key.split(".")
    if parts[0] == "teams":
        values = [r.teams[parts[1]][parts[2]] for r in replications]
    elif parts[0] == "streams":
        values = [r.streams[parts[1]][parts[2]] for r in replications]
    else:
        values = [r.metrics[key] for r in replications]
    return metric_ci(metric, values, pooled_counts(replications, key, values))


def summarize(replications: Sequence[Replication], horizon: float | None = None) -> dict[str, Any]:
    """Across replications: mean and 95 % CI of each KPI; time percentiles over all cases.

    With the `horizon`, also the warm-up the waits suggest, and what makes the run shaky.
    """
    metrics = _case_summary("", replications)
    stream_names = list(replications[0].streams) if replications else []
    streams = {name: _case_summary(f"streams.{name}.", replications) for name in stream_names}
    team_names = list(replications[0].teams) if replications else []
    teams = {
        team: {m.name: _summary(m, f"teams.{team}.{m.name}", replications) for m in TEAM_METRICS}
        for team in team_names
    }
    failure_names = list(replications[0].failures) if replications else []
    failures = {
        name: mean_ci([r.failures[name] for r in replications], domain=(0.0, math.inf))
        for name in failure_names
    }
    return {
        "metrics": metrics,
        "streams": streams,
        "teams": teams,
        "failures": failures,
        "warmup": warmup_summary(replications, horizon),
        "warnings": warnings(replications, horizon),
    }


def _case_summary(prefix: str, replications: Sequence[Replication]) -> dict[str, Any]:
    """Case metrics over replications (all cases, or a stream's under `streams.NAME.`)."""
    metrics: dict[str, Any] = {}
    for metric in CASE_METRICS:
        metrics[metric.name] = _summary(metric, prefix + metric.name, replications)
    for name in TIME_METRICS:
        pooled = TimeSketch.merged(r.times[prefix + name] for r in replications)
        values = pooled.quantiles([p / 100 for p in PERCENTILES])
        for p, value in zip(PERCENTILES, values, strict=True):
            metrics[name][f"p{p}"] = None if math.isinf(value) else value
    return metrics


MIN_REPLICATIONS = 5
"""Fewer replications than this give intervals too shaky to judge an assertion on."""


def warmup_summary(
    replications: Sequence[Replication], horizon: float | None
) -> dict[str, float | None]:
    """The warm-up applied (mean over replications) and the one their waits suggest."""
    if not replications or horizon is None:
        return {"applied": None, "suggested": None}
    profiles = [r.wait_profile for r in replications]
    return {
        "applied": float(np.mean([r.warmup for r in replications])),
        "suggested": suggested_warmup(profiles, horizon),
    }


def warnings(replications: Sequence[Replication], horizon: float | None) -> list[str]:
    """What makes a run's numbers shaky: too few replications, a warm-up that looks short."""
    found = []
    count = len(replications)
    if 0 < count < MIN_REPLICATIONS:
        found.append(
            f"only {count} replication{'s' if count != 1 else ''}: intervals are shaky and "
            f"assertions inconclusive; run at least {MIN_REPLICATIONS}"
        )
    warmup = warmup_summary(replications, horizon)
    applied, suggested = warmup["applied"], warmup["suggested"]
    if applied is not None and suggested is not None and suggested > applied + WARMUP_SLACK:
        found.append(
            f"the warm-up looks too short: the waits settle after about "
            f"{format_duration(suggested)} (MSER-5 over the replications), not "
            f"{format_duration(applied)}; set warmup: {_rounded_up(suggested)} or warmup: auto"
        )
    if replications and not any(r.metrics["cases"] for r in replications):
        found.append("no case was counted: every case arrived during the warm-up")
    return found


def _rounded_up(minutes: float) -> str:
    """A duration to write in a scenario, never shorter than `minutes`."""
    if minutes < 120:
        return f"{math.ceil(minutes)}min"
    if minutes < 2880:
        return f"{math.ceil(minutes / 6) / 10:g}h"
    return f"{math.ceil(minutes / 144) / 10:g}d"


WARMUP_SLACK = 1.0
"""Minutes by which the suggested warm-up must exceed the applied one to be worth a warning."""
