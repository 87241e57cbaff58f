"""New cases: Poisson arrivals (constant or by hour of day) or a cohort at time 0."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import simpy

from cxsim.calendars import rate_at
from cxsim.engine.case import Case
from cxsim.engine.journey import run_case
from cxsim.scenario.models import CohortArrivals, HourlyArrivals
from cxsim.scenario.types import Exponential

if TYPE_CHECKING:
    from cxsim.engine.world import CustomerSegment, World


def _exponential(mean: float) -> Exponential:
    return Exponential.model_validate({"exponential": {"mean": mean}})


def open_case(env: simpy.Environment, world: World, segment: CustomerSegment) -> None:
    """Open one case of a new customer and start it on the customers' journey."""
    now = env.now
    case = Case(world.next_id(), segment, world.journey, now, now >= world.warmup, world.history)
    env.process(run_case(env, world, case))


def arrivals(env: simpy.Environment, world: World) -> Generator[Any, Any, None]:
    """Open cases as the scenario's arrival pattern says, until the horizon."""
    spec = world.scenario.customers.arrivals
    streams = world.streams
    if len(world.segments) == 1:
        only = world.segments[0]
        segment: Callable[[], CustomerSegment] = lambda: only  # noqa: E731
    else:
        draw = streams.uniform("segments")
        segment = lambda: world.pick_segment(draw())  # noqa: E731
    if isinstance(spec, CohortArrivals):
        for _ in range(spec.cohort):
            open_case(env, world, segment())
        return
    if isinstance(spec, HourlyArrivals):
        per_hour = spec.per_hour()
        peak = max(per_hour)
        gap = streams.sampler("arrivals", "gaps", _exponential(1 / peak))
        accept = streams.uniform("arrivals", "thinning")
        while True:
            yield env.timeout(gap())
            # thinning: keep a peak-rate arrival with probability rate(now) / peak
            if accept() * peak < rate_at(per_hour, env.now):
                open_case(env, world, segment())
    gap = streams.sampler("arrivals", "gaps", _exponential(1 / spec))
    while True:
        yield env.timeout(gap())
        open_case(env, world, segment())
