"""The failure effect vocabulary: one implementation per effect, keyed by its YAML name.

A failure is drawn each time a case attempts a step it applies to. Effects that act
`before` the step's work can delay it, skip it (the step looks done but provides
nothing), wipe the context, or make the team let go of the case (`deny`, `drop`), which
stalls it until someone revives it. Effects that act `after` open child cases: collateral
damage (`spawn`) or the same problem coming back (`fail_fix`).

Failures that exclude each other form a `group`: on each attempt of a step, one draw
decides which of them, if any, happens. The group's probabilities split [0, 1) in the
order listed (late 0.15 then no-show 0.05: a draw below 0.15 is late, from 0.15 to 0.20 a
no-show), so each keeps its own chance and at most one happens on an attempt — also
when some of them act before the step's work and others after it (late, lost or damaged
in transit: the attempt's one draw decides among them). A failure of no group is a group
of its own, with a draw of its own (`occurring`).

`channel_down` is not drawn per step but per customer, when the case opens: its
customers find the channel failing whenever they try it (`CustomerSegment.equip` and
`processes.contact.reach`). A `deny` failure of a team also refuses customers' follow-up
contacts asking that team to get a stalled case moving (`engine.customer`): each such
contact is an attempt of its own, drawn like an attempt of the step.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import simpy

from cxsim.distributions import Draw
from cxsim.engine.ownership import stall
from cxsim.engine.streams import Streams
from cxsim.scenario.models import (
    ChannelDownEffect,
    DelayEffect,
    DropEffect,
    FailFixEffect,
    Failure,
    SpawnEffect,
)

if TYPE_CHECKING:
    from cxsim.engine.case import Case
    from cxsim.engine.journey import Node
    from cxsim.engine.world import World

SKIP = "skip"
"""The step's work is not done and it provides nothing; the case moves on."""
RETRY = "retry"
"""The step must be attempted again (after the case was revived)."""

Directive = str | None
Apply = Callable[
    ["simpy.Environment", "World", "Case", "Node", "Drawn"], Generator[Any, Any, Directive]
]


@dataclass
class Drawn:
    """A failure of the scenario, bound to its samplers in one replication."""

    spec: Failure
    effect: str
    occurs: Draw
    """Draws whether the failure happens on an attempt: the group's draw, if it has one."""
    delay: Draw | None = None
    journey: str | None = None
    reported: float = 1.0
    report: Draw | None = None
    """Draws whether a child case is reported (compared with `reported`)."""
    low: float = 0.0
    high: float = field(init=False)
    """The failure happens when the attempt's draw lies in [low, high): its share of the
    group's [0, 1) (of its own draw's, in no group), as wide as its probability."""

    def __post_init__(self) -> None:
        self.high = self.low + self.spec.probability


@dataclass(frozen=True)
class EffectImpl:
    """How an effect acts: before or after the step's work, and what it does."""

    when: Literal["before", "after"]
    apply: Apply


def _delay(
    env: simpy.Environment, world: World, case: Case, node: Node, failure: Drawn
) -> Generator[Any, Any, Directive]:
    assert failure.delay is not None
    delay = failure.delay(case)
    case.expected = env.now + delay  # at the earliest: the step starts then
    yield env.timeout(delay)
    return None


def _skip(
    env: simpy.Environment, world: World, case: Case, node: Node, failure: Drawn
) -> Generator[Any, Any, Directive]:
    return SKIP
    yield  # a generator like every effect


def _lose_context(
    env: simpy.Environment, world: World, case: Case, node: Node, failure: Drawn
) -> Generator[Any, Any, Directive]:
    case.known_by.clear()
    return None
    yield  # a generator like every effect


def _deny(
    env: simpy.Environment, world: World, case: Case, node: Node, failure: Drawn
) -> Generator[Any, Any, Directive]:
    yield from stall(env, world, case, node, failure.spec.name)
    return RETRY


def _drop(
    env: simpy.Environment, world: World, case: Case, node: Node, failure: Drawn
) -> Generator[Any, Any, Directive]:
    from cxsim.engine.ownership import stall

    team = world.teams[node.spec.team]  # type: ignore[attr-defined]
    case.take(team, env.now)
    if failure.delay is not None:
        yield env.timeout(failure.delay(case))
    yield from stall(env, world, case, node, failure.spec.name)
    return RETRY


