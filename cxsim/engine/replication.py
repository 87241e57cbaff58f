"""One replication: build the world from a scenario and a seed, run it, measure it.

Customers arrive until the horizon; the cases still open then are followed to their
end, for at most the scenario's `drain` (default: as long as the horizon), so a case
that arrives late weighs as much as one that arrived early. What is still open after
the drain is censored there. Each replication also keeps the profile of its teams'
waits over time, from which a run finds its warm-up (`cxsim.warmup`); with `warmup: auto`
the run's replications are run again from the same seeds with that warm-up: the same
histories, counted from the detected time on.
"""

from __future__ import annotations

import numpy as np
import simpy

from cxsim.calendars import Slots, business_hours, staffing
from cxsim.engine.arrivals import arrivals
from cxsim.engine.case import Ownership
from cxsim.engine.journey import build_journey, open_child
from cxsim.engine.runaway import INSTANT_LIMIT, run_until
from cxsim.engine.seats import Seats
from cxsim.engine.streams import Streams
from cxsim.engine.world import Team, World, customer_streams
from cxsim.failures import bind_all
from cxsim.figures import WorstCases, figure_parts
from cxsim.metrics import Recorder, Replication, replication_metrics
from cxsim.scenario.models import CohortArrivals, Scenario
from cxsim.scenario.weekly import DEFAULT_START


def scenario_warmup(scenario: Scenario) -> float:
    """The warm-up a scenario states; 0 for `auto` (found after a first run)."""
    return 0.0 if scenario.warmup == "auto" else scenario.warmup


def drain_of(scenario: Scenario) -> float:
    """How long after the horizon open cases are followed."""
    return scenario.horizon if scenario.drain is None else scenario.drain


def build_world(
    scenario: Scenario,
    seed: np.random.SeedSequence,
    history: bool = False,
    warmup: float | None = None,
) -> World:
    """The world of one replication, with its processes started but not run.

    `warmup` overrides the scenario's (needed for `auto`, which the world cannot know).
    """
    env = simpy.Environment()
    streams = Streams(seed)
    start = scenario_warmup(scenario) if warmup is None else warmup
    teams: dict[str, Team] = {}
    channels: dict[str, Team] = {}
    day_one = scenario.start or DEFAULT_START
    for name, spec in scenario.teams.items():
        calendar = scenario.calendars.get(spec.calendar) if spec.calendar else None
        hours = business_hours(calendar, day_one) if calendar is not None else None
        team = Team(
            env,
            name,
            spec.size,
            list(spec.channels),
            spec.service_level_target,
            spec.org,
            window=(start, scenario.horizon),
            closed_minutes=hours.closed_minutes if hours is not None else None,
            weekday=day_one.weekday(),
        )
        team.hours = hours
        teams[name] = team
        team.handle_time = streams.sampler("handling", f"{name}.handle_time", spec.handle_time)
        team.powers = None if spec.powers == "all" else frozenset(spec.powers)
        team.revive = spec.revive
        team.keeps_context = spec.keeps_context
        if spec.revive < 1:
            team.revive_draw = streams.uniform("behaviour", f"{name}.revive")
        if spec.travel is not None:
            team.travel = streams.sampler("handling", f"{name}.travel", spec.travel)
        team.slots = Slots(spec.size, spec.size * spec.visits_per_day, hours)
        if history:
            team.seats = Seats()
        for channel in spec.channels:
            channels.setdefault(channel, team)
        if hours is not None:
            env.process(staffing(env, team, hours))
    for name, spec in scenario.teams.items():
        if spec.overflow is not None:
            teams[name].overflow = teams[spec.overflow.team]
            teams[name].overflow_after = spec.overflow.after
    work = customer_streams(scenario, streams)
    world = World(env, scenario, streams, Recorder(), teams, work, history=history)
    world.warmup = start
    policies = scenario.policies
    world.ownership = Ownership(policies.orphan_after, policies.ownership == "single_owner")
    world.open_child = open_child
    world.failure_counts.update({failure.name: 0 for failure in scenario.failures})
    drawn = bind_all(scenario.failures, streams)
    world.denials = [d for d in drawn if d.effect == "deny" and d.spec.team is not None]
    world.channel_teams = channels
    world.organizations = {
        name: Team(env, name, 0, [], 1 / 3, name, window=(start, scenario.horizon))
        for name in scenario.organizations
    }
    world.journeys = {
        name: build_journey(name, spec, streams, drawn) for name, spec in scenario.journeys.items()
    }
    for stream in work:
        env.process(arrivals(env, world, stream))
    return world


def run_world(world: World) -> None:
    """Run to the horizon, follow the counted cases still open, record what is left open."""
    env = world.env
    limit = INSTANT_LIMIT + 100 * sum(
        stream.arrivals.cohort
        for stream in world.scenario.customers.stream_specs().values()
        if isinstance(stream.arrivals, CohortArrivals)
    )
    run_until(env, world.horizon, limit)
    drain = drain_of(world.scenario)
    if world.open_counted and drain > 0:
        world.drained = env.event()
        run_until(env, world.drained | env.timeout(drain), limit)
    end = env.now
    for team in world.teams.values():
        team.staff(team.capacity, end)  # closes the staffed time integral (at the horizon)
    for case in world.open_cases.values():
        world.recorder.case_closed(case, until=end)


def simulate(
    scenario: Scenario,
    seed: np.random.SeedSequence,
    index: int = 0,
    warmup: float | None = None,
    recorder: Recorder | None = None,
    worst: bool = True,
) -> Replication:
    """Run replication `index` of `scenario` from `seed` and return what it measured.

    `warmup` overrides the scenario's (the one a run detected, under `warmup: auto`).
    A `recorder` of one's own (one that writes an event log) gets the cases with their
    histories kept.
    """
    told = WorstCases(scenario, index) if worst and index == 0 else None  # replication 0's
    history = recorder is not None or told is not None
    world = build_world(scenario, seed, history=history, warmup=warmup)
    if recorder is not None:
        world.recorder = recorder
    world.recorder.worst = told
    run_world(world)
    names = [stream.name for stream in world.customer_streams]
    tally = world.recorder.tally()
    replication = replication_metrics(index, tally, world.teams, world.failure_counts, names)
    timelines = told.timelines() if told is not None else None
    replication.figures = figure_parts(world, tally, timelines)
    replication.warmup = world.warmup
    streams = scenario.customers.stream_specs().values()
    if not any(isinstance(stream.arrivals, CohortArrivals) for stream in streams):
        # a cohort arrives at once: there is no steady stream to wait for, nothing to cut
        replication.wait_profile = {
            name: np.array(team.waits, dtype=float)
            for name, team in world.teams.items()
            if team.closed_minutes is None
        }
    return replication
