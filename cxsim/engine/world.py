"""The world of one replication: the SimPy environment, teams, segments, streams, records.

A team is a pool of people (a SimPy resource whose capacity follows its calendar) with
counters of what happened to the contacts it was offered. Counters are plain records;
`metrics.py` turns them into KPIs.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import simpy

from cxsim.distributions import Sampler
from cxsim.engine.case import Ownership
from cxsim.engine.streams import Streams
from cxsim.scenario.models import Scenario, Segment

if TYPE_CHECKING:
    from cxsim.engine.case import Case
    from cxsim.engine.journey import Journey
    from cxsim.metrics import Recorder


class StaffedResource(simpy.Resource):
    """A resource whose capacity can change while the simulation runs."""

    def set_capacity(self, capacity: int) -> None:
        """Change the number of servers; waiting requests are granted as places free up."""
        self._capacity = capacity
        while self.put_queue and len(self.users) < capacity:
            self._trigger_put(None)


class Team:
    """A pool of people with channels, a calendar, and counters of its contacts.

    Counters count contacts offered inside the measurement window (after the warm-up).
    Busy time is the part of each piece of work inside the window; staffed time is the
    time people are on duty by the calendar, plus the overtime of people who finish
    work after closing. Both are known when the work starts, so no per-event bookkeeping.
    """

    __slots__ = (
        "_last",
        "abandoned",
        "abandoned_within",
        "answered",
        "answered_within",
        "busy_area",
        "capacity",
        "capacity_area",
        "channels",
        "closed_minutes",
        "name",
        "offered",
        "org",
        "overtime",
        "resource",
        "size",
        "target",
        "wait_sum",
        "window_end",
        "window_start",
    )

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        size: int,
        channels: list[str],
        target: float,
        org: str | None,
        window: tuple[float, float],
        closed_minutes: Callable[[float, float], float] | None = None,
    ) -> None:
        self.name = name
        self.size = size
        self.channels = channels
        self.target = target
        self.org = org
        self.window_start, self.window_end = window
        self.closed_minutes = closed_minutes
        """Minutes the team is closed between two times; None for a team always open."""
        self.capacity = size if closed_minutes is None else 0
        self.resource = StaffedResource(env, capacity=max(self.capacity, 1))
        self.resource.set_capacity(self.capacity)
        self.offered = self.answered = self.abandoned = 0
        self.answered_within = self.abandoned_within = 0
        self.wait_sum = 0.0
        self.busy_area = 0.0
        self.capacity_area = 0.0
        self.overtime = 0.0
        self._last = 0.0

    def work(self, start: float, duration: float) -> None:
        """One person works from `start` for `duration`: count what falls in the window."""
        low = start if start > self.window_start else self.window_start
        end = start + duration
        high = end if end < self.window_end else self.window_end
        if high > low:
            self.busy_area += high - low
            if self.closed_minutes is not None:
                self.overtime += self.closed_minutes(low, high)

    def staff(self, people: int, now: float) -> None:
        """Put `people` on duty from `now` (0 closes the team)."""
        low = self._last if self._last > self.window_start else self.window_start
        high = now if now < self.window_end else self.window_end
        if high > low:
            self.capacity_area += self.capacity * (high - low)
        self._last = now
        self.capacity = people
        self.resource.set_capacity(people)

    @property
    def staffed_area(self) -> float:
        """People-minutes on duty in the window, overtime after closing included."""
        return self.capacity_area + self.overtime

    def waiting(self) -> int:
        """Requests in the team's queue right now."""
        return len(self.resource.queue)


@dataclass
class CustomerSegment:
    """A segment as the engine uses it: its samplers and channel preferences."""

    name: str
    patience: Sampler | None
    channels: list[str]
    weights: list[float]
    choose: Sampler | None = None

    def pick_channel(self, offered: list[str]) -> str:
        """The customer's preferred channel among `offered` (drawn by preference weight)."""
        pairs = [
            (c, w)
            for c, w in zip(self.channels, self.weights, strict=True)
            if c in offered and w > 0
        ]
        if not pairs or self.choose is None:
            return offered[0]
        total = sum(w for _, w in pairs)
        point = self.choose() * total
        for channel, weight in pairs:
            point -= weight
            if point < 0:
                return channel
        return pairs[-1][0]


@dataclass
class World:
    """Everything one replication's processes share."""

    env: simpy.Environment
    scenario: Scenario
    streams: Streams
    recorder: Recorder
    teams: dict[str, Team]
    segments: list[CustomerSegment]
    segment_cumulative: list[float]
    journeys: dict[str, Journey] = field(default_factory=dict)
    history: bool = False
    open_cases: dict[int, Case] = field(default_factory=dict)
    """Root cases not recorded yet: open, or waiting for a child."""
    ownership: Ownership = field(default_factory=Ownership)
    failure_counts: Counter[str] = field(default_factory=Counter)
    """Occurrences of each failure on counted cases."""
    open_child: Any = None
    """Opens a child case (`journey.open_child`), handed in to spare effects an import."""
    warmup: float = field(init=False)
    journey: str = field(init=False)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.warmup = self.scenario.warmup
        self.journey = self.scenario.customers.journey

    def next_id(self) -> int:
        """A new case number, counting from 1."""
        return next(self._ids)

    def pick_segment(self, draw: float) -> CustomerSegment:
        """The segment a uniform draw in [0, 1) falls into."""
        index = bisect.bisect_right(self.segment_cumulative, draw)
        return self.segments[min(index, len(self.segments) - 1)]


def customer_segments(
    scenario: Scenario, streams: Streams
) -> tuple[list[CustomerSegment], list[float]]:
    """Engine segments of a scenario (one default segment when none is given)."""
    customers = scenario.customers
    specs = customers.segments or [Segment(name="default", share=1.0)]
    segments, cumulative, total = [], [], 0.0
    for spec in specs:
        patience = spec.patience if spec.patience is not None else customers.patience
        channels = spec.channels if spec.channels is not None else (customers.channels or {})
        segments.append(
            CustomerSegment(
                name=spec.name,
                patience=streams.sampler("patience", spec.name, patience)
                if patience is not None
                else None,
                channels=list(channels),
                weights=list(channels.values()),
                choose=streams.uniform("channels", spec.name) if channels else None,
            )
        )
        total += spec.share
        cumulative.append(total)
    return segments, cumulative
