"""Shifts and business hours: when a team is staffed, and arrival rates by hour of day.

Simulated time 0 is Monday 00:00. A team with a calendar has its full size on duty
while the calendar is open and nobody otherwise; people busy at closing time finish
what they are doing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import simpy

from cxsim.scenario.weekly import MINUTES_PER_DAY, MINUTES_PER_WEEK, Interval, week_intervals

if TYPE_CHECKING:
    from cxsim.engine.world import Team


def open_intervals(calendar: dict[str, str | list[str]]) -> list[Interval]:
    """The open spans of a calendar in minutes of the week."""
    return week_intervals(calendar)


def staffing(
    env: simpy.Environment, team: Team, intervals: list[Interval]
) -> Generator[Any, Any, None]:
    """Open and close `team` at the calendar's boundaries, week after week."""
    week = 0.0
    while True:
        for start, end in intervals:
            opens, closes = week + start, week + end
            if env.now < opens:
                yield env.timeout(opens - env.now)
            if env.now < closes:
                team.staff(team.size, env.now)
                yield env.timeout(closes - env.now)
                team.staff(0, env.now)
        week += MINUTES_PER_WEEK


def closed_minutes(intervals: list[Interval]) -> Callable[[float, float], float]:
    """A function giving the minutes a calendar is closed between two times."""
    weekly = sum(end - start for start, end in intervals)

    def open_in_week(low: float, high: float) -> float:
        return sum(max(0.0, min(end, high) - max(start, low)) for start, end in intervals)

    def closed(low: float, high: float) -> float:
        first, last = math.floor(low / MINUTES_PER_WEEK), math.floor(high / MINUTES_PER_WEEK)
        low, high = low - first * MINUTES_PER_WEEK, high - last * MINUTES_PER_WEEK
        if first == last:
            opened = open_in_week(low, high)
        else:
            opened = open_in_week(low, MINUTES_PER_WEEK) + (last - first - 1) * weekly
            opened += open_in_week(0.0, high)
        return (high + (last - first) * MINUTES_PER_WEEK - low) - opened

    return closed


def rate_at(per_hour: list[float], time: float) -> float:
    """The arrival rate in force at `time`, from 24 hourly rates."""
    return per_hour[int((time % MINUTES_PER_DAY) // 60)]


class Slots:
    """Appointment windows of a field team, limited by its technicians' visits per day.

    Windows start at the team's opening and follow each other (08:00–12:00, 12:00–16:00
    for a 4h window); a team without a calendar has windows from midnight on. A window
    takes at most one booking per technician, a day at most `per_day` bookings.
    """

    def __init__(self, technicians: int, per_day: int, intervals: list[Interval] | None) -> None:
        self.technicians = max(technicians, 1)
        self.per_day = max(per_day, 1)
        self.intervals = intervals or [(0.0, float(MINUTES_PER_WEEK))]
        self.booked: dict[int, int] = {}
        self.windows: dict[float, int] = {}

    def _spans(self, after: float) -> Generator[tuple[float, float], None, None]:
        """Open spans in time order, from the one that contains or follows `after`."""
        week = math.floor(after / MINUTES_PER_WEEK) * MINUTES_PER_WEEK
        while True:
            for start, end in self.intervals:
                if week + end > after:
                    yield week + start, week + end
            week += MINUTES_PER_WEEK

    def book(self, earliest: float, window: float, around: bool = False) -> float:
        """Book the first window starting at or after `earliest` on a day with a slot left.

        `around`: the first window ending after `earliest` instead, the one that time falls
        in when it is open (a window offered anew around the expected time of a visit).
        """
        for opens, closes in self._spans(earliest):
            if around:
                steps = max(0, math.floor((earliest - opens) / window + 1e-9))
            else:
                steps = max(0, math.ceil((earliest - opens) / window - 1e-9))
            start = opens + steps * window
            while start < closes:
                day = int(start // MINUTES_PER_DAY)
                if self.booked.get(day, 0) >= self.per_day:
                    start = (day + 1) * MINUTES_PER_DAY
                    start = opens + math.ceil((start - opens) / window - 1e-9) * window
                    continue
                if self.windows.get(start, 0) < self.technicians:
                    self.booked[day] = self.booked.get(day, 0) + 1
                    self.windows[start] = self.windows.get(start, 0) + 1
                    return start
                start += window
        raise AssertionError("unreachable: spans never end")  # pragma: no cover

    def release(self, start: float) -> None:
        """A booking of the window starting at `start` is called off: its slot is free again."""
        day = int(start // MINUTES_PER_DAY)
        if self.windows.get(start, 0) > 0:
            self.windows[start] -= 1
            self.booked[day] -= 1
