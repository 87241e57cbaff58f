"""`transfer`: the customer is passed on the line to another team, warm or cold."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from cxsim.processes.contact import serve
from cxsim.scenario.models import TransferStep

if TYPE_CHECKING:
    import simpy

    from cxsim.engine.case import Case
    from cxsim.engine.journey import Node
    from cxsim.engine.world import World


def transfer(
    env: simpy.Environment, world: World, case: Case, node: Node
) -> Generator[Any, Any, str]:
    """Hand the case to the step's team; a warm transfer brings the context along."""
    spec: TransferStep = node.spec  # type: ignore[assignment]
    team = world.teams[spec.team]
    channel = case.channel if case.channel in team.channels else team.channels[0]
    if spec.mode == "warm":
        case.known_by.add(team.name)
    if case.history is not None:
        case.note(env.now, team.name, channel, f"{spec.mode} transfer")
    return serve(env, world, case, team, channel, node.draw["handle_time"], "transfer", node.name)
