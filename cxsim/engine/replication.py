"""One replication: build the world from a scenario and a seed, run it to the horizon."""

from __future__ import annotations

import numpy as np
import simpy

from cxsim.calendars import Slots, closed_minutes, open_intervals, staffing
from cxsim.engine.arrivals import arrivals
from cxsim.engine.case import Ownership
from cxsim.engine.journey import build_journey, open_child
from cxsim.engine.streams import Streams
from cxsim.engine.world import Team, World, customer_segments
from cxsim.failures import bind
from cxsim.metrics import Recorder, Replication, replication_metrics
from cxsim.scenario.models import Scenario


def build_world(scenario: Scenario, seed: np.random.SeedSequence, history: bool = False) -> World:
    """The world of one replication, with its processes started but not run."""
    env = simpy.Environment()
    streams = Streams(seed)
    teams: dict[str, Team] = {}
    channels: dict[str, Team] = {}
    for name, spec in scenario.teams.items():
        calendar = scenario.calendars.get(spec.calendar) if spec.calendar else None
        intervals = open_intervals(calendar) if calendar is not None else None
        team = Team(
            env,
            name,
            spec.size,
            list(spec.channels),
            spec.service_level_target,
            spec.org,
            window=(scenario.warmup, scenario.horizon),
            closed_minutes=closed_minutes(intervals) if intervals is not None else None,
        )
        teams[name] = team
        team.handle_time = streams.sampler("handling", f"{name}.handle_time", spec.handle_time)
        team.powers = None if spec.powers == "all" else frozenset(spec.powers)
        team.revive = spec.revive
        team.keeps_context = spec.keeps_context
        if spec.revive < 1:
            team.revive_draw = streams.uniform("behaviour", f"{name}.revive")
        if spec.travel is not None:
            team.travel = streams.sampler("handling", f"{name}.travel", spec.travel)
        team.slots = Slots(spec.size, spec.size * spec.visits_per_day, intervals)
        for channel in spec.channels:
            channels.setdefault(channel, team)
        if intervals is not None:
            env.process(staffing(env, team, intervals))
    segments, cumulative = customer_segments(scenario, streams)
    world = World(env, scenario, streams, Recorder(), teams, segments, cumulative, history=history)
    policies = scenario.policies
    world.ownership = Ownership(policies.orphan_after, policies.ownership == "single_owner")
    world.open_child = open_child
    world.failure_counts.update({failure.name: 0 for failure in scenario.failures})
    drawn = [bind(failure, streams) for failure in scenario.failures]
    world.denials = [d for d in drawn if d.effect == "deny" and d.spec.team is not None]
    world.channel_teams = channels
    world.journeys = {
        name: build_journey(name, spec, streams, drawn) for name, spec in scenario.journeys.items()
    }
    env.process(arrivals(env, world))
    return world


def run_world(world: World) -> None:
    """Run to the horizon and record the cases still open there."""
    horizon = world.scenario.horizon
    world.env.run(until=horizon)
    for team in world.teams.values():
        team.staff(team.capacity, horizon)  # closes the staffed time integral
    for case in world.open_cases.values():
        world.recorder.case_closed(case, until=horizon)


def simulate(scenario: Scenario, seed: np.random.SeedSequence, index: int = 0) -> Replication:
    """Run replication `index` of `scenario` from `seed` and return what it measured."""
    world = build_world(scenario, seed)
    run_world(world)
    return replication_metrics(index, world.recorder.arrays(), world.teams, world.failure_counts)
