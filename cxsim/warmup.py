"""Warm-up detection: how long a run's output takes to settle (MSER-5 on the ensemble).

A run that starts empty (no one queued, every technician free) reads better than the
process it models until its queues fill. Each replication keeps, per team that is always
open, the waits of its contacts binned by the time they were offered over [0, horizon)
(`Team.waits`). Pooled over the replications of a run, bin by bin (the mean wait of all
their contacts offered in the bin), the noise of one replication fades and the transient
shows; MSER-5 (White 1997) then picks the truncation that minimizes the standard error
of what is left, looking at no more than the first half; a cut is kept only when what it
deletes differs from the rest by more than two standard errors, so a series that settles
at once is not cut at a chance dip. The run's suggested warm-up is the latest of its
teams' truncation times. A team on a calendar is left out: its waits rise and fall with
its hours by design, and MSER-5 assumes a series that settles. So is a cohort, which
arrives at once and has no steady stream to settle into.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from cxsim.statistics import mser5_truncation

BINS = 500
"""Bins of the horizon the waits are averaged in."""

MIN_CONTACTS = 100
"""Contacts a team needs in a run before its truncation point means anything."""

Profile = Mapping[str, np.ndarray]
"""Per team: an array of shape (2, BINS), the sum of waits and the count of contacts."""


def suggested_warmup(profiles: Iterable[Profile], horizon: float) -> float:
    """The warm-up a run's replications suggest together: 0 when their waits settle at once."""
    totals: dict[str, np.ndarray] = {}
    for profile in profiles:
        for team, profile_of_team in profile.items():
            totals[team] = totals.get(team, 0) + profile_of_team
    found = 0.0
    for sums, counts in totals.values():
        if counts.sum() < MIN_CONTACTS:
            continue
        seen = counts > 0
        means = sums[seen] / counts[seen]
        cut = mser5_truncation(means)
        if cut and _departs(means, cut):
            starts = np.flatnonzero(seen) * horizon / BINS
            found = max(found, float(starts[cut]))
    return found


def _departs(means: np.ndarray, cut: int) -> bool:
    """Whether the part MSER-5 cuts off differs from the rest by more than noise.

    On a series that settles at once, the minimum MSER-5 finds is often a chance dip
    of its noise; a cut is kept only when the mean of what it deletes lies more than
    two standard errors (of the rest's batch means), and more than a second, from the
    mean of the rest.
    """
    batches = means[: len(means) // 5 * 5].reshape(-1, 5).mean(axis=1)
    deleted, rest = batches[: cut // 5], batches[cut // 5 :]
    if len(rest) < 2:
        return False
    error = float(rest.std(ddof=1)) / np.sqrt(len(rest))
    return abs(float(deleted.mean()) - float(rest.mean())) > max(2 * error, NEGLIGIBLE_WAIT)


NEGLIGIBLE_WAIT = 1 / 60
"""A difference of waits below a second is no transient worth cutting off (minutes)."""
