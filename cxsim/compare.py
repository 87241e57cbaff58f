"""What-if comparison: a base and a variant on common random numbers, metric by metric.

Both scenarios run with the same seed and the same number of replications, so
replication i of the variant draws from the same seed as replication i of the base and
every source keeps its own stream: what differs between the two runs is the change, not
the luck. Each metric is judged on the paired differences (variant − base, replication
by replication) with a 95 % Student t interval. Each metric has a smallest difference
worth reporting m (`default_min_effect`, or `--min-effect`): an interval wholly inside
[−m, +m] is `negligible`, whatever the metric. Otherwise an interval wholly on the
better side of zero is `better`, wholly on the worse side `worse`, and an interval
containing zero is `no detectable difference`. Metrics where neither direction is
better (occupancy, counts of contacts handled) get the difference and `no verdict`.
Team metrics are compared for the teams both scenarios have.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from cxsim.assertions import parse_assertion
from cxsim.measures import MEAN, parse_metric
from cxsim.metrics import CASE_METRICS, TEAM_METRICS, Metric, Replication, mean_ci
from cxsim.montecarlo import Results, connected, run
from cxsim.scenario.models import Scenario
from cxsim.scenario.problems import did_you_mean, one_of
from cxsim.scenario.units import UNDEFINED, Unit, duration_unit, format_duration
from cxsim.table import format_value, row_unit

if TYPE_CHECKING:
    from cxsim.cluster import Cluster

Verdict = Literal["better", "worse", "negligible", "no detectable difference", "no verdict"]

BETTER: Verdict = "better"
WORSE: Verdict = "worse"
NEGLIGIBLE: Verdict = "negligible"
NO_DIFFERENCE: Verdict = "no detectable difference"
NO_VERDICT: Verdict = "no verdict"

RELATIVE_MIN_EFFECT = 0.01
"""Default smallest difference worth reporting of times, numbers and counts: 1 % of the base."""
MIN_TIME_EFFECT = 1 / 60
"""…but never less than 1 s for times (in minutes)."""
RATE_MIN_EFFECT = 0.001
"""Default smallest difference worth reporting of rates: 0.1 percentage points."""

_CASE = {metric.name: metric for metric in CASE_METRICS}
_TEAM = {metric.name: metric for metric in TEAM_METRICS}


def default_min_effect(metric: Metric, base_mean: float | None) -> float | None:
    """The smallest difference of `metric` worth reporting, from the base mean.

    Rates: 0.1 percentage points. Times: 1 % of the base mean, at least 1 s. Numbers
    and counts: 1 % of the base mean. None when a relative one has no base mean.
    """
    if metric.kind == "rate":
        return RATE_MIN_EFFECT
    if base_mean is None or math.isnan(base_mean):
        return None
    relative = RELATIVE_MIN_EFFECT * abs(base_mean)
    return max(relative, MIN_TIME_EFFECT) if metric.kind == "time" else relative


def parse_min_effect(text: str, teams: Iterable[str]) -> tuple[str, float]:
    """Read `METRIC=VALUE` of `--min-effect`; ValueError says what is wrong.

    METRIC is a case metric, `teams.TEAM.METRIC`, or a team metric alone (for every
    team: the key is then `teams.*.METRIC`); VALUE reads like an assertion threshold (a
    duration for times, a number or a percentage for rates, a number otherwise).
    """
    name, equals, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not equals or not name or not value:
        raise ValueError(f"expected METRIC=VALUE (e.g. asa=10s or orphan_rate=0.5%), got {text!r}")
    team_names = list(teams)
    if name in _TEAM and name not in _CASE and team_names:
        key, reference = f"teams.*.{name}", f"teams.{team_names[0]}.{name}"
    else:
        try:
            ref = parse_metric(name, team_names)
        except ValueError:
            if "." in name:
                raise
            hint = did_you_mean(name, [*_CASE, *_TEAM])
            raise ValueError(
                f"unknown metric {name!r}, expected a case metric ({one_of(_CASE)}),"
                f" a team metric ({one_of(_TEAM)}) or teams.TEAM.METRIC{hint}"
            ) from None
        if ref.stat != MEAN:
            raise ValueError(f"a min effect is for a mean, expected {ref.key!r}, got {name!r}")
        key, reference = ref.key, ref.key
    threshold = parse_assertion(f"{reference} >= {value}", team_names).threshold
    if not threshold >= 0:
        raise ValueError(f"expected a min effect of 0 or more for {name}, got {value!r}")
    return key, threshold


def parse_min_effects(texts: Iterable[str], teams: Iterable[str]) -> dict[str, float]:
    """Read every `--min-effect`; ValueError lists each one that does not read, one a line."""
    team_names = list(teams)
    found: dict[str, float] = {}
    problems = []
    for text in texts:
        try:
            key, value = parse_min_effect(text, team_names)
        except ValueError as error:
            problems.append(f"--min-effect {text}: {error}")
        else:
            found[key] = value
    if problems:
        raise ValueError("\n".join(problems))
    return found


def min_effect_of(
    key: str, metric: Metric, base_mean: float | None, chosen: Mapping[str, float]
) -> float | None:
    """The min effect of metric `key`: as chosen (the team's, then every team's), or the default."""
    if key in chosen:
        return chosen[key]
    parts = key.split(".")
    if parts[0] == "teams" and f"teams.*.{parts[-1]}" in chosen:
        return chosen[f"teams.*.{parts[-1]}"]
    return default_min_effect(metric, base_mean)


@dataclass(frozen=True)
class Difference:
    """One metric compared: both means, the paired difference and its interval, a verdict."""

    key: str
    """`time_to_resolution`, `streams.<stream>.<metric>` or `teams.<team>.<metric>`."""
    metric: Metric
    base: float | None
    variant: float | None
    difference: float | None
    """Mean over replications of variant − base, replication by replication."""
    ci95: tuple[float | None, float | None]
    pairs: int
    """Replications where both runs measured the metric."""
    verdict: Verdict
    min_effect: float | None = None
    """The smallest difference worth reporting; an interval within ± it is negligible."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: means, difference, interval, min effect, verdict."""
        return {
            "base": self.base,
            "variant": self.variant,
            "difference": self.difference,
            "ci95": list(self.ci95),
            "pairs": self.pairs,
            "better": self.metric.better,
            "min_effect": self.min_effect,
            "verdict": self.verdict,
        }


