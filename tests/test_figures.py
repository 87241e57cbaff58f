"""The data behind the plots: hour-of-week sums, handoff matrix, orphans, worst cases.

Each figure is checked against what the run measures some other way: the summary's
KPIs, the team's totals, the trace.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cxsim.engine import build_world, run_world
from cxsim.engine.replication import simulate
from cxsim.engine.week import HOURS, WeekProfile
from cxsim.figures import figures, lane
from cxsim.metrics import replication_metrics
from cxsim.montecarlo import replication_seeds, run
from cxsim.trace import trace
from tests.helpers import scenario

HANDED_ON = """
name: handed-on
horizon: 2d
start: 2026-01-07
seed: 5
replications: 3
customers: {arrivals: 2/h, journey: fix, give_up_after: {after: 5h, probability: 0.5}}
calendars:
  office: {mon-fri: "8-17"}
teams:
  desk: {size: 2, channels: [phone], calendar: office}
  lab: {size: 1, org: vendor}
organizations: {vendor: {}}
policies: {orphan_after: 2h}
journeys:
  fix:
    start: call
    steps:
      call: {type: contact, team: desk, handle_time: {exponential: {mean: 10min}}, next: test}
      test: {type: task, team: lab, duration: {exponential: {mean: 40min}}, next: hold}
      hold: {type: wait, duration: 3h, owner: nobody, next: close}
      close: {type: task, team: desk, duration: 5min}
