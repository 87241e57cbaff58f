"""A team's hour-of-week profile: what it was offered, how long it kept people waiting, and
how busy it was, in each of the 168 hours of the week.

Only the measurement window [warm-up, horizon) counts, as for the team's totals. Hours
are real weekdays: hour 0 is Monday 00:00–01:00, whatever weekday the run starts on.
Busy and staffed time are spread over the hours they fall in, so an hour's occupancy is
busy time over staffed time within that hour (overtime after closing included in both,
as in the team's `occupancy`). Counters are plain lists, summed over replications by
`cxsim.figures`.
"""

from __future__ import annotations

from collections.abc import Callable

HOURS = 168
MINUTES_PER_HOUR = 60.0


class WeekProfile:
    """Sums by hour of the week for one team of one replication."""

    __slots__ = (
        "answered",
        "busy",
        "closed_minutes",
        "exposure",
        "offered",
        "offset",
        "staffed",
        "wait_sum",
    )

    def __init__(
        self,
        weekday: int,
        window: tuple[float, float],
        closed_minutes: Callable[[float, float], float] | None = None,
    ) -> None:
        self.offset = weekday * 1440.0
        """Minutes from Monday 00:00 to time 0."""
        self.closed_minutes = closed_minutes
        self.offered = [0] * HOURS
        self.answered = [0] * HOURS
        self.wait_sum = [0.0] * HOURS
        self.busy = [0.0] * HOURS
        self.staffed = [0.0] * HOURS
        self.exposure = [0.0] * HOURS
        """Minutes of the measurement window in each hour: how often the hour was seen."""
        self.spread(self.exposure, *window)

    def hour(self, time: float) -> int:
        """The hour of the week `time` falls in."""
        return int((time + self.offset) // MINUTES_PER_HOUR) % HOURS

    # offer, answer and work run once per contact: the hour is computed inline
    def offer(self, time: float) -> None:
        """A contact or task was offered at `time` (inside the window)."""
        self.offered[int((time + self.offset) // MINUTES_PER_HOUR) % HOURS] += 1

    def answer(self, offered: float, wait: float) -> None:
        """A contact offered at `offered` (inside the window) was answered after `wait`."""
        index = int((offered + self.offset) // MINUTES_PER_HOUR) % HOURS
        self.answered[index] += 1
        self.wait_sum[index] += wait

    def work(self, low: float, high: float, sign: float = 1.0) -> None:
        """One person worked over [low, high) (inside the window); -1 takes it back."""
        if self.closed_minutes is None:
            start = (low + self.offset) // MINUTES_PER_HOUR
            if high + self.offset < (start + 1) * MINUTES_PER_HOUR:  # within one hour
                self.busy[int(start) % HOURS] += sign * (high - low)
                return
        self.spread(self.busy, low, high, sign)
        if self.closed_minutes is not None:
            self._overtime(low, high, sign)

    def staff(self, people: int, low: float, high: float) -> None:
        """`people` were on duty over [low, high) (inside the window)."""
        if people:
            self.spread(self.staffed, low, high, float(people))

    def spread(self, bins: list[float], low: float, high: float, weight: float = 1.0) -> None:
        """Add `weight` × the minutes of [low, high) to the hours they fall in."""
        while high > low:
            start, end = self._hour_end(low)
            piece = (end if end < high else high) - low
            bins[start % HOURS] += weight * piece
            low = end

    def _overtime(self, low: float, high: float, sign: float) -> None:
        """Work after closing counts as staffed time too, in the hours it falls in."""
        closed = self.closed_minutes
        assert closed is not None
        while high > low:
            start, end = self._hour_end(low)
            extra = closed(low, end if end < high else high)
            if extra > 0:
                self.staffed[start % HOURS] += sign * extra
            low = end

    def _hour_end(self, time: float) -> tuple[int, float]:
        """The hour (counted from time 0's Monday) `time` is in, and when it ends."""
        start = int((time + self.offset) // MINUTES_PER_HOUR)
        end = (start + 1) * MINUTES_PER_HOUR - self.offset
        if end <= time:  # rounding put `time` at the very end of the hour: take the next
            start, end = start + 1, end + MINUTES_PER_HOUR
        return start, end
