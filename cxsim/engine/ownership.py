"""Who answers for a stalled case: stalls, and the ways a case is revived.

A case stalls when the team holding it lets go (it denies responsibility, or goes
silent). It then waits, owned by nobody under per-team ownership, until someone revives
it: the accountable owner chasing it (`single_owner`), or the orphan watchdog
re-assigning it. The reviving team takes the case and the step is attempted again; a
case stalled at a field visit its technician never came to is first booked into a new
window of the field team's slots, and waits for it.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from cxsim.engine.promises import rebook_visit
from cxsim.scenario.models import FieldVisitStep

if TYPE_CHECKING:
    from cxsim.engine.case import Case
    from cxsim.engine.journey import Node
    from cxsim.engine.world import Team, World


def stall(
    env: simpy.Environment, world: World, case: Case, node: Node, reason: str
) -> Generator[Any, Any, None]:
    """Let go of `case` at `node` and wait until some team revives it."""
    holder = case.holder
    case.release(env.now)
    if case.history is not None:
        case.note(
            env.now, holder.name if holder else None, None, "let go", step=node.name, why=reason
        )
    revival = env.event()
    case.revival = revival
    policies = world.scenario.policies
    if policies.watchdog is not None:
        name = policies.watchdog.team or getattr(node.spec, "team", None)
        if name is not None:
            env.process(
                _revive_after(env, revival, policies.watchdog.after, world.teams[name], "watchdog")
            )
    if case.ownership.single_owner and case.owner is not None:
        env.process(_revive_after(env, revival, policies.chase_after, case.owner, "owner chases"))
    team, how = yield revival
    case.revival = None
    case.take(team, env.now)
    if case.history is not None:
        case.note(env.now, team.name, None, "revived", step=node.name, by=how)
    if case.appointment is not None and isinstance(node.spec, FieldVisitStep):
        # the window went by without the technician (who arrived would have cleared it)
        yield from rebook_visit(env, world, case, node.spec.team, node.name)


def _revive_after(
    env: simpy.Environment, revival: simpy.Event, delay: float, team: Team, how: str
) -> Generator[Any, Any, None]:
    yield env.timeout(delay)
    if not revival.triggered:
        revival.succeed((team, how))
