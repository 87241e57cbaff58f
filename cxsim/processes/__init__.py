"""Step types: one module per building block, all with the same signature.

A block is a SimPy generator function `block(env, world, case, node)` that makes the
case go through one step and returns `DONE` (move on) or `LEFT` (the customer gave up).
Blocks record what happened on the case and the teams; they never compute KPIs.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from cxsim.processes.appointment import appointment
from cxsim.processes.contact import contact
from cxsim.processes.field_visit import field_visit
from cxsim.processes.outcomes import DONE, LEFT
from cxsim.processes.task import task
from cxsim.processes.transfer import transfer
from cxsim.processes.wait import wait

if TYPE_CHECKING:
    import simpy

    from cxsim.engine.case import Case
    from cxsim.engine.journey import Node
    from cxsim.engine.world import World

StepProcess = Callable[["simpy.Environment", "World", "Case", "Node"], Generator[Any, Any, str]]

STEP_PROCESSES: dict[str, StepProcess] = {
    "contact": contact,
    "task": task,
    "transfer": transfer,
    "appointment": appointment,
    "field_visit": field_visit,
    "wait": wait,
}
"""Step blocks keyed by the YAML `type` of the step."""

__all__ = ["DONE", "LEFT", "STEP_PROCESSES", "StepProcess"]
