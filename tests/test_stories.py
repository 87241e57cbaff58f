"""The four seed stories, run on short horizons: do they show what the stories show?

Every claim is judged on the run's own output: confidence intervals over replications,
paired differences on common random numbers for what-ifs, and the trace of the worst
case. No number here comes from an earlier run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cxsim import load_scenario, run
from cxsim.montecarlo import Results
from cxsim.statistics import mean_ci
from cxsim.trace import format_trace, trace

STORIES = Path(__file__).parent.parent / "scenarios"


def story(name: str, *overrides: str, replications: int = 8) -> Results:
    return run(load_scenario(STORIES / name, list(overrides)), replications=replications, jobs=1)


def metric(results: Results, name: str) -> dict[str, Any]:
    return results.summary()["metrics"][name]


def paired(base: Results, variant: Results, name: str) -> dict[str, Any]:
    """Mean and 95 % interval of variant − base over replications on common random numbers."""
    pairs = zip(base.replications, variant.replications, strict=True)
    return mean_ci([v.metrics[name] - b.metrics[name] for b, v in pairs])


ROUTER = ("router_outage.yml", "horizon=4d", "warmup=1d")


def test_router_case_takes_hours_with_handoffs_and_broken_promises() -> None:
    results = story(*ROUTER)
    assert metric(results, "time_to_resolution")["ci95"][0] > 120  # hours, not minutes
    assert metric(results, "time_to_resolution")["p50"] > 120
    assert metric(results, "handoffs")["ci95"][0] > 1.5  # bot → specialist → technicians
    assert metric(results, "broken_promises")["ci95"][0] > 0
    assert metric(results, "repeats")["ci95"][0] > 1  # the cold handoff asks again


def test_router_eta_instead_of_reply_change_cuts_contacts() -> None:
    generic = story(*ROUTER)
    eta = story(*ROUTER, "policies.late_notification=eta")
    difference = paired(generic, eta, "contacts")
    assert difference["ci95"][1] < 0


DSL = ("dsl_outage.yml", "horizon=5d", "warmup=1d")


def test_dsl_customer_repeats_the_story_at_nearly_every_contact() -> None:
    results = story(*DSL)
    repeats, contacts = metric(results, "repeats"), metric(results, "contacts")
    # every contact after the first (and every transfer) reaches someone who asks again
    assert repeats["ci95"][0] >= 0.9 * (contacts["ci95"][1] - 1)
    assert repeats["ci95"][0] > 1


def test_dsl_warm_transfer_and_shared_context_stop_the_repeats() -> None:
    shared = [f"teams.{team}.keeps_context=true" for team in ("support", "second_line")]
    base = story(*DSL)
    better = story(*DSL, "journeys.repair.steps.line_check.mode=warm", *shared)
    assert paired(base, better, "repeats")["ci95"][1] < -0.5


FIBER = ("fiber_install.yml", "horizon=150d", "warmup=10d")


def test_fiber_has_orphans_and_customers_wait_far_beyond_the_process() -> None:
    results = story(*FIBER)
    assert metric(results, "orphan_rate")["ci95"][0] > 0
    customer, process = (
        metric(results, "time_to_resolution"),
        metric(results, "process_time_to_resolution"),
    )
    assert customer["p99"] is None or customer["p99"] > 1.2 * process["p99"]
    # the worst case: the fiber works (process view) while the leak goes on
    model = load_scenario(STORIES / FIBER[0], list(FIBER[1:]))
    worst = trace(model, worst="orphan_time")
    assert worst.values["process_resolved"] == 1
    assert worst.values["time_to_resolution"] > 2 * worst.values["process_time_to_resolution"]
    told = format_trace(worst)
    assert "nobody was told" in told or "not our problem" in told or "let go" in told


@pytest.mark.parametrize(
    "policy", ["policies.ownership=single_owner", "policies.watchdog={after: 2d, team: relations}"]
)
def test_fiber_single_owner_or_a_watchdog_cuts_orphans(policy: str) -> None:
    base = story(*FIBER)
    variant = story(*FIBER, policy)
    assert paired(base, variant, "orphan_rate")["ci95"][1] < 0


def test_roadside_resolves_most_cases_within_about_an_hour() -> None:
    results = story("roadside_assistance.yml", "horizon=2d", "warmup=6h")
    ttr = metric(results, "time_to_resolution")
    assert ttr["p50"] <= 60
    assert metric(results, "resolved_rate")["ci95"][0] > 0.9
    assert metric(results, "handoffs")["ci95"][1] < 1.2  # consultant → technician; a tow rarely
    assert metric(results, "orphan_rate")["mean"] == 0  # one owner end to end
    assert metric(results, "contacts")["ci95"][1] < 1.1  # one call, hardly a chase


@pytest.mark.parametrize("name", sorted(p.name for p in STORIES.glob("*.yml")))
def test_every_scenario_runs_under_single_owner(name: str) -> None:
    model = load_scenario(
        STORIES / name, ["policies.ownership=single_owner", "horizon=1d", "warmup=0"]
    )
    results = run(model, replications=2, jobs=1)
    assert results.complete
    assert metric(results, "cases")["mean"] > 0


ENERGY = ("energy_supplier.yml", "horizon=3w", "warmup=1w")


def test_energy_movers_chase_through_an_ownerless_wait_and_a_promise_stops_it() -> None:
    base = story(*ENERGY, replications=5)
    streams = base.summary()["streams"]
    moving, billing = streams["moving"], streams["billing"]
    assert moving["orphan_rate"]["ci95"][0] > 0.3  # the grid operator's wait has no owner
    assert moving["contacts"]["ci95"][0] > 2  # so movers call again, on billing's line
    assert billing["contacts"]["ci95"][1] < 1.1
    assert base.summary()["teams"]["billing"]["overflowed"]["mean"] > 0
    told = story(*ENERGY, "journeys.move.steps.grid.promise=15d", replications=5)
    pairs = zip(base.replications, told.replications, strict=True)
    fewer = mean_ci(
        [v.streams["moving"]["contacts"] - b.streams["moving"]["contacts"] for b, v in pairs]
    )
    assert fewer["ci95"][1] < -1  # told when, they stop calling in between