"""


def test_a_week_profile_spreads_time_over_real_hours_of_the_week() -> None:
    week = WeekProfile(weekday=2, window=(0.0, 60.0))  # time 0 is Wednesday 00:00
    assert week.hour(0.0) == 48 and week.hour(59.9) == 48 and week.hour(60.0) == 49
    assert week.exposure[48] == 60.0 and sum(week.exposure) == 60.0
    week.work(30.0, 150.0)  # 30 min in hour 48, 60 in 49, 30 in 50
    assert (week.busy[48], week.busy[49], week.busy[50]) == (30.0, 60.0, 30.0)
    week.work(30.0, 90.0, -1.0)
    assert (week.busy[48], week.busy[49], week.busy[50]) == (0.0, 30.0, 30.0)
    sunday = WeekProfile(weekday=6, window=(0.0, 0.0))
    sunday.staff(3, 23 * 60.0 + 30, 24 * 60.0 + 30)  # across the week's end
    assert sunday.staffed[HOURS - 1] == 90.0 and sunday.staffed[0] == 90.0


def test_hours_at_rounding_edges_always_move_on() -> None:
    week = WeekProfile(weekday=3, window=(0.0, 0.0))
    low = math.nextafter(60.0, 0.0)  # a hair before an hour's end
    week.spread(week.busy, low, 60.0 + 1e-9)
    assert math.isclose(sum(week.busy), 60.0 + 1e-9 - low)


def test_figures_agree_with_the_summary_and_the_team_totals() -> None:
    model = scenario(HANDED_ON)
    results = run(model, 3, jobs=1)
    summary = results.summary()
    data = figures(results.replications, model)
    cases = sum(r.metrics["cases"] for r in results.replications)
    handed = sum(r.metrics["handoffs"] * r.metrics["cases"] for r in results.replications)
    # the handoff matrix and the histogram count the same handoffs as the KPI
    matrix = sum(n for targets in data["handoff_matrix"].values() for n in targets.values())
    assert matrix * 3 == pytest.approx(handed)
    shares = data["handoffs"]["share"]
    assert sum(shares) == pytest.approx(1.0)
    assert sum(k * s for k, s in zip(data["handoffs"]["counts"], shares, strict=True)) * cases == (
        pytest.approx(handed)
    )
    assert data["handoff_matrix"]["desk"]["lab"] > 0 and "lab" in data["handoff_matrix"]
    orphaned = sum(r.metrics["orphan_rate"] * r.metrics["cases"] for r in results.replications)
    rates = [r.metrics["orphan_rate"] for r in results.replications]
    assert data["orphans"]["rate"] == pytest.approx(summary["metrics"]["orphan_rate"]["mean"])
    assert data["orphans"]["rate"] == pytest.approx(sum(rates) / 3)
    assert data["orphans"]["per_replication"] * 3 == pytest.approx(orphaned)
    assert sum(data["orphans"]["after_step"].values()) * 3 == pytest.approx(orphaned)
    assert set(data["orphans"]["after_step"]) <= {"fix.hold"}
    # the time curve ends where the cases resolved in the run end
    resolved = sum(r.metrics["resolved_rate"] * r.metrics["cases"] for r in results.replications)
    curve = data["time_to_resolution"]["customer"]
    assert curve["share"][-1] == pytest.approx(resolved / cases)
    assert np.all(np.diff(curve["share"]) >= 0) and np.all(np.diff(curve["minutes"]) >= 0)
    gave_up = summary["metrics"]["gave_up_rate"]["mean"]
    assert data["time_to_resolution"]["gave_up"] > 0 and gave_up > 0
    # resolved, gave up and still open (estimated, open cases censored) make up all cases
    ending = data["time_to_resolution"]
    assert curve["share"][-1] + ending["gave_up"] + ending["open"] == pytest.approx(1.0)
    # hour by hour, occupancy stays in [0, 1]; the desk is staffed only when open
    desk = data["teams"]["desk"]["hour_of_week"]
    for value in desk["occupancy"]:
        assert value is None or 0.0 <= value <= 1.0 + 1e-9
    assert desk["occupancy"][2 * 24 + 3] is None  # Wednesday 03:00: nobody on duty
    assert desk["offered"][2 * 24 + 10] > 0  # Wednesday 10:00


def test_hourly_busy_and_staffed_time_add_up_to_the_team_totals() -> None:
    model = scenario(HANDED_ON)
    world = build_world(model, replication_seeds(5, 1)[0])
    run_world(world)
    for team in world.teams.values():
        assert sum(team.week.busy) == pytest.approx(team.busy_area, abs=1e-6)
        assert sum(team.week.staffed) == pytest.approx(team.staffed_area, abs=1e-6)
        assert sum(team.week.offered) == team.offered
        assert sum(team.week.answered) == team.answered
        assert sum(team.week.wait_sum) == pytest.approx(team.wait_sum)


def test_replication_zero_keeps_histories_without_changing_a_number() -> None:
    model = scenario(HANDED_ON)
    seed = replication_seeds(5, 1)[0]
    told = simulate(model, seed, 0)
    world = build_world(model, seed)
    run_world(world)
    plain = replication_metrics(0, world.recorder.tally(), world.teams, world.failure_counts)
    assert told.metrics == plain.metrics and told.teams == plain.teams


def test_the_worst_cases_are_the_ones_trace_finds() -> None:
    model = scenario(HANDED_ON)
    replication = simulate(model, replication_seeds(5, 1)[0], 0)
    assert replication.figures is not None
    timelines = replication.figures.timelines
    assert len(timelines) == 3
    times = [t["values"]["time_to_resolution"] for t in timelines]
    assert times == sorted(times, reverse=True)
    worst = trace(model, 5, 0)
    assert timelines[0]["case"] == worst.case.label
    assert timelines[0]["values"]["time_to_resolution"] == worst.values["time_to_resolution"]
    events = timelines[0]["events"]
    assert [e["time"] for e in events] == sorted(e["time"] for e in events)
    assert {e["lane"] for e in events} <= {"customer", "front", "back", "partner"}
    assert any(e["team"] == "lab" and e["lane"] == "partner" for e in events)


def test_lanes_follow_the_service_blueprint() -> None:
    model = scenario(HANDED_ON)
    assert lane(model, None) == "customer"
    assert lane(model, "desk") == "front"
    assert lane(model, "lab") == "partner"
    assert lane(model, "vendor") == "partner"


def test_without_worst_cases_replication_zero_keeps_no_history_and_the_same_numbers() -> None:
    model = scenario(HANDED_ON)
    told, bare = run(model, 2, jobs=1), run(model, 2, jobs=1, worst=False)
    assert [r.metrics for r in told.replications] == [r.metrics for r in bare.replications]
    assert figures(bare.replications, model)["timelines"] == []
    assert len(figures(told.replications, model)["timelines"]) == 3
