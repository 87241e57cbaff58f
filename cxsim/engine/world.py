"""The world of one replication: the SimPy environment, teams, segments, streams, records.

A team is a pool of people (`People`, whose number on duty follows its calendar) with
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

from cxsim.distributions import CaseSampler, Draw
from cxsim.engine.case import Ownership
from cxsim.engine.runaway import too_many_cases
from cxsim.engine.streams import Streams
from cxsim.engine.waiting import People
from cxsim.engine.week import WeekProfile
from cxsim.scenario.models import BEHAVIOUR_FIELDS, ChannelDownEffect, GiveUp, Scenario, Stream
from cxsim.scenario.types import DIGITAL_CHANNELS, Exponential
from cxsim.warmup import BINS

if TYPE_CHECKING:
    from cxsim.calendars import Hours, Slots
    from cxsim.engine.case import Case
    from cxsim.engine.journey import Journey
    from cxsim.engine.seats import Seats
    from cxsim.metrics import Recorder


class Team:
    """A pool of people with channels, a calendar, and counters of its contacts.

    Counters count contacts offered inside the measurement window [warm-up, horizon),
    followed to their answer or abandonment even after the horizon. Busy time is the
    part of each piece of work inside the window; staffed time is the time people are on
    duty by the calendar, plus the overtime of people who finish work after closing.
    Both are counted when the work starts, for the planned duration; work cut short (the
    customer gave up) gives the rest back (`unwork`).

    A contact that overflows to another team stays the original team's in its counters
    (offered, answered, waits, abandoned) whoever answers it; `overflowed` counts those
    the overflow team answered, and `answered_overflow`, at the overflow team, those its
    people took up for others. The work is the answering team's busy time.
    """

    __slots__ = (
        "_last",
        "abandoned",
        "abandoned_within",
        "answered",
        "answered_overflow",
        "answered_within",
        "busy_area",
        "capacity",
        "capacity_area",
        "channels",
        "closed_minutes",
        "handed",
        "handle_time",
        "hours",
        "keeps_context",
        "name",
        "offered",
        "offered_live",
        "org",
        "overflow",
        "overflow_after",
        "overflowed",
        "overtime",
        "powers",
        "resource",
        "revive",
        "revive_draw",
        "seats",
        "size",
        "slots",
        "target",
        "travel",
        "visit_lead_sum",
        "visits_booked",
        "wait_bin",
        "wait_sum",
        "waits",
        "week",
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
        weekday: int = 0,
    ) -> None:
        self.name = name
        self.size = size
        self.channels = channels
        self.target = target
        self.org = org
        self.window_start, self.window_end = window
        self.closed_minutes = closed_minutes
        """Minutes the team is closed between two times; None for a team always open."""
        self.hours: Hours | None = None
        """When the team is open, by its calendar; None for a team always open."""
        self.capacity = size if closed_minutes is None else 0
        self.resource = People(env, self.capacity)
        self.offered = self.answered = self.abandoned = 0
        self.answered_within = self.abandoned_within = 0
        self.offered_live = 0
        """Contacts offered on real-time channels: what the service level is a share of."""
        self.visit_lead_sum = 0.0
        self.visits_booked = 0
        """For a field team: time from booking to the technician's arrival, and visits."""
        self.overflowed = self.answered_overflow = 0
        self.overflow: Team | None = None
        """Team that may also answer contacts waiting `overflow_after` (a team option)."""
        self.overflow_after = 0.0
        self.wait_sum = 0.0
        self.waits = ([0.0] * BINS, [0] * BINS)
        """Sum and count of the waits of answered contacts, by bin of the time offered
        over [0, horizon): what the warm-up is found from (`cxsim.warmup`)."""
        self.wait_bin = BINS / window[1]
        """Bins per minute of `waits`."""
        self.week = WeekProfile(weekday, window, closed_minutes)
        """The same counts by hour of the week (`weekday`: time 0's, Monday 0)."""
        self.handed: dict[str, int] = {}
        """Handoffs of counted cases from this team (or organization) to each other one."""
        self.busy_area = 0.0
        self.capacity_area = 0.0
        self.overtime = 0.0
        self._last = 0.0
        self.keeps_context = True
        """False: each contact reaches someone new, who does not know the case."""
        self.handle_time: Draw | None = None
        """Handling time of follow-up contacts the team answers."""
        self.powers: frozenset[str] | None = frozenset()
        """Steps the team can revive a stalled case at; None: every step."""
        self.revive = 1.0
        self.revive_draw: Draw | None = None
        self.travel: Draw | None = None
        self.slots: Slots | None = None
        """Appointment slots, for a field team."""
        self.seats: Seats | None = None
        """Which person does each piece of work; only kept with histories (event logs)."""

    def can_act(self, step: str | None) -> bool:
        """Whether the team may revive a case stalled at `step`."""
        return self.powers is None or step in self.powers

    def work(self, start: float, duration: float) -> None:
        """One person works from `start` for `duration`: count what falls in the window."""
        low = start if start > self.window_start else self.window_start
        end = start + duration
        high = end if end < self.window_end else self.window_end
        if high > low:
            self.busy_area += high - low
            if self.closed_minutes is not None:
                self.overtime += self.closed_minutes(low, high)
            self.week.work(low, high)

    def waited(self, offered: float, wait: float) -> None:
        """A contact offered at `offered` was answered after `wait` (before the horizon)."""
        sums, counts = self.waits
        index = min(int(offered * self.wait_bin), BINS - 1)
        sums[index] += wait
        counts[index] += 1

    def unwork(self, at: float, end: float) -> None:
        """Work planned until `end` stopped at `at` (the customer left): take back the rest."""
        low = at if at > self.window_start else self.window_start
        high = end if end < self.window_end else self.window_end
        if high > low:
            self.busy_area -= high - low
            if self.closed_minutes is not None:
                self.overtime -= self.closed_minutes(low, high)
            self.week.work(low, high, -1.0)

    def staff(self, people: int, now: float) -> None:
        """Put `people` on duty from `now` (0 closes the team)."""
        low = self._last if self._last > self.window_start else self.window_start
        high = now if now < self.window_end else self.window_end
        if high > low:
            self.capacity_area += self.capacity * (high - low)
            self.week.staff(self.capacity, low, high)
        self._last = now
        self.capacity = people
        self.resource.set_capacity(people)

    @property
    def staffed_area(self) -> float:
        """People-minutes on duty in the window, overtime after closing included."""
        return self.capacity_area + self.overtime

    def waiting(self) -> int:
        """Contacts offered in the window and still queued: neither answered nor abandoned."""
        return self.offered - self.answered - self.abandoned

    def handled(self) -> int:
        """Contacts and work the team's people took up, for others (overflow) included."""
        return self.answered - self.overflowed + self.answered_overflow


