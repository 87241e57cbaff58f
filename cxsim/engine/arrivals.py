"""New cases: Poisson arrivals (constant, by hour of the day or of the week) or a cohort.

Each stream of work has its own arrivals process and its own draws.

Every new customer's case is built by `open_case`, whatever the arrival pattern, so a
case gets the same treatment (its draws keyed by its arrival index, its customer's own
comfort and failing channels, a process the customer can interrupt by giving up) however
it arrived. Arrivals stop at the horizon; the cases already open are followed after it.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from cxsim.calendars import first_weekday, rate_at
from cxsim.distributions import Sampler
from cxsim.engine.case import Case
from cxsim.engine.journey import run_case
from cxsim.engine.started import start
from cxsim.scenario.models import CohortArrivals, HourlyArrivals, WeeklyArrivals
from cxsim.scenario.types import Exponential
from cxsim.scenario.weekly import DEFAULT_START

if TYPE_CHECKING:
    from cxsim.engine.world import CustomerStream, World


def _exponential(mean: float) -> Exponential:
    return Exponential.model_validate({"exponential": {"mean": mean}})


def open_case(env: simpy.Environment, world: World, stream: CustomerStream, index: int) -> Case:
    """Open the case of `stream`'s customer with arrival index `index`, start its journey."""
    now = env.now
    key = stream.key(index)
    segment = stream.segment_of(key)
    case = Case(
        world.next_id(),
        key,
        segment,
        stream.journey,
        now,
        now >= world.warmup,
        world.history,
        None,
        world.ownership,
    )
    case.stream = stream.number
    if segment.digital is not None or segment.down:  # the customer's own comfort, channels
        segment.equip(case)
    case.process = start(env, run_case(env, world, case))
    return case


def _gaps(
    env: simpy.Environment,
    world: World,
    spec: float | HourlyArrivals | WeeklyArrivals,
    prefix: str,
) -> Sampler:
    """Time to the next arrival: exponential, or thinned from the peak rate by hour of the week.

    `prefix` (a stream's name, when there are several) gives each stream its own draws.
    """
    streams = world.streams
    if not isinstance(spec, HourlyArrivals | WeeklyArrivals):
        return streams.sequence("arrivals", f"{prefix}gaps", _exponential(1 / spec))
    monday = spec.per_week()
    turn = 24 * first_weekday(world.scenario.start or DEFAULT_START)
    per_hour = monday[turn:] + monday[:turn]  # hours of the week from time 0's weekday on
    peak = max(per_hour)
    gap = streams.sequence("arrivals", f"{prefix}gaps", _exponential(1 / peak))
    accept = streams.generator("arrivals", f"{prefix}thinning")
    draws: list[float] = []

    def thinned() -> float:
        # keep a peak-rate arrival with probability rate(then) / peak
        waited = gap()
        while True:
            if not draws:
                draws.extend(accept.random(512)[::-1].tolist())
            if draws.pop() * peak < rate_at(per_hour, env.now + waited):
                return waited
            waited += gap()

    return thinned


def arrivals(
    env: simpy.Environment, world: World, stream: CustomerStream
) -> Generator[Any, Any, None]:
    """Open `stream`'s cases as its arrival pattern says, until the horizon."""
    spec = stream.arrivals
    if isinstance(spec, CohortArrivals):
        for index in range(spec.cohort):
            open_case(env, world, stream, index)
        return
    prefix = f"{stream.name}." if stream.spacing > 1 else ""
    gap = _gaps(env, world, spec, prefix)
    timeout, horizon = env.timeout, world.scenario.horizon
    index = 0
    while True:
        wait = gap()
        if env.now + wait >= horizon:
            return
        yield timeout(wait)
        open_case(env, world, stream, index)
        index += 1