def _spawn(
    env: simpy.Environment, world: World, case: Case, node: Node, failure: Drawn
) -> Generator[Any, Any, Directive]:
    assert failure.journey is not None
    start = world.journeys[failure.journey].start
    world.open_child(env, world, case, start, failure)
    return None
    yield  # a generator like every effect


def _fail_fix(
    env: simpy.Environment, world: World, case: Case, node: Node, failure: Drawn
) -> Generator[Any, Any, Directive]:
    world.open_child(env, world, case, node, failure)
    return None
    yield  # a generator like every effect


EFFECTS: dict[str, EffectImpl] = {
    "delay": EffectImpl("before", _delay),
    "skip": EffectImpl("before", _skip),
    "precondition_missing": EffectImpl("before", _skip),
    "lose_context": EffectImpl("before", _lose_context),
    "deny": EffectImpl("before", _deny),
    "drop": EffectImpl("before", _drop),
    "spawn": EffectImpl("after", _spawn),
    "fail_fix": EffectImpl("after", _fail_fix),
}
"""Every effect a failure can have, keyed by its YAML name."""


def bind_all(failures: Iterable[Failure], streams: Streams) -> list[Drawn]:
    """The scenario's failures with their random streams; a group's share one draw.

    The members of a group take, in the order listed, consecutive parts of [0, 1) as
    wide as their probabilities, and draw from the group's stream (keyed by its name).
    """
    bound: list[Drawn] = []
    shared: dict[str, tuple[Draw, float]] = {}
    for failure in failures:
        drawn = bind(failure, streams)
        group = failure.group
        if group is not None:
            occurs, low = shared.get(group) or (streams.uniform("failures", f"group {group}"), 0.0)
            drawn.occurs, drawn.low, drawn.high = occurs, low, low + failure.probability
            shared[group] = (occurs, drawn.high)
        bound.append(drawn)
    return bound


def bind(failure: Failure, streams: Streams) -> Drawn:
    """A failure of the scenario with its own random streams."""
    effect = failure.effect
    key = failure.name
    occurs = streams.uniform("failures", key)
    if isinstance(effect, str):
        return Drawn(failure, effect, occurs)
    if isinstance(effect, DelayEffect):
        return Drawn(
            failure, "delay", occurs, streams.sampler("failures", f"{key}.delay", effect.delay)
        )
    if isinstance(effect, DropEffect):
        return Drawn(
            failure, "drop", occurs, streams.sampler("failures", f"{key}.after", effect.drop.after)
        )
    if isinstance(effect, SpawnEffect):
        params = effect.spawn
        after = streams.sampler("failures", f"{key}.after", params.after)
        report = streams.uniform("failures", f"{key}.reported")
        return Drawn(failure, "spawn", occurs, after, params.journey, params.reported, report)
    if isinstance(effect, ChannelDownEffect):
        return Drawn(failure, "channel_down", occurs)
    assert isinstance(effect, FailFixEffect)
    after = streams.sampler("failures", f"{key}.after", effect.fail_fix.after)
    return Drawn(failure, "fail_fix", occurs, after)


def applies(failure: Failure, journey: str, step: str | None, team: str | None) -> bool:
    """Whether `failure` can happen on step `step` of `journey`, done by `team`."""
    steps = failure.steps
    return (
        (steps is None or step in steps)
        and (failure.journey is None or failure.journey == journey)
        and (failure.team is None or failure.team == team)
    )


def occurring(
    case: Case, failures: Iterable[Drawn], points: dict[Draw, float] | None = None
) -> Iterator[Drawn]:
    """The failures among `failures` that happen on one attempt by `case`, in order.

    Each stream is drawn once for the attempt, when the first failure drawing from it is
    reached: the failures of a group share that draw, and at most one of them happens.
    `points` holds the attempt's draws, to share them between the failures acting before
    the step's work and those acting after it.
    """
    if points is None:
        points = {}
    for failure in failures:
        point = points.get(failure.occurs)
        if point is None:
            point = points[failure.occurs] = failure.occurs(case)
        if failure.low <= point < failure.high:
            yield failure