RETURN_AFTER = Exponential.model_validate({"exponential": {"mean": 30.0}})
"""When a customer comes back to a channel found closed, after it opens, unless told."""


@dataclass
class ChannelDown:
    """A channel that fails for a share of a segment's customers."""

    name: str
    channel: str
    share: float
    lost: float
    hits: Draw


@dataclass
class CustomerSegment:
    """A segment as the engine uses it: its samplers, channel preferences and behaviour."""

    name: str
    patience: Draw | None
    channels: list[str]
    weights: list[float]
    choose: Draw | None = None
    digital_comfort: float = 1.0
    digital: Draw | None = None
    redial: float = 0.0
    redial_draw: Draw | None = None
    redial_after: Draw | None = None
    return_after: Draw | None = None
    """How long after a closed real-time channel opens the customer comes back."""
    switch_when_closed: float = 0.0
    switch_draw: Draw | None = None
    follow_up_after: float | None = None
    escalate_after: int | None = None
    give_up_after: float | None = None
    give_up_share: float = 1.0
    """Share of the segment's customers who give up after `give_up_after`."""
    give_up_draw: CaseSampler | None = None
    down: list[ChannelDown] = field(default_factory=list)
    priority: int = 0
    """Higher is served first in every queue the segment's cases join."""

    @property
    def follows_up(self) -> bool:
        """Whether customers of the segment act while they wait (follow up, give up)."""
        return self.follow_up_after is not None or self.give_up_after is not None

    def equip(self, case: Case) -> None:
        """Draw what differs between customers of the segment: comfort, failing channels."""
        if self.digital is not None and self.digital(case) >= self.digital_comfort:
            case.digital = False
        down = {d.channel: d.lost for d in self.down if d.hits(case) < d.share}
        if down:
            case.down = down

    def gives_up_at(self, case: Case) -> float | None:
        """When the customer of `case` will give up on it; None if they never do."""
        after = self.give_up_after
        if after is None:
            return None
        draw = self.give_up_draw  # one draw per customer: their child cases share it
        if draw is not None and draw.first(case.key) >= self.give_up_share:
            return None
        return case.created + after

    def pick_channel(self, offered: list[str], case: Case) -> str:
        """The customer's preferred channel among `offered` (drawn by preference weight).

        A customer without digital comfort keeps off digital channels; when no preferred
        channel is left, the first usable one offered is taken. A channel that fails for
        the customer is still tried: they find out when they try it (`contact.reach`).
        """
        usable = offered
        if not case.digital:
            usable = [c for c in offered if c not in DIGITAL_CHANNELS] or offered
        pairs = [
            (c, w)
            for c, w in zip(self.channels, self.weights, strict=True)
            if c in usable and w > 0
        ]
        if not pairs or self.choose is None:
            return usable[0]
        total = sum(w for _, w in pairs)
        point = self.choose(case) * total
        for channel, weight in pairs:
            point -= weight
            if point < 0:
                return channel
        return pairs[-1][0]


