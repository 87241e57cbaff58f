"""`appointment`: a visit of a field team is booked and the customer promised a window."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from cxsim.engine.activities import completed, started
from cxsim.engine.promises import make_promise
from cxsim.processes.outcomes import DONE
from cxsim.scenario.models import AppointmentStep

if TYPE_CHECKING:
    import simpy

    from cxsim.engine.case import Case
    from cxsim.engine.journey import Node
    from cxsim.engine.world import World


def appointment(
    env: simpy.Environment, world: World, case: Case, node: Node
) -> Generator[Any, Any, str]:
    """Book the first free window after the lead time; the case waits for its start.

    The field team holds the pending action (the visit) from the booking on, and the
    window is a promise: kept when the technician arrives inside it.
    """
    spec: AppointmentStep = node.spec  # type: ignore[assignment]
    team = world.teams[spec.team]
    now = env.now
    case.take(team, now)
    assert team.slots is not None
    start = team.slots.book(now + node.draw["lead_time"](case), spec.window)
    case.expected = None
    case.appointment = make_promise(
        env, world, case, "appointment", start + spec.window, team.name, window=spec.window
    )
    if case.history is not None:
        case.note(now, team.name, None, "booked", step=node.name, window_start=start)
        # the booking is the step's work: it takes no time; the window is waited for after
        started(case, now, node.name, team.name, window_start=start)
        completed(case, now, node.name, team.name)
    if start > now:
        yield env.timeout(start - now)
    return DONE
