"""Which one-sided test two runs allow, on which values, and Holm's decision over all of them.

A check against a baseline asks, metric by metric, whether the new run is worse than the
baseline by more than a margin (the tolerance times the baseline mean): a one-sided
Student t test of H0 "worse by at most the margin" against H1 "worse by more"
(`cxsim.statistics.one_sided_worse_p`), on per-replication values:

- `paired`: the new run has the baseline's seed and shares at least two replication
  indexes with it, so replication i of both drew the same numbers (common random
  numbers) and the test is on the per-replication differences;
- `welch`: two independent samples (another seed), Welch's unequal-variance t test;
- `one-sample`: the baseline kept only its mean (a summary without `per_replication`),
  taken as exact (Welch's test against a sample with no spread is the one-sample test).

`worse_test` picks the test a run and a baseline summary allow.

"Worse" is the metric's worse direction: new − old where lower is better, old − new
where higher is better. A test needs at least two values on each side (pairs, for the
paired test). With no spread at all (identical paired runs, or constant samples) the
worsening is known exactly and p is 0 or 1: such a test has no error to control and
stays out of Holm's family; every other test is read with Holm's step-down procedure,
which keeps the chance of any false regression in one check at `alpha`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cxsim.measures import MetricRef
from cxsim.montecarlo import Results
from cxsim.statistics import holm, one_sided_worse_p

Test = Literal["paired", "welch", "one-sample"]

TEST_NAMES: dict[Test, str] = {
    "paired": "paired t-test",
    "welch": "Welch t-test",
    "one-sample": "one-sample t-test",
}


@dataclass(frozen=True)
class WorseTest:
    """A one-sided test of a worsening beyond a margin: the estimate and its p-value."""

    test: Test
    worsening: float | None
    """Estimated worsening in the metric's worse direction (negative when it improved)."""
    p_value: float | None
    """None when there is too little data: fewer than two values on a side."""
    samples: int
    """Pairs (paired), or values of the new run (welch, one-sample)."""
    exact: bool = False
    """No spread at all: the worsening is known without error, and p is 0 or 1."""


def _finite(values: Sequence[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(v)]


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _sign(higher_is_better: bool) -> float:
    return -1.0 if higher_is_better else 1.0


def worse_paired(
    new: Sequence[float | None],
    old: Sequence[float | None],
    margin: float,
    higher_is_better: bool,
) -> WorseTest:
    """Paired one-sided t test on per-replication differences (values aligned by index)."""
    pairs = [
        (float(n), float(o))
        for n, o in zip(new, old, strict=True)
        if n is not None and o is not None and math.isfinite(n) and math.isfinite(o)
    ]
    if len(pairs) < 2:
        return WorseTest("paired", None, None, len(pairs))
    firsts, seconds = [n for n, _ in pairs], [o for _, o in pairs]
    differences = [n - o for n, o in pairs]
    worsening = _sign(higher_is_better) * _mean(differences)
    p = one_sided_worse_p(firsts, seconds, margin, higher_is_better, paired=True)
    exact = min(differences) == max(differences)
    return WorseTest("paired", worsening, p, len(pairs), exact)


def worse_welch(
    new: Sequence[float | None],
    old: Sequence[float | None],
    margin: float,
    higher_is_better: bool,
) -> WorseTest:
    """Welch's one-sided t test on two independent samples."""
    first, second = _finite(new), _finite(old)
    if len(first) < 2 or len(second) < 2:
        return WorseTest("welch", None, None, len(first))
    worsening = _sign(higher_is_better) * (_mean(first) - _mean(second))
    p = one_sided_worse_p(first, second, margin, higher_is_better, paired=False)
    exact = min(first) == max(first) and min(second) == max(second)
    return WorseTest("welch", worsening, p, len(first), exact)


def worse_than_mean(
    new: Sequence[float | None], mean: float, margin: float, higher_is_better: bool
) -> WorseTest:
    """One-sample one-sided t test of the new run against a mean taken as exact."""
    values = _finite(new)
    if len(values) < 2:
        return WorseTest("one-sample", None, None, len(values))
    worsening = _sign(higher_is_better) * (_mean(values) - mean)
    # Welch against a sample with no spread: df = n − 1, the one-sample t test
    p = one_sided_worse_p(values, [mean, mean], margin, higher_is_better, paired=False)
    return WorseTest("one-sample", worsening, p, len(values), min(values) == max(values))


def regressions(tests: Sequence[WorseTest], alpha: float = 0.05) -> list[bool]:
    """Which tests show a worsening beyond the margin, Holm at `alpha` over the uncertain ones.

    A test without a p-value shows nothing; an exact one shows a worsening when p is 0.
    """
    family = [i for i, t in enumerate(tests) if t.p_value is not None and not t.exact]
    rejected = holm([tests[i].p_value or 0.0 for i in family], alpha)
    found = [t.exact and t.p_value == 0.0 for t in tests]
    for i, reject in zip(family, rejected, strict=True):
        found[i] = reject
    return found


# --- a run against a baseline summary ------------------------------------------------------


def _values(column: Sequence[float | None]) -> list[float]:
    return [math.nan if v is None else float(v) for v in column]


def _new_values(results: Results, ref: MetricRef) -> list[float]:
    if ref.team is None:
        return [r.metrics[ref.metric.name] for r in results.replications]
    return [r.teams[ref.team][ref.metric.name] for r in results.replications]


def _stored_values(baseline: dict[str, Any], ref: MetricRef) -> dict[int, float] | None:
    """The baseline's value of `ref` per replication index, or None when it kept none."""
    stored = baseline.get("per_replication")
    if not isinstance(stored, dict):
        return None
    if ref.team is None:
        column = stored["metrics"].get(ref.metric.name)
    else:
        column = stored.get("teams", {}).get(ref.team, {}).get(ref.metric.name)
    if column is None:
        return None
    return dict(zip(stored["index"], _values(column), strict=True))


def _paired(results: Results, baseline: dict[str, Any]) -> bool:
    """Whether the two runs are on common random numbers: same seed, shared indexes."""
    stored = baseline.get("per_replication")
    if not isinstance(stored, dict) or baseline.get("seed") != results.seed:
        return False
    shared = set(stored["index"]) & {r.index for r in results.replications}
    return len(shared) >= 2


def worse_test(
    results: Results, baseline: dict[str, Any], ref: MetricRef, mean: float, margin: float
) -> WorseTest:
    """The one-sided test of `ref` the two runs allow: paired, Welch, or one-sample."""
    higher = ref.metric.better == "higher"
    new = _new_values(results, ref)
    old = _stored_values(baseline, ref)
    if old is None:
        return worse_than_mean(new, mean, margin, higher)
    if _paired(results, baseline):
        indexes = [r.index for r in results.replications]
        matched = [(n, old[i]) for n, i in zip(new, indexes, strict=True) if i in old]
        return worse_paired([n for n, _ in matched], [o for _, o in matched], margin, higher)
    return worse_welch(new, list(old.values()), margin, higher)