@dataclass
class CustomerStream:
    """A stream of work as the engine uses it: its arrivals, journey and segments.

    Draws are keyed by customer: the stream's customer with arrival index `i` has key
    `i × spacing + number`, so the keys of two streams never meet (`key`).
    """

    name: str
    number: int
    spacing: int
    journey: str
    arrivals: Any
    """The stream's `Arrivals` as the scenario says them."""
    segments: list[CustomerSegment]
    cumulative: list[float]
    draw: CaseSampler | None = None
    """Draws each customer's segment, keyed by customer (None: one segment)."""

    def key(self, index: int) -> int:
        """The key of the stream's customer with arrival index `index`."""
        return index * self.spacing + self.number

    def segment_of(self, key: int) -> CustomerSegment:
        """The segment of the customer with key `key`."""
        if self.draw is None:
            return self.segments[0]
        found = bisect.bisect_right(self.cumulative, self.draw.first(key))
        return self.segments[min(found, len(self.segments) - 1)]


@dataclass
class World:
    """Everything one replication's processes share."""

    env: simpy.Environment
    scenario: Scenario
    streams: Streams
    """The replication's random streams."""
    recorder: Recorder
    teams: dict[str, Team]
    customer_streams: list[CustomerStream]
    """The streams of work, in the scenario's order."""
    journeys: dict[str, Journey] = field(default_factory=dict)
    history: bool = False
    open_cases: dict[int, Case] = field(default_factory=dict)
    """Root cases not recorded yet: open, or waiting for a child."""
    ownership: Ownership = field(default_factory=Ownership)
    failure_counts: Counter[str] = field(default_factory=Counter)
    """Occurrences of each failure on counted cases."""
    open_child: Any = None
    """Opens a child case (`journey.open_child`), handed in to spare effects an import."""
    denials: list[Any] = field(default_factory=list)
    """`deny` failures bound to a team: they can refuse a customer's follow-up contact."""
    channel_teams: dict[str, Team] = field(default_factory=dict)
    """For each channel, the team that answers it (the first listed in the scenario)."""
    organizations: dict[str, Team] = field(default_factory=dict)
    """Each organization as a holder of cases during a `wait` step: a team of nobody, with
    no capacity and no counters read, outside `teams`."""
    open_counted: int = 0
    """Counted root cases open now; the run ends once none is left after the horizon."""
    drained: Any = None
    """Event triggered when the last counted case ends after the horizon."""
    warmup: float = 0.0
    """Cases and contacts arriving before this are not counted."""
    horizon: float = field(init=False)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    """Case numbers, counting from 1 (`next_id`)."""

    def __post_init__(self) -> None:
        self.horizon = self.scenario.horizon

    def next_id(self) -> int:
        """A new case number, counting from 1; past the scenario's `max_cases`, the
        replication stops (`RunawayCase`)."""
        number = next(self.ids)
        if number > self.scenario.max_cases:
            raise too_many_cases(self.scenario.max_cases, self.env.now)
        return number


