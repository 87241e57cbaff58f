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

from cxsim.distributions import Draw
from cxsim.engine.case import Case
from cxsim.engine.customer import customer, give_up
from cxsim.engine.ownership import stall
from cxsim.engine.promises import keep_about, make_promise
from cxsim.engine.runaway import LOOP_SHOWN, STEP_LIMIT, runaway
from cxsim.engine.streams import Streams
from cxsim.failures import EFFECTS, RETRY, SKIP, Drawn, applies, occurring
from cxsim.processes import DONE, LEFT, STEP_PROCESSES, StepProcess
from cxsim.scenario.models import NOBODY, Step
from cxsim.scenario.models import Journey as JourneySpec
from cxsim.scenario.references import END

if TYPE_CHECKING:
    from cxsim.engine.world import World

DISTRIBUTION_FIELDS = ("handle_time", "duration", "lead_time")
"""Step fields holding a distribution; each gets a sampler of its own stream."""


@dataclass
class Node:
    """One step of a journey, ready to run."""

    name: str
    spec: Step
    process: StepProcess
    draw: dict[str, Draw] = field(default_factory=dict)
    next: Node | None = None
    targets: list[Node | None] = field(default_factory=list)
    cumulative: list[float] = field(default_factory=list)
    route: Draw | None = None
    before: list[Drawn] = field(default_factory=list)
    """Failures acting before the step's work, drawn at each attempt."""
    after: list[Drawn] = field(default_factory=list)
    """Failures acting after the step's work."""
    providers: dict[str, Node] = field(default_factory=dict)
    """For each condition the step requires, the step that provides it."""
    checked: bool = False
    """Whether attempts need the slow path: failures to draw, conditions to check or make."""

    def following(self, case: Case) -> Node | None:
        """The step `case` goes to after this one; None resolves the case."""
        if self.route is None:
            return self.next
        point = self.route(case)
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


def build_journey(
    name: str, spec: JourneySpec, streams: Streams, failures: list[Drawn] | None = None
) -> Journey:
    """Bind the steps of a journey to their blocks, samplers, routes and failures."""
    nodes: dict[str, Node] = {}
    for step_name, step in spec.steps.items():
        key = f"{name}.{step_name}"
        draw = {
            attr: streams.sampler("handling", f"{key}.{attr}", getattr(step, attr))
            for attr in DISTRIBUTION_FIELDS
            if getattr(step, attr, None) is not None
        }
        node = Node(step_name, step, STEP_PROCESSES[step.type], draw)
        for failure in failures or []:
            if failure.effect in EFFECTS and applies(
                failure.spec, name, step_name, getattr(step, "team", None)
            ):
                (node.before if EFFECTS[failure.effect].when == "before" else node.after).append(
                    failure
                )
        nodes[step_name] = node
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
        for condition in step.requires:
            provider = next((n for n in nodes.values() if condition in n.spec.provides), None)
            if provider is not None:
                node.providers[condition] = provider
    for node in nodes.values():
        step = node.spec
        node.checked = bool(
            node.before or node.after or step.requires or step.provides or step.promise
        )
    return Journey(name, nodes[spec.start], nodes)


def _occurring(
    world: World, case: Case, node: Node, when: str, now: float, points: dict[Draw, float]
) -> list[Drawn]:
    """The failures of `node` acting `when` (before or after) that happen on this attempt,
    counted and noted at the step's team.

    `points` holds the attempt's draws (one per group, `failures.occurring`).
    """
    failures = node.before if when == "before" else node.after
    found = list(occurring(case, failures, points))
    for failure in found:
        if (case.parent or case).counted:
            world.failure_counts[failure.spec.name] += 1
        if case.history is not None:
            team = getattr(node.spec, "team", None)
            case.note(now, team, None, "failure", name=failure.spec.name, effect=failure.effect)
    return found


def attempt(
    env: simpy.Environment, world: World, case: Case, node: Node
) -> Generator[Any, Any, Any]:
    """Do one step, failures included; return DONE, LEFT, or the node to go back to.

    A step's promise is made when the case reaches the step, before anything can go
    wrong, and kept — with any ETA given for it since — when the step's work is done (or
    looks done: skipped). Each attempt (a stalled step revived is attempted again) draws
    its failures anew: one draw per group, for those acting before the work and after it.
    """
    if node.spec.promise is not None:
        by = getattr(node.spec, "team", None) or getattr(node.spec, "owner", None)
        by = "—" if by in (None, NOBODY) else by  # a wait's owner makes its promise
        due = env.now + node.spec.promise
        make_promise(env, world, case, node.name, due, by, about=node.name)
    while True:
        skipped = False
        points: dict[Draw, float] = {}  # the attempt's draws, before and after the work
        for failure in _occurring(world, case, node, "before", env.now, points):
            directive = yield from EFFECTS[failure.effect].apply(env, world, case, node, failure)
            if directive == SKIP:
                skipped = True
            elif directive == RETRY:
                break
        else:
            break  # no failure asked for another attempt
    if skipped:
        if case.history is not None:
            case.note(
                env.now, getattr(node.spec, "team", None), None, "step skipped", step=node.name
            )
        keep_about(env, case, node.name)
        return DONE
    missing = [c for c in node.spec.requires if c not in case.conditions]
    outcome = yield from node.process(env, world, case, node)
    if outcome is LEFT:
        return LEFT
    keep_about(env, case, node.name)
    if missing:
        case.wasted += 1
        if case.history is not None:
            case.note(env.now, getattr(node.spec, "team", None), None, "wasted", missing=missing)
        provider = node.providers.get(missing[0])
        return provider if provider is not None else DONE
    case.conditions.update(node.spec.provides)
    for failure in _occurring(world, case, node, "after", env.now, points):
        yield from EFFECTS[failure.effect].apply(env, world, case, node, failure)
    return DONE


