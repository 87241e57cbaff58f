"""Mergeable log-scale histograms of case times: a replication that does not grow with cases.

A `LogHistogram` counts non-negative times in bins of ratio `RATIO` (bin k holds
[RATIO^k, RATIO^(k+1)) minutes) plus a bin for zero, and tells each bin by its geometric
middle: every time is off by at most `RELATIVE_ERROR` (0.499 %). Only the bins that hold
something are kept, so a histogram is as large as the range of its times in log steps,
whatever the number of cases. Histograms merge by adding counts: merging two equals
building one from both sets of times.

A `TimeSketch` keeps a case time as three such histograms, by how the case ended —
resolved, censored (still open when the run ended) or competing (ended unresolved: the
customer gave up) — and reads its percentiles and incidence curve from the bin counts with
the cumulative-incidence estimator of `cxsim.statistics`. With no case censored, the
estimate at each bin's end is the exact one, so a percentile is off by at most
`RELATIVE_ERROR`; where in its bin a case was censored is not kept, and half of a bin's
censored cases are taken to leave before its events, as a life table takes them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from cxsim.statistics import cumulative_incidence, cumulative_incidence_quantiles

RATIO = 1.01
"""Upper over lower end of a bin."""
RELATIVE_ERROR = math.sqrt(RATIO) - 1
"""Most a time differs, relatively, from its bin's geometric middle: 0.499 %."""
_LOG_RATIO = math.log(RATIO)
_LARGEST = float(np.finfo(float).max)

RESOLVED, CENSORED, COMPETING = 1, 0, 2
"""How a case time ends, in the codes of `cxsim.statistics`: fixed, still open, never fixed."""
ZERO = -(2**40)
"""The bin number of zero: below that of any positive float."""


def bin_numbers(times: np.ndarray) -> np.ndarray:
    """The bin of each time (minutes: finite, not negative): k for [RATIO^k, RATIO^(k+1)),
    `ZERO` for zero."""
    times = np.asarray(times, dtype=float)
    if not np.all(np.isfinite(times)) or np.any(times < 0):
        raise ValueError("times must be finite and not negative")
    with np.errstate(divide="ignore"):  # the log of zero, replaced below
        bins = np.floor(np.log(times) / _LOG_RATIO)
    return np.where(times > 0, bins, ZERO).astype(np.int64)