@dataclass
class Comparison:
    """A base run, a variant run on the same seeds, and every metric compared."""

    base: Results
    variant: Results
    differences: list[Difference]
    min_effects: dict[str, float] = field(default_factory=dict)
    """Min effects chosen with --min-effect (`teams.*.asa`: every team's), the rest default."""
    set_both: list[str] = field(default_factory=list)
    """Overrides applied to both runs (--set-both); each run's `overrides` include them."""

    @property
    def variant_only(self) -> list[str]:
        """The overrides of the variant alone (its --set)."""
        return self.variant.overrides[len(self.set_both) :]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form `cxsim compare --json` prints."""
        metrics: dict[str, Any] = {}
        teams: dict[str, dict[str, Any]] = {}
        streams: dict[str, dict[str, Any]] = {}
        for item in self.differences:
            parts = item.key.split(".")
            if parts[0] == "teams":
                teams.setdefault(parts[1], {})[parts[2]] = item.to_dict()
            elif parts[0] == "streams":
                streams.setdefault(parts[1], {})[parts[2]] = item.to_dict()
            else:
                metrics[item.key] = item.to_dict()
        return {
            "base": _run_info(self.base),
            "variant": _run_info(self.variant),
            "seed": self.base.seed,
            "replications": self.base.requested,
            "set_both": self.set_both,
            "min_effect": self.min_effects,
            "metrics": metrics,
            "streams": streams,
            "teams": teams,
        }


def _run_info(results: Results) -> dict[str, Any]:
    return {
        "scenario": results.scenario.name,
        "overrides": results.overrides,
        "replications": len(results.replications),
    }


def _within(low: float | None, high: float | None, bound: float | None) -> bool:
    """Whether the interval [low, high] lies inside [−bound, +bound]."""
    if low is None or high is None or bound is None:
        return False
    return -bound <= low and high <= bound


def verdict(
    metric: Metric, low: float | None, high: float | None, min_effect: float | None = None
) -> Verdict:
    """The verdict on a variant − base interval: negligible within ± `min_effect`, else its side."""
    if _within(low, high, min_effect):
        return NEGLIGIBLE
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
    key: str,
    metric: Metric,
    base: Sequence[float],
    variant: Sequence[float],
    min_effects: Mapping[str, float] | None = None,
) -> Difference:
    """Compare one metric on paired per-replication values (NaN where not measured)."""
    pairs = [
        (b, v) for b, v in zip(base, variant, strict=True) if not (math.isnan(b) or math.isnan(v))
    ]
    base_mean = mean_ci(base)["mean"]
    variant_mean = mean_ci(variant)["mean"]
    smallest = min_effect_of(key, metric, base_mean, min_effects or {})
    if not pairs:
        return Difference(
            key, metric, base_mean, variant_mean, None, (None, None), 0, NO_VERDICT, smallest
        )
    paired = mean_ci([v - b for b, v in pairs])
    low, high = paired["ci95"]
    judged = verdict(metric, low, high, smallest)
    return Difference(
        key,
        metric,
        base_mean,
        variant_mean,
        paired["mean"],
        (low, high),
        len(pairs),
        judged,
        smallest,
    )


def compare_results(
    base: Results, variant: Results, min_effects: Mapping[str, float] | None = None
) -> Comparison:
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
            min_effects,
        )
        for metric in CASE_METRICS
    ]
    streams = base.scenario.customers.stream_names()
    for stream in [s for s in streams if s in variant.scenario.customers.stream_names()]:
        differences.extend(
            compare_metric(
                f"streams.{stream}.{metric.name}",
                metric,
                [r.streams[stream][metric.name] for r in firsts],
                [r.streams[stream][metric.name] for r in seconds],
                min_effects,
            )
            for metric in CASE_METRICS
        )
    teams = [name for name in base.scenario.teams if name in variant.scenario.teams]
    for team in teams:
        for metric in TEAM_METRICS:
            differences.append(
                compare_metric(
                    f"teams.{team}.{metric.name}",
                    metric,
                    [r.teams[team][metric.name] for r in firsts],
                    [r.teams[team][metric.name] for r in seconds],
                    min_effects,
                )
            )
    return Comparison(base, variant, differences, dict(min_effects or {}))


def compare(
    base: Scenario,
    variant: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    min_effects: Mapping[str, float] | None = None,
    scheduler: str | Cluster | None = None,
) -> Comparison:
    """Run `base` and `variant` on common random numbers and compare every metric.

    Unset `replications` and `seed` come from the base scenario and are used for both
    runs, whatever the variant's file says: the pairing needs the same seeds.
    `min_effects` (from `parse_min_effects`) replace the default min effects.
    `scheduler`: a dask cluster to run both on (`cxsim.montecarlo.run`).
    """
    count = replications if replications is not None else base.replications
    common_seed = seed if seed is not None else base.seed
    with connected(scheduler) as cluster:
        first = run(base, count, common_seed, jobs, scheduler=cluster)
        if first.interrupted:  # Ctrl-C stops the comparison, not only its first half
            second = Results(variant, common_seed, count, [], interrupted=True)
        else:
            second = run(variant, count, common_seed, jobs, scheduler=cluster)
    return compare_results(first, second, min_effects)


# --- for people --------------------------------------------------------------------------


def difference_unit(metric: Metric, value: float | None) -> Unit | None:
    """The unit a time difference and its interval are written in: the difference's own."""
    return duration_unit(value) if metric.kind == "time" and value is not None else None


