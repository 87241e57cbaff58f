"""`wait`: time passes on the case with no team's capacity used, held by its stated owner.

A supplier's delivery, a permit, a cooling-off period: nobody works, but someone holds
the pending action — a team, an organization, or nobody. A team or an organization takes
the case (a handoff when it was held by another); `nobody` lets it go, so a long wait
makes it orphaned. The customer follows up meanwhile as on any other step.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from cxsim.distributions import ByAge
from cxsim.engine.activities import completed, started
from cxsim.processes.outcomes import DONE
from cxsim.scenario.models import NOBODY, WaitStep

if TYPE_CHECKING:
    import simpy

    from cxsim.engine.case import Case
    from cxsim.engine.journey import Node
    from cxsim.engine.world import World


def wait(env: simpy.Environment, world: World, case: Case, node: Node) -> Generator[Any, Any, str]:
    """Hold the case with the step's owner (or nobody) for the step's duration.

    A duration drawn `by_age` depends on the case's age: the time since it was opened.
    """
    spec: WaitStep = node.spec  # type: ignore[assignment]
    now = env.now
    draw = node.draw["duration"]
    end = now + (draw(case, now - case.created) if isinstance(draw, ByAge) else draw(case))
    who: str | None = None
    if spec.owner == NOBODY:
        case.release(now)
    else:
        owner = world.teams.get(spec.owner) or world.organizations[spec.owner]
        case.take(owner, now)
        who = owner.name
    case.expected = end
    if case.history is not None:
        held = {"held_by": NOBODY} if who is None else {}
        case.note(now, who, None, "waiting", step=node.name, until=end, **held)
        started(case, now, node.name, who)
    yield env.timeout(end - now)
    if case.history is not None:
        case.note(env.now, who, None, "wait over", step=node.name)
        completed(case, env.now, node.name, who)
    return DONE
