"""Where a case can go from each step of a journey: the journey as a graph.

A case moves on from a step along `next`, or to one of its `outcomes` with its
probability; a step with neither (or the outcome `end`) resolves the case. A step that
`requires` a condition may also send the case back to the step that provides it. From
these moves come the steps a case can reach, the traps (groups of steps a case never
leaves once there: no way from them leads to the end) and how often a case visits each
step on average.
"""

from __future__ import annotations

import numpy as np

from cxsim.scenario.models import Journey
from cxsim.scenario.references import END

Graph = dict[str, set[str]]
"""Each step's possible next steps; `END` stands for the case being resolved."""


def moves(journey: Journey) -> dict[str, dict[str, float]]:
    """Each step's next steps with their probabilities; `END` where the case is resolved.

    An outcome of probability 0 is never drawn, so it is no move.
    """
    found: dict[str, dict[str, float]] = {}
    for name, step in journey.steps.items():
        if step.next is not None:
            found[name] = {step.next: 1.0}
        elif step.outcomes:
            found[name] = {target: p for target, p in step.outcomes.items() if p > 0}
        else:
            found[name] = {END: 1.0}
    return found


def returns(journey: Journey) -> Graph:
    """Each step's ways back to the steps that provide the conditions it requires.

    As at run time, a condition's provider is the first step of the journey providing it.
    """
    found: Graph = {}
    for name, step in journey.steps.items():
        providers = (
            next((other for other, s in journey.steps.items() if condition in s.provides), None)
            for condition in step.requires
        )
        found[name] = {provider for provider in providers if provider is not None}
    return found


def graph(journey: Journey) -> Graph:
    """Every move a case can make: routing, and back to a provider."""
    back = returns(journey)
    return {name: set(targets) | back[name] for name, targets in moves(journey).items()}


def reach(edges: Graph, step: str) -> set[str]:
    """The steps (and `END`) a case at `step` can get to in one move or more."""
    seen: set[str] = set()
    todo = list(edges.get(step, ()))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(edges.get(current, ()))
    return seen


def reachable(journey: Journey, edges: Graph | None = None) -> set[str]:
    """The steps a case starting the journey can get to, its start included."""
    edges = graph(journey) if edges is None else edges
    return ({journey.start} | reach(edges, journey.start)) - {END}


def traps(journey: Journey) -> list[list[str]]:
    """The groups of steps reachable from the start that a case never leaves once there.

    Each is a closed group with no way to the end: every step in it can get to every
    other, and to nothing else. Steps are in the order the journey lists them.
    """
    edges = graph(journey)
    order = list(journey.steps)
    found: list[list[str]] = []
    for step in order:
        if step not in reachable(journey, edges):
            continue
        group = reach(edges, step)
        if END in group or step not in group or any(step not in reach(edges, s) for s in group):
            continue
        members = sorted(group, key=order.index)
        if members not in found:
            found.append(members)
    return found


def visits(journey: Journey) -> dict[str, float] | None:
    """How many times a case visits each step on average, from routing alone.

    Steps the case never reaches are left out. `None` when a case could stay in the
    journey for ever (a trap is reachable): it would visit some steps without end.
    Going back to a provider is not counted, so these are the visits at least.
    """
    routes = moves(journey)
    edges = {name: set(targets) for name, targets in routes.items()}
    steps = sorted(reachable(journey, edges), key=list(journey.steps).index)
    if any(END not in reach(edges, step) for step in steps):
        return None
    index = {name: i for i, name in enumerate(steps)}
    # expected visits v solve v = e_start + Qᵀ v, Q the moves between steps
    system = np.eye(len(steps))
    for name in steps:
        for target, probability in routes[name].items():
            if target in index:
                system[index[target], index[name]] -= probability
    start = np.zeros(len(steps))
    start[index[journey.start]] = 1.0
    solved = np.linalg.solve(system, start)
    return {name: float(solved[index[name]]) for name in steps}
