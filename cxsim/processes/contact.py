"""`contact`: the customer reaches a team on a channel, queues, may abandon, is served."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from simpy import Interrupt

from cxsim.engine.activities import completed, started
from cxsim.engine.seats import give_seat, take_seat
from cxsim.processes.hours import closed, keep_hours
from cxsim.processes.outcomes import DONE, LEFT
from cxsim.processes.overflow import overflow_wait
from cxsim.scenario.models import ContactStep
from cxsim.scenario.types import REAL_TIME_CHANNELS
from cxsim.warmup import BINS

if TYPE_CHECKING:
    import simpy

    from cxsim.distributions import Draw
    from cxsim.engine.case import Case
    from cxsim.engine.journey import Node
    from cxsim.engine.world import Team, World


def contact(
    env: simpy.Environment, world: World, case: Case, node: Node
) -> Generator[Any, Any, str]:
    """The customer contacts the step's team and waits to be served."""
    spec: ContactStep = node.spec  # type: ignore[assignment]
    team = world.teams[spec.team]
    segment = case.segment
    channel = spec.channel or segment.pick_channel(team.channels, case)
    if segment.redial or case.down or closed(team, channel, env.now):
        return _persist(
            env, world, case, team, channel, node.draw["handle_time"], spec.channel, node.name
        )
    case.contacts += 1
    # hands back the generator itself rather than delegating to it: one frame less per event
    return serve(env, world, case, team, channel, node.draw["handle_time"], "contact", node.name)


def _persist(
    env: simpy.Environment,
    world: World,
    case: Case,
    team: Team,
    channel: str,
    handle_time: Draw,
    fixed: str | None,
    step: str,
) -> Generator[Any, Any, str]:
    """A contact by a customer who may find the channel down or closed, or redial after
    abandoning."""
    segment = case.segment
    answered = dict.fromkeys(team.channels, team)
    while True:
        channel = yield from reach(env, case, team, channel)
        channel = yield from keep_hours(env, case, answered, channel, fixed is not None)
        case.contacts += 1
        outcome = yield from serve(env, world, case, team, channel, handle_time, "contact", step)
        if outcome is not LEFT:
            return outcome
        if segment.redial_draw is None or segment.redial_draw(case) >= segment.redial:
            return LEFT
        assert segment.redial_after is not None
        yield env.timeout(segment.redial_after(case))
        channel = fixed or segment.pick_channel(team.channels, case)
        if case.history is not None:
            case.note(env.now, team.name, channel, "tries again")


def reach(env: simpy.Environment, case: Case, team: Team, channel: str) -> Generator[Any, Any, str]:
    """Try `channel`; if it is down for the customer, lose the time and take the next one.

    A try on a failed channel counts as a contact. When the team answers no other
    usable channel, the customer keeps at it and gets through on the failed one.
    """
    if channel not in case.down:
        return channel
    lost = case.down[channel]
    case.contacts += 1
    case.effort += lost
    if case.history is not None:
        case.note(env.now, team.name, channel, "channel down", lost=lost)
    yield env.timeout(lost)
    others = [c for c in team.channels if case.usable(c)]
    if not others:
        return channel
    segment = case.segment
    channels = [c for c in segment.channels if c in others and c not in case.down]
    return channels[0] if channels else others[0]


def serve(
    env: simpy.Environment,
    world: World,
    case: Case,
    team: Team,
    channel: str,
    handle_time: Draw,
    what: str,
    step: str | None = None,
    take: bool = True,
) -> Generator[Any, Any, str]:
    """Queue `case` for `team` on `channel`, abandon after patience, then be served.

    The case waits by its customer's priority. With an overflow team that answers the
    channel, it may be answered there instead (`overflow_wait`); the team's counters
    still count it. The team that answers takes the case, unless `take` is false (a
    follow-up contact only asks about the case). The contact is the work of `step`
    (None for a follow-up, which is no step), from its answer to its end.
    """
    arrived = env.now
    counted = world.warmup <= arrived < world.horizon
    history = case.history is not None
    case.channel = channel
    live = channel in REAL_TIME_CHANNELS  # what the service level is measured on
    if counted:
        team.offered += 1
        team.week.offer(arrived)
        if live:
            team.offered_live += 1
    patience = case.segment.patience if live else None
    if history:
        case.note(arrived, team.name, channel, what)
    case.busy = True
    with team.resource.request(-case.segment.priority) as request:
        server, granted = team, request
        try:
            if team.overflow is not None and channel in team.overflow.channels:
                timer = None if patience is None else env.timeout(patience(case))
                answer = yield from overflow_wait(env, case, team, channel, request, timer)
                if answer is not None:
                    server, granted = answer
            elif patience is None:
                yield request
            else:
                yield request | env.timeout(patience(case))
        except Interrupt:  # the customer gave up on the case while queued: they leave it
            _abandon(env, case, team, channel, arrived, counted, live)
            raise
        if not granted.triggered:
            _abandon(env, case, team, channel, arrived, counted, live)
            return LEFT
        now = env.now
        wait = now - arrived
        case.effort += wait
        if counted:
            team.answered += 1
            team.wait_sum += wait
            team.week.answer(arrived, wait)
            if live and wait <= team.target:
                team.answered_within += 1
            if server is not team:  # the team's contact, taken up by its overflow team
                team.overflowed += 1
                server.answered_overflow += 1
        if arrived < world.horizon:  # for the warm-up, from time 0 (`Team.waited`, inlined)
            sums, counts = team.waits
            index = min(int(arrived * team.wait_bin), BINS - 1)
            sums[index] += wait
            counts[index] += 1
        case.answered_by = server
        if take and case.owner is not server:
            case.take(server, now)
        if server.name not in case.known_by or not server.keeps_context:
            case.tell(server, now)
        seat = None
        if history:
            case.note(now, server.name, channel, "answered", waited=wait)
            if step is not None:
                seat = take_seat(server)
                started(case, now, step, server.name, seat)
        duration = handle_time(case)
        server.work(now, duration)
        try:
            yield env.timeout(duration)
        except Interrupt:  # the customer gave up on the case mid-contact
            server.unwork(env.now, now + duration)
            case.effort += env.now - now
            case.busy = False
            if granted is not request:
                server.resource.release(granted)
            give_seat(server, seat)
            raise
        case.effort += duration
        if granted is not request:
            server.resource.release(granted)
        if history and step is not None:
            completed(case, env.now, step, server.name, seat)
            give_seat(server, seat)
    case.busy = False
    return DONE


def _abandon(
    env: simpy.Environment,
    case: Case,
    team: Team,
    channel: str,
    arrived: float,
    counted: bool,
    live: bool,
) -> None:
    """The customer leaves the queue unanswered (`live`: on a real-time channel)."""
    now = env.now
    wait = now - arrived
    case.effort += wait
    case.busy = False
    if counted:
        team.abandoned += 1
        if live and wait <= team.target:
            team.abandoned_within += 1
    if case.history is not None:
        case.note(now, team.name, channel, "abandoned", waited=wait)
