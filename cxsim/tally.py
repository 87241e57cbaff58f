"""A replication's cases folded into fixed-size sums and histograms, block by block.

The recorder gathers one flat row per counted case (`CASE_COLUMNS`) and, once it has a
block of them, folds the block here and lets the rows go: sums and conditional sums and
counts per stream of work (so means stay exact), each time to resolution in a
`TimeSketch` per stream (its percentiles and incidence curve), orphaned cases' orphan
times in a `LogHistogram`, and cases by number of handoffs. What is kept grows with the
number of streams and the range of the times, never with the number of cases.
"""

from __future__ import annotations

import numpy as np

from cxsim.sketch import CENSORED, COMPETING, RESOLVED, LogHistogram, TimeSketch

CASE_COLUMNS = (
    "created",
    "time_to_resolution",
    "resolved",
    "open",
    "process_time_to_resolution",
    "process_resolved",
    "process_open",
    "gave_up",
    "orphaned",
    "orphan_time",
    "handoffs",
    "cross_org_handoffs",
    "repeats",
    "contacts",
    "outbound",
    "customer_effort",
    "wasted_visits",
    "broken_promises",
    "missed_appointments",
    "visits",
    "fixed_first_visit",
    "stream",
)
"""One value per counted case; times in minutes; `stream` is the stream's number.

`time_to_resolution` runs to the fix, to the end of an unresolved case (the customer
gave up: a competing outcome), or, for a case still `open` when the run ended, to that
end (censored). The same for the root case alone (`process_…`).
"""

TIME_METRICS = ("time_to_resolution", "process_time_to_resolution")
"""Times whose percentiles are reported over all cases."""
_ENDINGS = {
    "time_to_resolution": ("resolved", "open"),
    "process_time_to_resolution": ("process_resolved", "process_open"),
}
"""The columns telling whether each time ended resolved, or still open."""

PER_CASE = (
    "gave_up",
    "orphaned",
    "orphan_time",
    "handoffs",
    "cross_org_handoffs",
    "repeats",
    "contacts",
    "outbound",
    "customer_effort",
    "wasted_visits",
    "broken_promises",
    "missed_appointments",
)
"""Columns summed as they are: their means are per counted case."""
SUMS = (
    "cases",
    "resolved",
    "resolved_time",
    "process_resolved",
    "process_resolved_time",
    *PER_CASE,
    "visited",
    "visits",
    "fixed_first_visit",
    "first_contact_resolution",
    "repeat_contact",
)
"""What a tally sums per stream: cases; resolved cases and their times (customer and
process view); the `PER_CASE` columns; cases with field visits, their visits and those
fixed by the first; cases resolved with one contact; cases with more than one."""

HANDOFF_BUCKETS = 10
"""Handoffs per case are counted 0, 1, …, up to this many or more."""


class Tally:
    """Fixed-size statistics of a replication's cases, per stream of work."""

    def __init__(self) -> None:
        self.sums = np.zeros((0, len(SUMS)))
        """One row per stream number, one column per `SUMS` entry."""
        self.times: list[dict[str, TimeSketch]] = []
        """Per stream number, each of `TIME_METRICS` with how its cases ended."""
        self.orphan_times = LogHistogram()
        """Time spent orphaned by each orphaned case, all streams."""
        self.handoffs = np.zeros(HANDOFF_BUCKETS + 1, dtype=np.int64)
        """Cases with 0, 1, … handoffs; the last bucket holds that many or more."""

    def fold(self, block: np.ndarray) -> None:
        """Add a block of case rows (one per row, `CASE_COLUMNS` in order)."""
        if not len(block):
            return
        table = np.ascontiguousarray(block.T)  # a column's values side by side
        column = dict(zip(CASE_COLUMNS, table, strict=True))
        resolved = column["resolved"] != 0
        process_resolved = column["process_resolved"] != 0
        contacts, visits = column["contacts"], column["visits"]
        visited = visits > 0
        values = {
            "cases": np.ones(len(block)),
            "resolved": resolved,
            "resolved_time": np.where(resolved, column["time_to_resolution"], 0.0),
            "process_resolved": process_resolved,
            "process_resolved_time": np.where(
                process_resolved, column["process_time_to_resolution"], 0.0
            ),
            **{name: column[name] for name in PER_CASE},
            "visited": visited,
            "visits": np.where(visited, visits, 0.0),
            "fixed_first_visit": np.where(visited, column["fixed_first_visit"], 0.0),
            "first_contact_resolution": resolved & (contacts == 1),
            "repeat_contact": contacts > 1,
        }
        # one contiguous row per quantity, so each sum is numpy's pairwise one
        quantities = np.stack([np.asarray(values[name], dtype=float) for name in SUMS])
        times = {
            name: (column[name], _status(column[done] != 0, column[still_open] != 0))
            for name, (done, still_open) in _ENDINGS.items()
        }
        numbers = column["stream"].astype(np.intp)
        present = np.flatnonzero(np.bincount(numbers))
        self._streams(int(present[-1]) + 1)
        for number in present:
            rows = slice(None) if len(present) == 1 else numbers == number
            self.sums[number] += quantities[:, rows].sum(axis=1)
            for name, (durations, status) in times.items():
                self.times[number][name].add(durations[rows], status[rows])
        orphaned = column["orphaned"] != 0
        self.orphan_times.add(column["orphan_time"][orphaned])
        buckets = np.minimum(column["handoffs"].astype(np.int64), HANDOFF_BUCKETS)
        self.handoffs += np.bincount(buckets, minlength=HANDOFF_BUCKETS + 1)

    def _streams(self, count: int) -> None:
        """Make room for streams numbered below `count`."""
        missing = count - len(self.times)
        if missing > 0:
            self.sums = np.vstack((self.sums, np.zeros((missing, len(SUMS)))))
            self.times += [{name: TimeSketch() for name in TIME_METRICS} for _ in range(missing)]

    def sums_of(self, stream: int | None = None) -> dict[str, float]:
        """The `SUMS` of stream number `stream` (of every stream: None)."""
        if stream is None:
            row = self.sums.sum(axis=0)
        elif stream < len(self.sums):
            row = self.sums[stream]
        else:  # no case of that stream was counted
            row = np.zeros(len(SUMS))
        return {name: float(value) for name, value in zip(SUMS, row, strict=True)}

    def times_of(self, stream: int | None = None) -> dict[str, TimeSketch]:
        """The `TIME_METRICS` sketches of stream number `stream` (of every stream: None)."""
        streams = self.times if stream is None else self.times[stream : stream + 1]
        return {name: TimeSketch.merged(times[name] for times in streams) for name in TIME_METRICS}


def _status(resolved: np.ndarray, still_open: np.ndarray) -> np.ndarray:
    """RESOLVED, CENSORED (open when the run ended) or COMPETING (ended unresolved)."""
    return np.where(resolved, RESOLVED, np.where(still_open, CENSORED, COMPETING)).astype(np.int8)