def run_case(
    env: simpy.Environment,
    world: World,
    case: Case,
    start: Node | None = None,
    stalled: bool = False,
) -> Generator[Any, Any, None]:
    """Move `case` through its journey until it is resolved or the customer leaves.

    A child case may start at a given step, and `stalled` when nobody was told of it.
    A case that takes `STEP_LIMIT` steps without time passing raises `RunawayCase`.
    """
    if case.parent is None:
        world.open_cases[case.id] = case
        if case.counted:
            world.open_counted += 1
    if case.segment.follows_up:
        env.process(customer(env, world, case))
    node: Node | None = start or world.journeys[case.journey].start
    since, spins = env.now, 0  # steps taken since time last passed
    looped: list[str] = []
    try:
        if stalled and node is not None:
            case.step = node.name
            yield from stall(env, world, case, node, "nobody was told")
        while node is not None:
            case.step = node.name
            if env.now != since:
                since, spins = env.now, 0
            else:
                spins += 1
                if spins > STEP_LIMIT:  # a loop that takes no time: follow it a little, stop
                    looped.append(node.name)
                    if len(looped) >= LOOP_SHOWN:
                        order = list(world.journeys[case.journey].nodes)
                        looped.sort(key=order.index)
                        raise runaway(case.label, case.journey, looped, since)
            if node.checked:
                outcome = yield from attempt(env, world, case, node)
            else:  # the common case, kept lean: no failure and no condition to check
                outcome = yield from node.process(env, world, case, node)
            if outcome is LEFT:  # the customer left the queue for good: the case ends
                case.end(env.now, "gave_up")
                give_up(case)  # and with it the child cases it opened
                break
            case.progress_at = env.now
            if outcome is DONE:
                node = node.next if node.route is None else node.following(case)
            else:
                node = outcome
        else:
            case.end(env.now, "resolved")
    except simpy.Interrupt:  # the customer gave up waiting
        _call_off(world, case, env.now)
        case.end(env.now, "gave_up")
    _finished(world, case.parent or case)


def _call_off(world: World, case: Case, now: float) -> None:
    """A customer who gives up before their window frees the technician's slot."""
    booked = case.appointment
    if booked is None or booked.kept is not None:
        return
    start = booked.due - booked.window
    slots = world.teams[booked.by].slots if booked.by in world.teams else None
    if now < start and slots is not None:
        slots.release(start)


def _finished(world: World, root: Case) -> None:
    """Record a root case once it and all its children are done.

    After the horizon, the end of the last counted case ends the run (`run_world`).
    """
    if root.done and world.open_cases.pop(root.id, None) is not None:
        world.recorder.case_closed(root)
        if root.counted:
            world.open_counted -= 1
            drained = world.drained
            if drained is not None and not world.open_counted and not drained.triggered:
                drained.succeed()


def open_child(
    env: simpy.Environment, world: World, case: Case, start: Node, failure: Drawn
) -> None:
    """After the failure's delay, open a child case of `case`'s root starting at `start`.

    The root counts the child as pending from now on, so it is not recorded as done
    before its child opens.
    """
    root = case.parent or case
    root.pending_children += 1
    env.process(_child(env, world, case, root, start, failure))


def _child(
    env: simpy.Environment, world: World, case: Case, root: Case, start: Node, failure: Drawn
) -> Generator[Any, Any, None]:
    yield env.timeout(failure.delay(case) if failure.delay is not None else 0.0)
    root.pending_children -= 1
    if root.outcome == "gave_up":  # the customer walked away: the damage is never taken up
        _finished(world, root)
        return
    journey = next(name for name, j in world.journeys.items() if start in j.nodes.values())
    child = Case(
        world.next_id(),
        root.key,
        root.segment,
        journey,
        env.now,
        root.counted,
        history=root.history is not None,
        parent=root,
        ownership=root.ownership,
    )
    child.lane = len(root.children) + 1  # its draws: the same customer, another problem
    child.conditions = set(case.conditions)  # what was done stays done
    child.digital, child.down = root.digital, root.down  # the same customer
    child.process = env.active_process
    if child.ownership.single_owner:
        child.owner = root.owner  # the accountable owner answers for the damage too
    root.children.append(child)
    reported = failure.report is None or failure.report(case) < failure.reported
    if root.history is not None:
        root.note(
            env.now,
            None,
            None,
            "child case",
            child=child.label,
            failure=failure.spec.name,
            reported=reported,
        )
    yield from run_case(env, world, child, start, stalled=not reported)
