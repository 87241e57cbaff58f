"""What-if comparison: a base and a variant on common random numbers, metric by metric.

Both scenarios run with the same seed and the same number of replications, so
replication i of the variant draws from the same seed as replication i of the base and
every source keeps its own stream: what differs between the two runs is the change, not
the luck. Each metric is judged on the paired differences (variant − base, replication
by replication) with a 95 % Student t interval: an interval wholly on the better side of
zero is `better`, wholly on the worse side `worse`, and an interval containing zero is
`no detectable difference`. Metrics where neither direction is better (occupancy,
counts of contacts handled) get the difference and `no verdict`. Team metrics are
compared for the teams both scenarios have.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cxsim.metrics import CASE_METRICS, TEAM_METRICS, Metric, Replication, mean_ci
from cxsim.montecarlo import Results, run
from cxsim.scenario.models import Scenario
from cxsim.scenario.units import format_duration
from cxsim.table import format_value

Verdict = Literal["better", "worse", "no detectable difference", "no verdict"]

BETTER: Verdict = "better"
WORSE: Verdict = "worse"
NO_DIFFERENCE: Verdict = "no detectable difference"
NO_VERDICT: Verdict = "no verdict"


@dataclass(frozen=True)
class Difference:
    """One metric compared: both means, the paired difference and its interval, a verdict."""

    key: str
    """`time_to_resolution` or `teams.<team>.<metric>`."""
    metric: Metric
    base: float | None
    variant: float | None
    difference: float | None
    """Mean over replications of variant − base, replication by replication."""
    ci95: tuple[float | None, float | None]
    pairs: int
    """Replications where both runs measured the metric."""
    verdict: Verdict

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: means, difference, interval, verdict."""
        return {
            "base": self.base,
            "variant": self.variant,
            "difference": self.difference,
            "ci95": list(self.ci95),
            "pairs": self.pairs,
            "better": self.metric.better,
            "verdict": self.verdict,
        }