def customer_streams(scenario: Scenario, streams: Streams) -> list[CustomerStream]:
    """Engine streams of a scenario: the named ones, or the one `customers:` describes."""
    specs = scenario.customers.stream_specs()
    several = scenario.customers.streams is not None
    found = []
    draw = None
    for number, (name, spec) in enumerate(specs.items()):
        segments, cumulative = customer_segments(scenario, streams, spec, name if several else "")
        stream = CustomerStream(
            name, number, len(specs), spec.journey, spec.arrivals, segments, cumulative
        )
        if len(segments) > 1:
            draw = draw or streams.uniform("segments")
            stream.draw = draw
        found.append(stream)
    return found


def customer_segments(
    scenario: Scenario, streams: Streams, stream: Stream, prefix: str = ""
) -> tuple[list[CustomerSegment], list[float]]:
    """Engine segments of a stream (one default segment when none is given).

    A segment's behaviour falls back, field by field, on what its stream says, then on
    what `customers:` says. `prefix` (the stream's name, when there are several) keeps
    the random streams of same-named segments of two streams apart.
    """
    customers = scenario.customers
    segments, cumulative, total = [], [], 0.0
    for spec in customers.segments_of(stream):
        said = {name: customers.said(stream, spec, name) for name in BEHAVIOUR_FIELDS}
        key = f"{prefix}.{spec.name}" if prefix else spec.name
        channels = said["channels"] or {}
        comfort = said["digital_comfort"]
        redial = said["redial"] or 0.0
        switch = said["switch_when_closed"] or 0.0
        segment = CustomerSegment(
            name=spec.name,
            patience=streams.sampler("patience", key, said["patience"])
            if said["patience"] is not None
            else None,
            channels=list(channels),
            weights=list(channels.values()),
            choose=streams.uniform("channels", key) if channels else None,
            digital_comfort=1.0 if comfort is None else comfort,
            digital=streams.uniform("behaviour", f"{key}.digital")
            if comfort is not None and comfort < 1
            else None,
            redial=redial,
            redial_draw=streams.uniform("behaviour", f"{key}.redial") if redial else None,
            redial_after=streams.sampler(
                "behaviour",
                f"{key}.redial_after",
                said["redial_after"] if said["redial_after"] is not None else 10.0,
            )
            if redial
            else None,
            return_after=streams.sampler(
                "behaviour",
                f"{key}.return_after",
                said["return_after"] if said["return_after"] is not None else RETURN_AFTER,
            ),
            switch_when_closed=switch,
            switch_draw=streams.uniform("behaviour", f"{key}.switch") if switch else None,
            follow_up_after=said["follow_up_after"],
            escalate_after=said["escalate_after"],
            priority=said["priority"] or 0,
        )
        give_up = said["give_up_after"]
        if isinstance(give_up, GiveUp):
            segment.give_up_after, segment.give_up_share = give_up.after, give_up.probability
            if give_up.probability < 1:
                segment.give_up_draw = streams.uniform("behaviour", f"{key}.give_up")
        else:
            segment.give_up_after = give_up
        for failure in scenario.failures:
            effect = failure.effect
            if isinstance(effect, ChannelDownEffect) and effect.channel_down.segment in (
                None,
                spec.name,
            ):
                params = effect.channel_down
                segment.down.append(
                    ChannelDown(
                        failure.name,
                        params.channel,
                        failure.probability,
                        params.lost,
                        streams.uniform("failures", f"{failure.name}.{key}"),
                    )
                )
        segments.append(segment)
        total += spec.share
        cumulative.append(total)
    return segments, cumulative
