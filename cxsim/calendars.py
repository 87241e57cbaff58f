"""Shifts and business hours: when a team is staffed, and arrival rates by hour of the week.

Simulated time 0 is 00:00 of the scenario's `start` date (a Monday unless it says
otherwise). A team with a calendar has its full size on duty while the calendar is open
and nobody otherwise — nobody all day on the calendar's holidays; people busy at closing
time finish what they are doing.
"""

from __future__ import annotations

import bisect
import datetime
import math
from collections.abc import Callable, Generator, Iterable
from typing import TYPE_CHECKING, Any

import simpy

from cxsim.scenario.weekly import (
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    Interval,
    holidays,
    merged_spans,
    week_intervals,
)

if TYPE_CHECKING:
    from cxsim.engine.world import Team


def open_intervals(calendar: dict[str, str | list[str]]) -> list[Interval]:
    """The open spans of a calendar in minutes of the week."""
    return week_intervals(calendar)


def first_weekday(start: datetime.date) -> int:
    """The weekday (Monday 0) simulated time 0 falls on."""
    return start.weekday()


def staffing(env: simpy.Environment, team: Team, hours: Hours) -> Generator[Any, Any, None]:
    """Open and close `team` at the calendar's boundaries, week after week."""
    for opens, closes in hours.spans(env.now):
        if env.now < opens:
            yield env.timeout(opens - env.now)
        if env.now < closes:
            team.staff(team.size, env.now)
            yield env.timeout(closes - env.now)
            team.staff(0, env.now)


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


class Hours:
    """When a calendar is open: its weekly spans, turned to time 0's weekday, less holidays.

    `week` holds the open spans in minutes since the start of a week that begins at time
    0's weekday; `holidays` the days (counted from time 0) closed all day.
    """

    def __init__(self, week: list[Interval], closed_days: Iterable[int] = ()) -> None:
        self.week = week
        self.holidays = sorted(set(closed_days))
        self._weekly_closed = closed_minutes(week)

    def spans(self, after: float) -> Generator[Interval, None, None]:
        """Open spans in time order, from the one that contains or follows `after`."""
        week = math.floor(after / MINUTES_PER_WEEK) * MINUTES_PER_WEEK
        while True:
            for start, end in self.week:
                if week + end > after:
                    for span in self._cut(week + start, week + end):
                        if span[1] > after:
                            yield span
            week += MINUTES_PER_WEEK

    def _cut(self, low: float, high: float) -> Generator[Interval, None, None]:
        """The span [low, high) less the holidays in it."""
        first = bisect.bisect_left(self.holidays, math.floor(low / MINUTES_PER_DAY))
        for day in self.holidays[first:]:
            opens = day * MINUTES_PER_DAY
            if opens >= high:
                break
            if opens > low:
                yield low, opens
            low = max(low, opens + MINUTES_PER_DAY)
            if low >= high:
                return
        yield low, high

    def next_open(self, time: float) -> float:
        """The first moment at or after `time` when the calendar is open."""
        start, _ = next(self.spans(time))
        return max(start, time)

    def is_open(self, time: float) -> bool:
        """Whether the calendar is open at `time`."""
        return self.next_open(time) <= time

    def closed_minutes(self, low: float, high: float) -> float:
        """Minutes the calendar is closed between two times, holidays included."""
        closed = self._weekly_closed(low, high)
        if not self.holidays or high <= low:
            return closed
        first = bisect.bisect_left(self.holidays, math.floor(low / MINUTES_PER_DAY))
        for day in self.holidays[first:]:
            opens = day * MINUTES_PER_DAY
            if opens >= high:
                break
            a, b = max(low, opens), min(high, opens + MINUTES_PER_DAY)
            if b > a:  # the hours the week would have been open that day are closed
                closed += (b - a) - self._weekly_closed(a, b)
        return closed


ALWAYS_OPEN = Hours([(0.0, MINUTES_PER_WEEK)])
"""The hours of a team without a calendar."""


def business_hours(calendar: dict[str, str | list[str]], start: datetime.date) -> Hours:
    """A calendar's hours for a run whose time 0 is 00:00 of `start`."""
    week = _turn(week_intervals(calendar), first_weekday(start) * MINUTES_PER_DAY)
    days = [(day - start).days for day in holidays(calendar)]
    return Hours(week, [day for day in days if day >= 0])


def _turn(intervals: list[Interval], offset: float) -> list[Interval]:
    """Spans of a week from Monday 00:00 as spans of a week starting `offset` later."""
    spans: list[Interval] = []
    for start, end in intervals:
        start, end = start - offset, end - offset
        if end <= 0:
            spans.append((start + MINUTES_PER_WEEK, end + MINUTES_PER_WEEK))
        elif start < 0:
            spans.extend([(start + MINUTES_PER_WEEK, MINUTES_PER_WEEK), (0.0, end)])
        else:
            spans.append((start, end))
    return merged_spans(spans)


def rate_at(profile: list[float], time: float) -> float:
    """The arrival rate in force at `time`, from hourly rates repeating from time 0 on."""
    return profile[int(time // 60) % len(profile)]


class Slots:
    """Appointment windows of a field team, limited by its technicians' visits per day.

    Windows start at the team's opening and follow each other (08:00–12:00, 12:00–16:00
    for a 4h window), each ending by closing (none 16:00–20:00 when the team closes at
    17:00; a window longer than the team is open at a stretch starts at opening only); a
    team without a calendar has windows from midnight on, and none on its calendar's
    holidays. A window takes at most one booking per technician, a day
    at most `per_day` bookings.
    """

    def __init__(self, technicians: int, per_day: int, hours: Hours | None) -> None:
        self.technicians = max(technicians, 1)
        self.per_day = max(per_day, 1)
        self.hours = hours or ALWAYS_OPEN
        self.booked: dict[int, int] = {}
        self.windows: dict[float, int] = {}

    def book(self, earliest: float, window: float, around: bool = False) -> float:
        """Book the first window starting at or after `earliest` on a day with a slot left.

        `around`: the first window ending after `earliest` instead, the one that time falls
        in when it is open (a window offered anew around the expected time of a visit).
        """
        for opens, closes in self.hours.spans(earliest):
            if around:
                steps = max(0, math.floor((earliest - opens) / window + 1e-9))
            else:
                steps = max(0, math.ceil((earliest - opens) / window - 1e-9))
            start = opens + steps * window
            # a window ends by closing; one longer than the span starts at opening only
            last = closes - window if closes - opens >= window else opens
            while start <= last + 1e-9:
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
