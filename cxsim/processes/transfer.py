"""`transfer`: the customer is passed on the line to another team, warm or cold."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from cxsim.processes.contact import serve

if TYPE_CHECKING:
    import simpy

    from cxsim.engine.case import Case
    from cxsim.engine.journey import Node
    from cxsim.engine.world import World


def transfer(
    env: simpy.Environment, world: World, case: Case, node: Node
) -> Generator[Any, Any, str]:
    """Hand the case to the step's team; a warm transfer brings the context along."""
    spec = node.spec
    team = world.teams[spec.team]  # type: ignore[attr-defined]
    channel = case.channel if case.channel in team.channels else team.channels[0]
    if spec.mode == "warm":  # type: ignore[attr-defined]
        case.known_by.add(team.name)
    case.note(env.now, team.name, channel, f"{spec.mode} transfer")  # type: ignore[attr-defined]
    return (yield from serve(env, world, case, team, channel, node.draw["handle_time"], "transfer"))
