"""`task`: back-office work on a case by a team; the customer is not on the line."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from simpy import Interrupt

from cxsim.engine.activities import completed, started
from cxsim.engine.seats import give_seat, take_seat
from cxsim.processes.outcomes import DONE
from cxsim.scenario.models import TaskStep

if TYPE_CHECKING:
    import simpy

    from cxsim.engine.case import Case
    from cxsim.engine.journey import Node
    from cxsim.engine.world import World


def task(env: simpy.Environment, world: World, case: Case, node: Node) -> Generator[Any, Any, str]:
    """The step's team takes the case into its queue, then works on it."""
    spec: TaskStep = node.spec  # type: ignore[assignment]
    team = world.teams[spec.team]
    queued = env.now
    counted = world.warmup <= queued < world.horizon
    # the team holds the pending action from the moment the work lands in its queue
    case.take(team, queued)
    case.known_by.add(team.name)  # the work is done from the case record
    if case.history is not None:
        case.note(queued, team.name, None, "task queued", step=node.name)
    if counted:
        team.offered += 1
        team.week.offer(queued)
    with team.resource.request(-case.segment.priority) as request:
        try:
            yield request
        except Interrupt:  # the customer gave up: the work is withdrawn from the queue
            if counted:
                team.abandoned += 1
            raise
        now = env.now
        if counted:
            team.answered += 1
            team.wait_sum += now - queued
            team.week.answer(queued, now - queued)
        if queued < world.horizon:  # for the warm-up, from time 0
            team.waited(queued, now - queued)
        duration = node.draw["duration"](case)
        team.work(now, duration)
        case.expected = now + duration
        seat = None
        if case.history is not None:
            seat = take_seat(team)
            started(case, now, node.name, team.name, seat)
        try:
            yield env.timeout(duration)
        except Interrupt:  # the customer gave up: the work stops
            team.unwork(env.now, now + duration)
            give_seat(team, seat)
            raise
    if case.history is not None:
        case.note(env.now, team.name, None, "task done", step=node.name)
        completed(case, env.now, node.name, team.name, seat)
        give_seat(team, seat)
    return DONE
