"""Warm-up detection: how long a replication's own output takes to settle (MSER-5).

A run that starts empty (no one queued, every technician free) reads better than the
process it models until its queues fill. Each replication's output gives the series to
look at: the waits of each team's answered contacts in the order they were answered,
and the time to resolution of cases in the order they arrived. MSER-5 (White 1997)
batches a series in means of 5 and picks the truncation that minimizes the standard
error of what is left, looking at no more than the first half. The warm-up a
replication suggests is the latest arrival time among the truncation points of its
series: everything that arrived before it was still in the transient.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cxsim.statistics import mser5_truncation

MIN_SERIES = 100
"""Observations a series needs before its truncation point means anything."""


def truncation_time(times: Sequence[float], values: Sequence[float]) -> float:
    """The arrival time at which MSER-5 truncates a series (`times[i]` for `values[i]`)."""
    if len(values) < MIN_SERIES:
        return 0.0
    cut = mser5_truncation(values)
    if cut <= 0:
        return 0.0
    return float(np.max(np.asarray(times[:cut], dtype=float)))


def suggested_warmup(
    series: Sequence[tuple[Sequence[float], Sequence[float]]], start: float = 0.0
) -> float:
    """The warm-up the series suggest: the latest of their truncation times (at least `start`)."""
    found = start
    for times, values in series:
        found = max(found, truncation_time(times, values))
    return found
