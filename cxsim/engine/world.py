"""The world of one replication: the SimPy environment, teams, segments, streams, records.

A team is a pool of people (a SimPy resource whose capacity follows its calendar) with
counters of what happened to the contacts it was offered. Counters are plain records;
`metrics.py` turns them into KPIs.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import simpy

from cxsim.distributions import Sampler
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
    """A pool of people with channels, a calendar, and counters of its contacts."""

    __slots__ = (
        "_last",
        "abandoned",
        "abandoned_within",
        "answered",
        "answered_within",
        "busy",
        "busy_area",
        "capacity",
        "channels",
        "name",
        "offered",
        "org",
        "resource",
        "size",
        "staffed_area",
        "target",
        "wait_sum",
    )

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        size: int,
        channels: list[str],
        target: float,
        org: str | None,
        open_now: bool,
    ) -> None:
        self.name = name
        self.size = size
        self.channels = channels
        self.target = target
        self.org = org
        self.capacity = size if open_now else 0
        self.resource = StaffedResource(env, capacity=max(self.capacity, 1))
        self.resource.set_capacity(self.capacity)
        self.offered = self.answered = self.abandoned = 0
        self.answered_within = self.abandoned_within = 0
        self.wait_sum = 0.0
        self.busy = 0
        self.busy_area = 0.0
        self.staffed_area = 0.0
        self._last = 0.0

    def _advance(self, now: float) -> None:
        elapsed = now - self._last
        if elapsed:
            busy = self.busy
            self.busy_area += busy * elapsed
            capacity = self.capacity
            # people finishing a contact after closing time are on duty until they finish
            self.staffed_area += (capacity if capacity > busy else busy) * elapsed
            self._last = now

    def start_work(self, now: float) -> None:
        """One more person of the team is busy from `now`."""
        self._advance(now)
        self.busy += 1

    def end_work(self, now: float) -> None:
        """One person of the team is free again from `now`."""
        self._advance(now)
        self.busy -= 1

    def staff(self, people: int, now: float) -> None:
        """Put `people` on duty from `now` (0 closes the team)."""
        self._advance(now)
        self.capacity = people
        self.resource.set_capacity(people)

    def open_window(self, now: float) -> None:
        """Start measuring time integrals (end of warm-up); counters only count from then on."""
        self._advance(now)
        self.busy_area = self.staffed_area = 0.0

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
    open_cases: dict[str, Case] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def warmup(self) -> float:
        return self.scenario.warmup

    def next_id(self) -> str:
        """A new case number, counting from 1."""
        return str(next(self._ids) + 1)

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
