"""Overflow: a contact that has waited long enough in a team's queue joins another team's too.

The contact keeps its place in the first team's queue; after the team's `overflow_after`
it also queues at the overflow team (behind those of its priority already waiting
there). Whichever team has a person free first answers it, and the contact leaves the
other queue at once. The customer's patience runs from the first queue: they wait once.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from simpy import Interrupt

if TYPE_CHECKING:
    import simpy

    from cxsim.engine.case import Case
    from cxsim.engine.waiting import TeamRequest
    from cxsim.engine.world import Team


def overflow_wait(
    env: simpy.Environment,
    case: Case,
    team: Team,
    channel: str,
    request: TeamRequest,
    patience: simpy.Timeout | None,
) -> Generator[Any, Any, tuple[Team, TeamRequest] | None]:
    """Wait for `team`, then for its overflow team too; the team that answers, and its request.

    None when the customer's `patience` ran out first. `team` answers when both grant a
    person at the same instant; a request granted at the overflow team is the caller's to
    release once the contact is over.
    """
    target = team.overflow
    assert target is not None
    events = [request, env.timeout(team.overflow_after)]
    if patience is not None:
        events.append(patience)
    yield env.any_of(events)
    if request.triggered:
        return team, request
    if patience is not None and patience.processed:
        return None
    other: TeamRequest = target.resource.request(request.priority)
    if case.history is not None:
        case.note(env.now, team.name, channel, "overflows", to=target.name)
    events = [request, other] if patience is None else [request, other, patience]
    try:
        yield env.any_of(events)
    except Interrupt:  # the customer gave up on the case: they leave both queues
        _withdraw(target, other)
        raise
    if request.triggered:
        _withdraw(target, other)
        return team, request
    if other.triggered:
        request.cancel()
        return target, other
    other.cancel()
    return None


def _withdraw(team: Team, request: TeamRequest) -> None:
    """Leave `team`'s queue, or give back the person it granted at the same instant."""
    if request.triggered:
        team.resource.release(request)
    else:
        request.cancel()