@dataclass
class Comparison:
    """A base run, a variant run on the same seeds, and every metric compared."""

    base: Results
    variant: Results
    differences: list[Difference]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form `cxsim compare --json` prints."""
        metrics: dict[str, Any] = {}
        teams: dict[str, dict[str, Any]] = {}
        for item in self.differences:
            parts = item.key.split(".")
            if parts[0] == "teams":
                teams.setdefault(parts[1], {})[parts[2]] = item.to_dict()
            else:
                metrics[item.key] = item.to_dict()
        return {
            "base": _run_info(self.base),
            "variant": _run_info(self.variant),
            "seed": self.base.seed,
            "replications": self.base.requested,
            "metrics": metrics,
            "teams": teams,
        }


def _run_info(results: Results) -> dict[str, Any]:
    return {
        "scenario": results.scenario.name,
        "overrides": results.overrides,
        "replications": len(results.replications),
    }


def verdict(metric: Metric, low: float | None, high: float | None) -> Verdict:
    """The verdict on a variant − base interval for a metric with a known better direction."""
    if metric.better == "neither":
        return NO_VERDICT
    if low is None or high is None:
        return NO_DIFFERENCE
    if low > 0:
        return BETTER if metric.better == "higher" else WORSE
    if high < 0:
        return BETTER if metric.better == "lower" else WORSE
    return NO_DIFFERENCE


def compare_metric(
    key: str, metric: Metric, base: Sequence[float], variant: Sequence[float]
) -> Difference:
    """Compare one metric on paired per-replication values (NaN where not measured)."""
    pairs = [
        (b, v) for b, v in zip(base, variant, strict=True) if not (math.isnan(b) or math.isnan(v))
    ]
    base_mean = mean_ci(base)["mean"]
    variant_mean = mean_ci(variant)["mean"]
    if not pairs:
        return Difference(key, metric, base_mean, variant_mean, None, (None, None), 0, NO_VERDICT)
    paired = mean_ci([v - b for b, v in pairs])
    low, high = paired["ci95"]
    judged = verdict(metric, low, high)
    return Difference(
        key, metric, base_mean, variant_mean, paired["mean"], (low, high), len(pairs), judged
    )


def compare_results(base: Results, variant: Results) -> Comparison:
    """Compare two finished runs replication by replication (only indexes both finished)."""
    by_index = {r.index: r for r in variant.replications}
    matched: list[tuple[Replication, Replication]] = [
        (r, by_index[r.index]) for r in base.replications if r.index in by_index
    ]
    firsts = [b for b, _ in matched]
    seconds = [v for _, v in matched]
    differences = [
        compare_metric(
            metric.name,
            metric,
            [r.metrics[metric.name] for r in firsts],
            [r.metrics[metric.name] for r in seconds],
        )
        for metric in CASE_METRICS
    ]
    teams = [name for name in base.scenario.teams if name in variant.scenario.teams]
    for team in teams:
        for metric in TEAM_METRICS:
            differences.append(
                compare_metric(
                    f"teams.{team}.{metric.name}",
                    metric,
                    [r.teams[team][metric.name] for r in firsts],
                    [r.teams[team][metric.name] for r in seconds],
                )
            )
    return Comparison(base, variant, differences)


def compare(
    base: Scenario,
    variant: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
) -> Comparison:
    """Run `base` and `variant` on common random numbers and compare every metric.

    Unset `replications` and `seed` come from the base scenario and are used for both
    runs, whatever the variant's file says: the pairing needs the same seeds.
    """
    count = replications if replications is not None else base.replications
    common_seed = seed if seed is not None else base.seed
    first = run(base, count, common_seed, jobs)
    if first.interrupted:  # Ctrl-C stops the comparison, not only its first half
        second = Results(variant, common_seed, count, [], interrupted=True)
    else:
        second = run(variant, count, common_seed, jobs)
    return compare_results(first, second)


# --- for people --------------------------------------------------------------------------


def format_difference(metric: Metric, value: float | None) -> str:
    """A signed difference of `metric`: times in human units, rates in percentage points."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    size = abs(value)
    if metric.kind == "time":
        return sign + format_duration(size)
    if metric.kind == "rate":  # small shifts of a rate would all read 0.0 otherwise
        return f"{sign}{size * 100:.1f} pp" if size >= 0.01 else f"{sign}{size * 100:.2f} pp"
    if metric.kind == "count":
        return f"{sign}{size:,.0f}" if size >= 100 else f"{sign}{size:.1f}"
    return f"{sign}{size:.2f}"


def format_comparison(comparison: Comparison) -> str:
    """The comparison as aligned text: one metric a line, with its verdict."""
    base, variant = comparison.base, comparison.variant
    head = (
        f"{base.scenario.name} → {variant.scenario.name}"
        f" · {len(base.replications)} replications · seed {base.seed} · common random numbers"
    )
    if variant.overrides:
        head += "\nvariant: " + " ".join(f"--set {o}" for o in variant.overrides)
    columns = (
        f"{'metric':<30} {'base':>12} {'variant':>12} {'difference':>12}"
        f"  {'95 % CI of difference':<27} verdict"
    )
    lines = [head, "", columns]
    team = None
    for item in comparison.differences:
        label = item.key.replace("_", " ")
        if item.key.startswith("teams."):
            _, name, metric_name = item.key.split(".", 2)
            if name != team:
                team = name
                lines.extend(["", f"team {name}"])
            label = "  " + metric_name.replace("_", " ")
        elif item.metric.name == "cases":
            continue
        low, high = item.ci95
        interval = (
            "–"
            if low is None or high is None
            else f"{format_difference(item.metric, low)} – {format_difference(item.metric, high)}"
        )
        lines.append(
            f"{label:<30} {format_value(item.metric, item.base):>12}"
            f" {format_value(item.metric, item.variant):>12}"
            f" {format_difference(item.metric, item.difference):>12}  {interval:<27} {item.verdict}"
        )
    return "\n".join(lines)