class LogHistogram:
    """Counts of non-negative times in log-scale bins of ratio `RATIO`, and of zeros."""

    __slots__ = ("bins", "counts", "zeros")

    def __init__(self) -> None:
        self.zeros = 0
        self.bins = np.empty(0, dtype=np.int64)
        """Numbers of the bins that hold a time, ascending: bin k starts at RATIO^k."""
        self.counts = np.empty(0, dtype=np.int64)
        """Times in each of `bins`."""

    @property
    def total(self) -> int:
        """Times counted."""
        return self.zeros + int(self.counts.sum())

    def add(self, times: np.ndarray) -> None:
        """Count `times` (minutes: finite, not negative)."""
        self.add_bins(bin_numbers(times))

    def add_bins(self, bins: np.ndarray) -> None:
        """Count times by their `bin_numbers`."""
        positive = bins[bins != ZERO]
        self.zeros += len(bins) - len(positive)
        if not len(positive):
            return
        low, high = int(positive.min()), int(positive.max())
        if high - low < 4 * len(positive) + 256:  # a block's times lie close: count by offset
            counts = np.bincount(positive - low)
            held = np.flatnonzero(counts)
            self._count(held + low, counts[held])
        else:
            self._count(*np.unique(positive, return_counts=True))

    def merge(self, other: LogHistogram) -> None:
        """Add the counts of `other` to these."""
        self.zeros += other.zeros
        if len(other.bins):
            self._count(other.bins, other.counts)

    @classmethod
    def merged(cls, parts: Iterable[LogHistogram]) -> LogHistogram:
        """One histogram holding the counts of all of `parts`."""
        total = cls()
        for part in parts:
            total.merge(part)
        return total

    def _count(self, bins: np.ndarray, counts: np.ndarray) -> None:
        """Add `counts` to `bins` (each bin at most once)."""
        where = np.searchsorted(self.bins, bins)
        if where.size and where[-1] < len(self.bins) and np.array_equal(self.bins[where], bins):
            self.counts[where] += counts  # the usual case, once the range is seen
            return
        every = np.union1d(self.bins, bins)
        summed = np.zeros(len(every), dtype=np.int64)
        summed[np.searchsorted(every, self.bins)] = self.counts
        summed[np.searchsorted(every, bins)] += counts
        self.bins, self.counts = every, summed

    def values(self) -> tuple[np.ndarray, np.ndarray]:
        """Each non-empty bin's time (its geometric middle; 0 for zeros), ascending, and count."""
        with np.errstate(over="ignore"):
            middles = np.exp((self.bins + 0.5) * _LOG_RATIO)
        middles = np.minimum(middles, _LARGEST)  # the last bin of floats ends at the largest
        if self.zeros:
            return np.concatenate(([0.0], middles)), np.concatenate(([self.zeros], self.counts))
        return middles, self.counts.copy()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LogHistogram):
            return NotImplemented
        return (
            self.zeros == other.zeros
            and np.array_equal(self.bins, other.bins)
            and np.array_equal(self.counts, other.counts)
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"LogHistogram({self.total} times in {len(self.bins) + bool(self.zeros)} bins)"


class TimeSketch:
    """A case time as log histograms by how the case ended: resolved, censored, competing."""

    __slots__ = ("endings",)

    def __init__(self) -> None:
        self.endings = {code: LogHistogram() for code in (RESOLVED, CENSORED, COMPETING)}

    @property
    def total(self) -> int:
        """Cases counted."""
        return sum(histogram.total for histogram in self.endings.values())

    def add(self, times: np.ndarray, status: np.ndarray) -> None:
        """Count cases: their times, and how each ended (RESOLVED, CENSORED, COMPETING)."""
        times, status = np.asarray(times, dtype=float), np.asarray(status)
        if times.shape != status.shape:
            raise ValueError(f"times and status differ in shape: {times.shape}, {status.shape}")
        bins = bin_numbers(times)
        for code, histogram in self.endings.items():
            histogram.add_bins(bins[status == code])

    def merge(self, other: TimeSketch) -> None:
        """Add the counts of `other` to these."""
        for code, histogram in self.endings.items():
            histogram.merge(other.endings[code])

    @classmethod
    def merged(cls, parts: Iterable[TimeSketch]) -> TimeSketch:
        """One sketch holding the counts of all of `parts`."""
        total = cls()
        for part in parts:
            total.merge(part)
        return total

    def weighted(self, event: int = RESOLVED) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Times, statuses and counts for the estimator, with `event` as the event of
        interest (status 1) and the other ending competing (status 2).

        Resolutions and give-ups lie at their bins' middles. Where in its bin a case was
        censored is not kept, so half of a bin's censored cases count as censored at its
        start and half at its middle (at risk for its events), as a life table counts
        them: all at the middle would leave too many at risk in every bin, an error that
        adds up over the bins.
        """
        other = COMPETING if event == RESOLVED else RESOLVED
        times, counts = self.endings[event].values()
        rival_times, rival_counts = self.endings[other].values()
        censored_times, censored_counts = self.endings[CENSORED].values()
        starts, halves = censored_times / math.sqrt(RATIO), censored_counts / 2
        parts = [
            (times, counts, 1),
            (rival_times, rival_counts, 2),
            (starts, halves, 0),
            (censored_times, halves, 0),
        ]
        return (
            np.concatenate([part[0] for part in parts]),
            np.concatenate([np.full(len(part[0]), part[2], dtype=np.int8) for part in parts]),
            np.concatenate([part[1] for part in parts]).astype(float),
        )

    def quantiles(self, quantiles: Sequence[float]) -> list[float]:
        """Quantiles of the time to resolution, giving up competing, open cases censored;
        inf beyond reach."""
        times, status, counts = self.weighted()
        return cumulative_incidence_quantiles(times, status, quantiles, counts)

    def incidence(self, event: int = RESOLVED) -> tuple[np.ndarray, np.ndarray]:
        """Cumulative incidence of `event` (resolution, or giving up with COMPETING) just
        after each bin time at which a case ended."""
        return cumulative_incidence(*self.weighted(event))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TimeSketch):
            return NotImplemented
        return self.endings == other.endings

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"TimeSketch({self.total} cases)"
