"""Names of measured values and how each is measured over replications, with its interval.

A metric reference is written `METRIC[.STAT]` for a case metric,
`streams.STREAM.METRIC[.STAT]` for a case metric of one stream of work (in a scenario
with several), or `teams.TEAM.METRIC[.STAT]` for a team metric; STAT is `mean` (the
default) or, for the case times that have a distribution over cases (`time_to_resolution`,
`process_time_to_resolution`), a percentile `p50`, `p90` or `p99`. Assertions and
`cxsim sweep --metric` use the same references.

A mean is measured as in the summary: mean over replications with a 95 % Student t
interval within the metric's domain (an exact binomial interval for a rate that never
varies). A percentile gets an interval the same way: the percentile of each
replication's cases (cumulative incidence of resolution: giving up competes, open cases
are censored; read from the replication's log histogram, `cxsim.sketch`), then mean and t
interval over replications. (The summary's percentiles pool all cases of all
replications instead, so the two can differ a little.) A replication in which fewer
cases than the percentile are ever resolved has it beyond reach: the value is then
infinite, and the interval's upper end too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cxsim.metrics import (
    CASE_METRICS,
    PERCENTILES,
    TEAM_METRICS,
    TIME_METRICS,
    Metric,
    Replication,
    metric_ci,
    pooled_counts,
)
from cxsim.scenario.problems import did_you_mean, one_of
from cxsim.scenario.units import UNDEFINED, format_duration
from cxsim.table import format_value

MEAN = "mean"
STATS = (MEAN, *(f"p{p}" for p in PERCENTILES))
"""What a reference may measure of a metric."""

_CASE = {metric.name: metric for metric in CASE_METRICS}
_TEAM = {metric.name: metric for metric in TEAM_METRICS}


@dataclass(frozen=True)
class MetricRef:
    """A measured value named in an assertion or a sweep: metric, team or stream, statistic."""

    metric: Metric
    team: str | None = None
    stat: str = MEAN
    stream: str | None = None

    @property
    def key(self) -> str:
        """The metric's key: `handoffs`, `teams.phone.asa`, `streams.billing.handoffs`."""
        if self.team is not None:
            return f"teams.{self.team}.{self.metric.name}"
        if self.stream is not None:
            return f"streams.{self.stream}.{self.metric.name}"
        return self.metric.name

    def __str__(self) -> str:
        return self.key if self.stat == MEAN else f"{self.key}.{self.stat}"


def parse_metric(text: str, teams: Iterable[str], streams: Iterable[str] = ()) -> MetricRef:
    """Read `METRIC[.STAT]`, `teams.TEAM.METRIC[.STAT]` or `streams.STREAM.METRIC[.STAT]`.

    `streams` are the names of a scenario's several streams of work (none for one).
    ValueError says what is wrong.
    """
    parts = text.strip().split(".")
    team_names = list(teams)
    stream_names = list(streams)
    team = stream = None
    if parts[0] == "teams":
        if len(parts) not in (3, 4):
            raise ValueError(f"expected teams.TEAM.METRIC[.STAT], got {text.strip()!r}")
        team, name, *stat = parts[1:]
        if team not in team_names:
            hint = did_you_mean(team, team_names)
            raise ValueError(f"unknown team {team!r}, expected {one_of(team_names)}{hint}")
        metrics, what = _TEAM, "team metric"
    elif parts[0] == "streams":
        if len(parts) not in (3, 4):
            raise ValueError(f"expected streams.STREAM.METRIC[.STAT], got {text.strip()!r}")
        stream, name, *stat = parts[1:]
        if stream not in stream_names:
            if not stream_names:
                raise ValueError(
                    f"unknown stream {stream!r}: the scenario has one stream of work, "
                    "expected a metric without streams."
                )
            hint = did_you_mean(stream, stream_names)
            raise ValueError(f"unknown stream {stream!r}, expected {one_of(stream_names)}{hint}")
        metrics, what = _CASE, "case metric"
    else:
        if len(parts) > 2:
            raise ValueError(f"expected METRIC[.STAT] or teams.TEAM.METRIC, got {text.strip()!r}")
        name, *stat = parts
        metrics, what = _CASE, "case metric"
    if name not in metrics:
        if team is None and stream is None and name in team_names:  # `phone.asa`
            hint = f" (did you mean {'teams.' + text.strip()!r}?)"
        elif team is None and stream is None and name in stream_names:
            hint = f" (did you mean {'streams.' + text.strip()!r}?)"
        else:
            hint = did_you_mean(name, list(metrics))
        raise ValueError(f"unknown {what} {name!r}, expected {one_of(metrics)}{hint}")
    chosen = stat[0] if stat else MEAN
    if chosen not in STATS:
        hint = did_you_mean(chosen, STATS)
        raise ValueError(f"unknown statistic {chosen!r}, expected {one_of(STATS)}{hint}")
    if chosen != MEAN and (team is not None or name not in TIME_METRICS):
        raise ValueError(
            f"percentiles exist for {one_of(TIME_METRICS)}, not {name!r}; expected mean"
        )
    return MetricRef(metrics[name], team, chosen, stream)


@dataclass(frozen=True)
class Measurement:
    """A measured value with its 95 % interval over replications.

    `value` is None when no replication measured it (no answered contact for `asa`, say),
    and infinite for a percentile beyond reach (fewer cases than that are ever resolved).
    `low` and `high` are None when fewer than two replications measured it.
    """

    value: float | None
    low: float | None
    high: float | None
    replications: int


def format_measured(ref: MetricRef, value: float | None) -> str:
    """A value of `ref` for people: times in human units, rates in per cent."""
    if value is not None and math.isinf(value):
        return "beyond reach"
    if ref.stat != MEAN:
        return format_duration(value)
    return format_value(ref.metric, value)


def format_interval(ref: MetricRef, measurement: Measurement) -> str:
    """The 95 % interval of a measurement for people; `–` when there is none."""
    low, high = measurement.low, measurement.high
    if low is None or high is None:
        return UNDEFINED
    return f"{format_measured(ref, low)} – {format_measured(ref, high)}"


def _values(replications: Sequence[Replication], ref: MetricRef) -> list[float]:
    if ref.stat != MEAN:
        quantile = int(ref.stat[1:]) / 100
        return [r.times[ref.key].quantiles([quantile])[0] for r in replications]
    if ref.team is not None:
        return [r.teams[ref.team][ref.metric.name] for r in replications]
    if ref.stream is not None:
        return [r.streams[ref.stream][ref.metric.name] for r in replications]
    return [r.metrics[ref.metric.name] for r in replications]


def measure(replications: Sequence[Replication], ref: MetricRef) -> Measurement:
    """The value `ref` names over `replications`: mean and 95 % interval, as the summary's."""
    raw = _values(replications, ref)
    values = [v for v in raw if not math.isnan(v)]
    finite = [v for v in values if math.isfinite(v)]
    pooled = pooled_counts(replications, ref.key, raw) if ref.stat == MEAN else None
    summary = metric_ci(ref.metric, finite, pooled)
    low, high = summary["ci95"]
    if len(finite) == len(values):
        return Measurement(summary["mean"], low, high, len(values))
    # some replications never reach the percentile: its mean and upper end are unbounded,
    # and the finite replications alone bound it from below
    floor = low if low is not None else summary["mean"]
    return Measurement(math.inf, math.inf if floor is None else floor, math.inf, len(values))
