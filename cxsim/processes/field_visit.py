"""`field_visit`: a technician of the team travels to the customer and works on site."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from simpy import Interrupt

from cxsim.engine.activities import completed, started
from cxsim.engine.promises import keep, keep_open
from cxsim.engine.seats import give_seat, take_seat
from cxsim.processes.outcomes import DONE
from cxsim.scenario.models import FieldVisitStep

if TYPE_CHECKING:
    import simpy

    from cxsim.engine.case import Case
    from cxsim.engine.journey import Node
    from cxsim.engine.world import Team, World


def field_visit(
    env: simpy.Environment, world: World, case: Case, node: Node
) -> Generator[Any, Any, str]:
    """A technician takes the visit when free and on shift, travels, then works on site.

    The customer waits in from the start of the booked window (a window offered anew
    when the first broke) until the technician arrives, and is at home while the work
    lasts: both count as customer effort. The
    appointment is kept when the technician arrives by the end of its window. A visit
    whose window was offered anew for later (the technician ran late and the window the
    expected time falls in was full) waits for that window.
    """
    spec: FieldVisitStep = node.spec  # type: ignore[assignment]
    team = world.teams[spec.team]
    booked = case.appointment
    if booked is not None and booked.due - booked.window > env.now:
        yield env.timeout(booked.due - booked.window - env.now)
    queued = env.now
    counted = world.warmup <= queued < world.horizon
    case.take(team, queued)
    case.known_by.add(team.name)  # the ticket carries the case record
    case.visits += 1
    if counted:
        team.offered += 1
        team.week.offer(queued)
    with team.resource.request(-case.segment.priority) as request:
        try:
            yield request
        except Interrupt:  # the customer gave up: the visit is called off
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
        travel = team.travel(case) if team.travel is not None else 0.0
        duration = node.draw["duration"](case)
        team.work(now, travel + duration)
        seat = take_seat(team) if case.history is not None else None
        try:
            yield from _visit(env, world, case, team, node, now, travel, duration, seat)
        except Interrupt:  # the customer gave up: the technician stops
            team.unwork(env.now, now + travel + duration)
            give_seat(team, seat)
            raise
    case.expected = None
    if case.history is not None:
        case.note(env.now, team.name, "on_site", "visit done", step=node.name)
        completed(case, env.now, node.name, team.name, seat)
        give_seat(team, seat)
    return DONE


def _visit(
    env: simpy.Environment,
    world: World,
    case: Case,
    team: Team,
    node: Node,
    now: float,
    travel: float,
    duration: float,
    seat: int | None,
) -> Generator[Any, Any, None]:
    """Travel to the customer, keep or break the appointment, and work on site.

    The technician in `seat` travels too, but the step's work starts on site.
    """
    case.expected = now + travel
    if case.history is not None:
        case.note(now, team.name, "on_site", "dispatched", step=node.name, travel=travel)
    if travel:
        yield env.timeout(travel)
    arrived = env.now
    booked = case.appointment
    if booked is not None:
        if world.warmup <= booked.made_at < world.horizon:
            team.visit_lead_sum += arrived - booked.made_at
            team.visits_booked += 1
        case.effort += max(0.0, arrived - (booked.due - booked.window))
        if arrived <= booked.due:
            keep(env, case, booked)
        case.appointment = None
    keep_open(env, case)
    case.progress_at = arrived
    if case.history is not None:
        case.note(arrived, team.name, "on_site", "arrived", step=node.name)
        started(case, arrived, node.name, team.name, seat)
    case.expected = arrived + duration
    yield env.timeout(duration)
    case.effort += duration
