"""`contact`: the customer reaches a team on a channel, queues, may abandon, is served."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from cxsim.processes.outcomes import DONE, LEFT
from cxsim.scenario.models import ContactStep
from cxsim.scenario.types import REAL_TIME_CHANNELS

if TYPE_CHECKING:
    import simpy

    from cxsim.distributions import Sampler
    from cxsim.engine.case import Case
    from cxsim.engine.journey import Node
    from cxsim.engine.world import Team, World


def contact(
    env: simpy.Environment, world: World, case: Case, node: Node
) -> Generator[Any, Any, str]:
    """The customer contacts the step's team and waits to be served."""
    spec: ContactStep = node.spec  # type: ignore[assignment]
    team = world.teams[spec.team]
    channel = spec.channel or case.segment.pick_channel(team.channels)
    case.contacts += 1
    # hands back the generator itself rather than delegating to it: one frame less per event
    return serve(env, world, case, team, channel, node.draw["handle_time"], "contact")


def serve(
    env: simpy.Environment,
    world: World,
    case: Case,
    team: Team,
    channel: str,
    handle_time: Sampler,
    what: str,
) -> Generator[Any, Any, str]:
    """Queue `case` for `team` on `channel`, abandon after patience, then be served."""
    arrived = env.now
    counted = arrived >= world.warmup
    history = case.history is not None
    case.channel = channel
    if counted:
        team.offered += 1
    patience = case.segment.patience if channel in REAL_TIME_CHANNELS else None
    if history:
        case.note(arrived, team.name, channel, what)
    with team.resource.request() as request:
        if patience is None:
            yield request
        else:
            yield request | env.timeout(patience())
            if not request.triggered:
                now = env.now
                wait = now - arrived
                case.effort += wait
                if counted:
                    team.abandoned += 1
                    if wait <= team.target:
                        team.abandoned_within += 1
                if history:
                    case.note(now, team.name, channel, "abandoned", waited=wait)
                return LEFT
        now = env.now
        wait = now - arrived
        case.effort += wait
        if counted:
            team.answered += 1
            team.wait_sum += wait
            if wait <= team.target:
                team.answered_within += 1
        if case.owner is not team:
            case.take(team, now)
        if team.name not in case.known_by:
            case.tell(team, now)
        if history:
            case.note(now, team.name, channel, "answered", waited=wait)
        duration = handle_time()
        team.work(now, duration)
        yield env.timeout(duration)
        case.effort += duration
    return DONE
