"""The statistics cxsim's numbers rest on, as pure functions of arrays.

Intervals over replications (Student t, clipped to where a value can lie, with the exact
binomial interval when a rate shows no variation at all), quantiles of a time to an event
that a competing event may pre-empt (Aalen–Johansen cumulative incidence, right-censored),
MSER-5 warm-up detection, one-sided tests that a variant is worse by more than a margin,
and Holm's step-down correction when several such tests are read together. Nothing here
knows about scenarios or records; scipy is imported inside functions (`scipy.special`,
the routines behind `scipy.stats`) because importing it costs start-up time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

TOLERANCE = 1e-12
"""Slack when a cumulative probability is compared with a quantile: sums of steps round."""


def t_quantile(confidence: float, df: int) -> float:
    """Two-sided Student t quantile for `confidence` with `df` degrees of freedom."""
    from scipy.special import stdtrit

    return float(stdtrit(df, 0.5 + confidence / 2))


def clopper_pearson(
    successes: float, trials: float, confidence: float = 0.95
) -> tuple[float, float]:
    """Exact (Clopper–Pearson) interval of a binomial proportion; (0, 1) without trials."""
    from scipy.special import betaincinv  # betaincinv(a, b, p) is scipy.stats.beta.ppf(p, a, b)

    # Pooled counts arrive as sums of rate × size over replications: nearly integers.
    x, n = round(successes), round(trials)
    if n <= 0:
        return (0.0, 1.0)
    if not 0 <= x <= n:
        raise ValueError(f"successes must lie in [0, trials], got {successes} of {trials}")
    alpha = 1 - confidence
    low = 0.0 if x == 0 else float(betaincinv(x, n - x + 1, alpha / 2))
    high = 1.0 if x == n else float(betaincinv(x + 1, n - x, 1 - alpha / 2))
    return (low, high)


def mean_ci(
    values: Sequence[float],
    confidence: float = 0.95,
    domain: tuple[float, float] = (-math.inf, math.inf),
    pooled: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """Mean over replications with its confidence interval, clipped to `domain`."""
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    if len(data) == 0:
        return {"mean": None, "ci95": [None, None]}
    mean = float(data.mean())
    if len(data) < 2:
        return {"mean": mean, "ci95": [None, None]}
    if pooled is not None and data.min() == data.max():
        # Identical replications give a t interval of zero width, claiming certainty; a rate
        # never (or always) seen in n cases is only known to within about 3.7 / n.
        low, high = clopper_pearson(pooled[0], pooled[1], confidence)
    else:
        half = t_quantile(confidence, len(data) - 1) * float(data.std(ddof=1))
        half /= math.sqrt(len(data))
        low, high = mean - half, mean + half
    return {"mean": mean, "ci95": [float(max(low, domain[0])), float(min(high, domain[1]))]}


def cumulative_incidence(
    durations: np.ndarray, status: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Aalen–Johansen cumulative incidence of event 1, with event 2 competing, 0 censored.

    Returns the distinct times at which an event of either kind happens and the cumulative
    incidence of event 1 just after each. A censoring at an event's time counts as at risk.
    `weights` count each entry as that many cases (the bins of a histogram); none: one each.
    """
    durations = np.asarray(durations, dtype=float)
    status = np.asarray(status)
    if durations.shape != status.shape or durations.ndim != 1:
        raise ValueError(
            f"durations and status must be 1-d of one length, got {durations.shape} "
            f"and {status.shape}"
        )
    if not np.isin(status, (0, 1, 2)).all():
        raise ValueError("status must be 0 (censored), 1 (event) or 2 (competing event)")
    if weights is None:
        weights = np.ones(len(durations))
    else:
        weights = np.asarray(weights, dtype=float)
        if weights.shape != durations.shape:
            raise ValueError(
                f"weights must be as long as durations, got {weights.shape} and {durations.shape}"
            )
        if not (weights >= 0).all():
            raise ValueError("weights must be non-negative")
        # an entry of weight 0 holds no case: left in, it could leave no one at risk
        held = weights > 0
        durations, status, weights = durations[held], status[held], weights[held]
    if len(durations) == 0:
        return np.empty(0), np.empty(0)
    order = np.argsort(durations, kind="stable")
    times, kinds, counts = durations[order], status[order], weights[order]
    unique, first = np.unique(times, return_index=True)
    before = np.concatenate(([0.0], np.cumsum(counts)))
    at_risk = before[-1] - before[first]
    events = np.add.reduceat(np.where(kinds == 1, counts, 0.0), first)
    any_event = np.add.reduceat(np.where(kinds != 0, counts, 0.0), first)
    survival = np.cumprod(1 - any_event / at_risk)
    previous = np.concatenate(([1.0], survival[:-1]))  # S(t−): survival of any event until t
    incidence = np.cumsum(previous * events / at_risk)
    happened = any_event > 0
    return unique[happened], incidence[happened]


