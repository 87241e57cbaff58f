"""What a customer does while the process goes quiet: follow up, escalate, give up.

A customer of a segment with `follow_up_after` waits while something happens and while
a promise is open. When nothing has happened for `follow_up_after`, or a promise broke
unannounced, they contact again on their preferred channel that works for them. The
contact lands on the team that answers that channel (or on its overflow team); without
the case's context the customer tells the story again. If the case is stalled at a step
within that team's `powers`, the team may revive it (with its `revive` probability) unless a `deny`
failure of the team makes it refuse; otherwise the contact only costs both sides time.
After `escalate_after` fruitless contacts in a row the customer goes public: the next
contacts go to the social channel (if they use it: not without digital comfort). After
`give_up_after` the customer gives up and the case ends unresolved. A follow-up on a
real-time channel that is closed waits for it to open (`processes/hours.py`).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from cxsim.failures import applies, occurring
from cxsim.processes.contact import reach, serve
from cxsim.processes.hours import keep_hours
from cxsim.processes.outcomes import LEFT

if TYPE_CHECKING:
    from cxsim.engine.case import Case
    from cxsim.engine.world import Team, World

SOCIAL = "social"


def customer(env: simpy.Environment, world: World, case: Case) -> Generator[Any, Any, None]:
    """Follow `case` as its customer until it ends."""
    segment = case.segment
    follow = segment.follow_up_after
    gives_up = segment.gives_up_at(case)
    give_up_at = math.inf if gives_up is None else gives_up
    while case.ended_at is None:
        now = env.now
        if case.alarm and not case.busy:
            wake = now
        else:
            wake = case.progress_at + follow if follow is not None else math.inf
            for promise in case.promises:
                if promise.kept is None and promise.due > wake:
                    wake = promise.due
            if case.busy and wake <= now:
                wake = now + (follow or 0.0) if follow else math.inf
        wake = min(wake, give_up_at)
        if wake > now:
            if wake == math.inf:
                return
            case.nudge = env.event()
            yield env.timeout(wake - now) | case.nudge
            case.nudge = None
            continue
        if now >= give_up_at:
            give_up(case)
            return
        if give_up_at == math.inf:
            yield from follow_up(env, world, case)
            continue
        # the customer may give up while on a follow-up contact: hang up, and walk away
        contact = env.process(_hangs_up(follow_up(env, world, case)))
        yield contact | env.timeout(give_up_at - now)
        if not contact.triggered:
            contact.interrupt("gave up")
            give_up(case)
            return


def _hangs_up(contact: Generator[Any, Any, None]) -> Generator[Any, Any, None]:
    """A follow-up contact the customer may cut short by giving up."""
    try:
        yield from contact
    except simpy.Interrupt:
        return


def give_up(case: Case) -> None:
    """The customer walks away: the case, and the child cases open under it, end unresolved.

    The processes moving them are interrupted wherever they are (queued, served, waiting
    for a window or a revival); a child case not opened yet never will be.
    """
    for part in (case, *case.children):
        process = part.process
        if part.ended_at is None and process is not None and process.is_alive:
            process.interrupt("gave up")


def follow_up(env: simpy.Environment, world: World, case: Case) -> Generator[Any, Any, None]:
    """One follow-up contact: reach a team, tell the story if need be, maybe get it moving."""
    case.alarm = False
    segment = case.segment
    escalate = segment.escalate_after is not None and case.fruitless >= segment.escalate_after
    team = world.channel_teams.get(SOCIAL) if escalate and case.usable(SOCIAL) else None
    if team is not None:
        channel = SOCIAL
    else:
        usable = [c for c in world.channel_teams if case.usable(c)] or list(world.channel_teams)
        if not usable:
            case.progress_at = env.now
            return
        channel = segment.pick_channel(usable, case)
        team = world.channel_teams[channel]
    channel = yield from reach(env, case, team, channel)
    asked = env.now
    public = escalate and channel == SOCIAL
    channel = yield from keep_hours(env, case, world.channel_teams, channel, public)
    if env.now > asked and (case.ended_at is not None or case.progress_at > asked):
        return  # the case moved while the customer waited for the channel to open
    team = world.channel_teams.get(channel, team)
    assert team.handle_time is not None
    case.contacts += 1
    what = "escalates in public" if escalate and channel == SOCIAL else "follows up"
    outcome = yield from serve(env, world, case, team, channel, team.handle_time, what, take=False)
    case.progress_at = env.now
    if outcome is LEFT or case.ended_at is not None:
        case.fruitless += 1
        return
    team = case.answered_by or team  # the overflow team, when it answered
    if _revives(env, world, case, team):
        case.fruitless = 0
        return
    case.fruitless += 1
    if case.history is not None:
        case.note(env.now, team.name, channel, "nothing moves", fruitless=case.fruitless)


def _revives(env: simpy.Environment, world: World, case: Case, team: Team) -> bool:
    """Whether the contacted team gets a stalled case moving again."""
    revival = case.revival
    if revival is None or revival.triggered or not team.can_act(case.step):
        return False
    denials = [d for d in world.denials if applies(d.spec, case.journey, case.step, team.name)]
    for failure in occurring(case, denials):
        if (case.parent or case).counted:
            world.failure_counts[failure.spec.name] += 1
        if case.history is not None:
            case.note(
                env.now, team.name, case.channel, "not our problem", failure=failure.spec.name
            )
        return False
    if team.revive_draw is not None and team.revive_draw(case) >= team.revive:
        return False
    revival.succeed((team, "customer contact"))
    return True
