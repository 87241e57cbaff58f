"""The distances fit quality is made of, on plain numbers and activity sequences.

Each measure compares what a real log and a simulated log say about one thing: how long
cases take, how often each activity happens, in what order activities follow one another,
and when cases arrive. They take arrays and sequences, not logs, so a caller can measure
other samples the same way (the naive yardstick: real durations against a resample of the
training durations). Counts are divided by the number of cases of their own log before
they are compared, so a simulated log of many replications compares with a real log of
any size. Pure numpy and scipy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy.stats import wasserstein_distance

START = "▶"
"""Marks the start of a case's activity sequence in its n-grams."""
END = "■"
"""Marks the end of a case's activity sequence in its n-grams."""


def cycle_time_emd(a_hours: Sequence[float], b_hours: Sequence[float]) -> float:
    """Earth mover's (Wasserstein-1) distance between two samples of durations, in hours.

    The mean over the probability mass of how far it must move to turn one empirical
    distribution into the other: shifting every duration by 2 h gives 2 h.
    """
    a, b = np.asarray(a_hours, dtype=float), np.asarray(b_hours, dtype=float)
    if a.size == 0 or b.size == 0:
        return float("nan")
    return float(wasserstein_distance(a, b))


def per_case(counts: Mapping[str, int], cases: int) -> dict[str, float]:
    """Counts divided by the number of cases, keys sorted."""
    return {key: counts[key] / cases for key in sorted(counts)} if cases else {}


def relative_difference(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Σ|a_k − b_k| / Σ(a_k + b_k) over the keys of either: 0 when equal, 1 when disjoint.

    With per-case frequencies this is the normalized form of Simod's n-gram distance;
    it equals that distance when both logs have the same number of cases.
    """
    keys = set(a) | set(b)
    total = sum(a.get(k, 0.0) + b.get(k, 0.0) for k in keys)
    if total == 0:
        return 0.0
    return sum(abs(a.get(k, 0.0) - b.get(k, 0.0)) for k in keys) / total


def activity_frequency_distance(a: Sequence[Sequence[str]], b: Sequence[Sequence[str]]) -> float:
    """`relative_difference` of each activity's instances per case in two sets of cases.

    0 when every activity happens as often per case in both; 1 when no activity is shared;
    1/3 when one side does every activity twice as often.
    """
    return relative_difference(activity_frequencies(a), activity_frequencies(b))


def activity_frequencies(cases: Sequence[Sequence[str]]) -> dict[str, float]:
    """Each activity's instances per case."""
    return per_case(Counter(activity for case in cases for activity in case), len(cases))


def ngrams(sequence: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """The n-grams of an activity sequence padded with n − 1 start and n − 1 end markers."""
    padded = [START] * (n - 1) + list(sequence) + [END] * (n - 1)
    return [tuple(padded[i : i + n]) for i in range(len(padded) - n + 1)]


def ngram_distance(a: Sequence[Sequence[str]], b: Sequence[Sequence[str]], n: int) -> float:
    """Control-flow distance: `relative_difference` of the n-grams per case of two sets of cases.

    Each case's activity sequence is padded with n − 1 start and end markers and cut into
    its n-grams; each n-gram's count is divided by the number of cases. 0 when both sets
    follow the same paths as often, 1 when they share no n-gram (no activity in common).
    """
    return relative_difference(_ngram_frequencies(a, n), _ngram_frequencies(b, n))


def _ngram_frequencies(cases: Sequence[Sequence[str]], n: int) -> dict[str, float]:
    counts = Counter("→".join(gram) for case in cases for gram in ngrams(case, n))
    return per_case(counts, len(cases))


def total_variation(a: Iterable[int], b: Iterable[int], bins: int) -> float:
    """Total-variation distance ½ Σ|p_i − q_i| of two samples' shares of bins 0 … bins − 1.

    0 when the shares are equal, 1 when no bin is used by both.
    """
    p = _shares(a, bins)
    q = _shares(b, bins)
    if p is None or q is None:
        return float("nan")
    return float(0.5 * np.abs(p - q).sum())


def _shares(values: Iterable[int], bins: int) -> np.ndarray | None:
    counts = np.bincount(np.fromiter(values, dtype=int), minlength=bins).astype(float)
    total = counts.sum()
    return counts / total if total else None