def cumulative_incidence_quantiles(
    durations: np.ndarray,
    status: np.ndarray,
    quantiles: Sequence[float],
    weights: np.ndarray | None = None,
) -> list[float]:
    """Quantiles of the time to event 1 when event 2 may pre-empt it; inf beyond reach.

    `weights` as in `cumulative_incidence`.
    """
    times, incidence = cumulative_incidence(durations, status, weights)
    # Incidence is a running sum of non-negative steps, so it is sorted and searchable.
    index = np.searchsorted(incidence, np.asarray(quantiles, dtype=float) - TOLERANCE)
    return [float(times[i]) if i < len(times) else math.inf for i in index]


def kaplan_meier_quantiles(
    durations: np.ndarray, observed: np.ndarray, quantiles: Sequence[float]
) -> list[float]:
    """Quantiles of a time from right-censored data (Kaplan–Meier); inf beyond the data.

    The special case of `cumulative_incidence_quantiles` with no competing event.
    """
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


MSER_BATCH = 5
MSER_MIN_BATCHES = 10
"""Below this many batches the truncation rule has too little to compare: keep everything."""


def mser5_truncation(values: Sequence[float]) -> int:
    """Observations to delete as warm-up by MSER-5 (White 1997): a multiple of 5."""
    data = np.asarray(values, dtype=float)
    k = len(data) // MSER_BATCH
    if k < MSER_MIN_BATCHES:
        return 0
    means = data[: k * MSER_BATCH].reshape(k, MSER_BATCH).mean(axis=1)
    # Centring on a batch mean keeps the sums small (less cancellation below) and makes a
    # constant series exactly zero everywhere, so its first minimum is d = 0.
    means = means - np.median(means)
    # Suffix sums: entry d covers the batch means left after deleting the first d.
    remaining = np.arange(k, 0, -1, dtype=float)
    total = np.cumsum(means[::-1])[::-1]
    squares = np.cumsum((means * means)[::-1])[::-1]
    deviations = np.maximum(squares - total * total / remaining, 0.0)
    mser = deviations / remaining**2
    return MSER_BATCH * int(np.argmin(mser[: k // 2 + 1]))


def _finite(values: Sequence[float]) -> np.ndarray:
    data = np.asarray(values, dtype=float)
    return data[~np.isnan(data)]


def one_sided_worse_p(
    new: Sequence[float],
    old: Sequence[float],
    margin: float,
    higher_is_better: bool,
    paired: bool,
) -> float:
    """p-value of H1: new is worse than old by more than `margin` (paired or Welch t-test)."""
    from scipy.special import stdtr  # stdtr(df, -t) is scipy.stats.t.sf(t, df)

    if not margin >= 0:
        raise ValueError(f"margin must be >= 0, got {margin}")
    sign = -1.0 if higher_is_better else 1.0
    if paired:
        a, b = np.asarray(new, dtype=float), np.asarray(old, dtype=float)
        if a.shape != b.shape:
            raise ValueError(f"paired samples differ in length: {a.shape} and {b.shape}")
        # A replication measured on one side only has nothing to pair with.
        worsening = sign * (a - b)
        worsening = worsening[~np.isnan(worsening)]
        if len(worsening) < 2:
            return 1.0
        observed = float(worsening.mean())
        if worsening.min() == worsening.max():
            return 0.0 if observed > margin else 1.0
        se = float(worsening.std(ddof=1)) / math.sqrt(len(worsening))
        df = float(len(worsening) - 1)
    else:
        a, b = _finite(new), _finite(old)
        if len(a) < 2 or len(b) < 2:
            return 1.0
        observed = sign * float(a.mean() - b.mean())
        if a.min() == a.max() and b.min() == b.max():
            return 0.0 if observed > margin else 1.0
        va, vb = float(a.var(ddof=1)) / len(a), float(b.var(ddof=1)) / len(b)
        se = math.sqrt(va + vb)
        # Welch–Satterthwaite: the variances need not be equal across variants.
        df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return float(stdtr(df, -(observed - margin) / se))


def holm(p_values: Sequence[float], alpha: float = 0.05) -> list[bool]:
    """Which hypotheses Holm's step-down rejects, in input order, at family-wise `alpha`."""
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    # A NaN p-value (nothing could be tested) is never rejected; it still counts in m.
    p = np.where(np.isnan(p), 1.0, p)
    order = np.argsort(p, kind="stable")
    passes = p[order] <= alpha / (m - np.arange(m))
    # Step-down: stop at the first p-value above its threshold, even if later ones pass.
    rejected_count = m if passes.all() else int(np.argmin(passes))
    rejected = np.zeros(m, dtype=bool)
    rejected[order[:rejected_count]] = True
    return rejected.tolist()
