"""New cases: Poisson arrivals (constant or by hour of day) or a cohort at time 0."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import simpy

from cxsim.calendars import rate_at
from cxsim.distributions import Sampler
from cxsim.engine.case import Case
from cxsim.engine.journey import run_case
from cxsim.scenario.models import CohortArrivals, HourlyArrivals
from cxsim.scenario.types import Exponential

if TYPE_CHECKING:
    from cxsim.engine.world import CustomerSegment, World


def _exponential(mean: float) -> Exponential:
    return Exponential.model_validate({"exponential": {"mean": mean}})


def open_case(env: simpy.Environment, world: World, segment: CustomerSegment) -> Case:
    """Open one case of a new customer and start it on the customers' journey."""
    now = env.now
    case = Case(
        world.next_id(),
        segment,
        world.journey,
        now,
        now >= world.warmup,
        world.history,
        ownership=world.ownership,
    )
    if segment.equipped:
        segment.equip(case)
    case.process = env.process(run_case(env, world, case))
    return case


def _segment_picker(world: World) -> Callable[[], CustomerSegment]:
    """Draws the segment of each new customer (no draw at all when there is one)."""
    if len(world.segments) == 1:
        only = world.segments[0]

        def the_only() -> CustomerSegment:
            return only

        return the_only
    draw = world.streams.uniform("segments")

    def by_share() -> CustomerSegment:
        return world.pick_segment(draw())

    return by_share


def _gaps(env: simpy.Environment, world: World, spec: float | HourlyArrivals) -> Sampler:
    """Time to the next arrival: exponential, or thinned from the peak rate by hour."""
    if not isinstance(spec, HourlyArrivals):
        return world.streams.sampler("arrivals", "gaps", _exponential(1 / spec))
    per_hour = spec.per_hour()
    peak = max(per_hour)
    gap = world.streams.sampler("arrivals", "gaps", _exponential(1 / peak))
    accept = world.streams.uniform("arrivals", "thinning")

    def thinned() -> float:
        # keep a peak-rate arrival with probability rate(then) / peak
        waited = gap()
        while accept() * peak >= rate_at(per_hour, env.now + waited):
            waited += gap()
        return waited

    return thinned


def arrivals(env: simpy.Environment, world: World) -> Generator[Any, Any, None]:
    """Open cases as the scenario's arrival pattern says, until the horizon."""
    spec = world.scenario.customers.arrivals
    segment = _segment_picker(world)
    if isinstance(spec, CohortArrivals):
        for _ in range(spec.cohort):
            open_case(env, world, segment())
        return
    gap = _gaps(env, world, spec)
    # the loop below runs once per customer: open_case is written out here on purpose
    timeout, process, journey, warmup, history, ownership = (
        env.timeout,
        env.process,
        world.journey,
        world.warmup,
        world.history,
        world.ownership,
    )
    while True:
        yield timeout(gap())
        now = env.now
        case = Case(
            world.next_id(), segment(), journey, now, now >= warmup, history, None, ownership
        )
        process(run_case(env, world, case))