def format_difference(metric: Metric, value: float | None, unit: Unit | None = None) -> str:
    """A signed difference of `metric`: times in human units (or `unit`), rates in points."""
    if value is None:
        return UNDEFINED
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    size = abs(value)
    if metric.kind == "time":
        return sign + format_duration(size, unit)
    if metric.kind == "rate":  # small shifts of a rate would all read 0.0 otherwise
        return f"{sign}{size * 100:.1f} pp" if size >= 0.01 else f"{sign}{size * 100:.2f} pp"
    if metric.kind == "count":
        return f"{sign}{size:,.0f}" if size >= 100 else f"{sign}{size:.1f}"
    return f"{sign}{size:.2f}"


def _metric_of(key: str) -> Metric:
    parts = key.split(".")
    return _TEAM[parts[-1]] if parts[0] == "teams" else _CASE[parts[-1]]


def format_comparison(comparison: Comparison) -> str:
    """The comparison as aligned text: one metric a line, with its verdict."""
    base, variant = comparison.base, comparison.variant
    count = len(base.replications)
    head = (
        f"{base.scenario.name} → {variant.scenario.name}"
        f" · {count} replication{'' if count == 1 else 's'} · seed {base.seed}"
        " · common random numbers"
    )
    if comparison.set_both:
        head += "\nboth: " + " ".join(f"--set-both {o}" for o in comparison.set_both)
    if comparison.variant_only:
        head += "\nvariant: " + " ".join(f"--set {o}" for o in comparison.variant_only)
    head += (
        "\nnegligible: the whole 95 % interval of the difference within ± the min effect"
        " (default: times 1 % of the base mean, at least 1 s; rates 0.1 pp;"
        " numbers and counts 1 % of the base mean)"
    )
    if comparison.min_effects:
        chosen = [
            f"{key} ±{format_difference(_metric_of(key), value)[1:]}"
            for key, value in comparison.min_effects.items()
        ]
        head += "\nmin effect: " + ", ".join(chosen)
    columns = (
        f"{'metric':<30} {'base':>12} {'variant':>12} {'difference':>12}"
        f"  {'95 % CI of difference':<27} verdict"
    )
    lines = [head, "", columns]
    group = None
    for item in comparison.differences:
        if item.base is None and item.variant is None:
            continue  # undefined in both (the service level of a back office)
        label = item.key.replace("_", " ")
        if item.key.startswith(("teams.", "streams.")):
            kind, name, metric_name = item.key.split(".", 2)
            if (kind, name) != group:
                group = (kind, name)
                lines.extend(["", f"{'team' if kind == 'teams' else 'stream'} {name}"])
            label = "  " + metric_name.replace("_", " ")
            if metric_name == "cases":
                continue
        elif item.metric.name == "cases":
            continue
        low, high = item.ci95
        unit = difference_unit(item.metric, item.difference)
        interval = (
            UNDEFINED
            if low is None or high is None
            else f"{format_difference(item.metric, low, unit)}"
            f" – {format_difference(item.metric, high, unit)}"
        )
        level = row_unit(item.metric, {"mean": item.base, "ci95": [item.variant, None]})
        lines.append(
            f"{label:<30} {format_value(item.metric, item.base, level):>12}"
            f" {format_value(item.metric, item.variant, level):>12}"
            f" {format_difference(item.metric, item.difference, unit):>12}"
            f"  {interval:<27} {item.verdict}"
        )
    return "\n".join(lines)
