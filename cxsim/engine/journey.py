"""Journeys at run time: steps bound to their process blocks and samplers, and the case loop.

A case starts at its journey's `start` and runs each step's block in turn. After a
step, the case follows `next`, or draws among `outcomes`; a step with neither (or the
outcome `end`) resolves the case. A block that returns `LEFT` ends the case unresolved:
the customer gave up.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import simpy

from cxsim.distributions import Sampler
from cxsim.engine.case import Case
from cxsim.engine.streams import Streams
from cxsim.processes import LEFT, STEP_PROCESSES, StepProcess
from cxsim.scenario.models import Journey as JourneySpec
from cxsim.scenario.models import Step
from cxsim.scenario.references import END

if TYPE_CHECKING:
    from cxsim.engine.world import World

DISTRIBUTION_FIELDS = ("handle_time", "duration")
"""Step fields holding a distribution; each gets a sampler of its own stream."""


@dataclass
class Node:
    """One step of a journey, ready to run."""

    name: str
    spec: Step
    process: StepProcess
    draw: dict[str, Sampler] = field(default_factory=dict)
    next: Node | None = None
    targets: list[Node | None] = field(default_factory=list)
    cumulative: list[float] = field(default_factory=list)
    route: Sampler | None = None

    def following(self) -> Node | None:
        """The step the case goes to after this one; None resolves the case."""
        if self.route is None:
            return self.next
        point = self.route()
        for target, edge in zip(self.targets, self.cumulative, strict=True):
            if point < edge:
                return target
        return self.targets[-1]


@dataclass
class Journey:
    """A journey at run time."""

    name: str
    start: Node
    nodes: dict[str, Node]


def build_journey(name: str, spec: JourneySpec, streams: Streams) -> Journey:
    """Bind the steps of a journey to their blocks, samplers and routes."""
    nodes: dict[str, Node] = {}
    for step_name, step in spec.steps.items():
        key = f"{name}.{step_name}"
        draw = {
            attr: streams.sampler("handling", f"{key}.{attr}", getattr(step, attr))
            for attr in DISTRIBUTION_FIELDS
            if getattr(step, attr, None) is not None
        }
        nodes[step_name] = Node(step_name, step, STEP_PROCESSES[step.type], draw)
    for step_name, step in spec.steps.items():
        node = nodes[step_name]
        if step.next is not None:
            node.next = nodes[step.next]
        elif step.outcomes:
            total = 0.0
            for target, probability in step.outcomes.items():
                total += probability
                node.targets.append(None if target == END else nodes[target])
                node.cumulative.append(total)
            node.route = streams.uniform("routing", f"{name}.{step_name}")
    return Journey(name, nodes[spec.start], nodes)


def run_case(env: simpy.Environment, world: World, case: Case) -> Generator[Any, Any, None]:
    """Move `case` through its journey until it is resolved or the customer leaves."""
    world.open_cases[case.id] = case
    node: Node | None = world.journeys[case.journey].start
    while node is not None:
        case.step = node.name
        outcome = yield from node.process(env, world, case, node)
        if outcome is LEFT:
            case.end(env.now, "gave_up")
            break
        node = node.next if node.route is None else node.following()
    else:
        case.end(env.now, "resolved")
    del world.open_cases[case.id]
    world.recorder.case_closed(case)
