"""The M/M/c example against Erlang C and, with patience, Erlang A; with two priority
classes against Cobham's formula; with overflow after no wait against one pooled team.

Each check runs the shipped `scenarios/mmc_queue.yml` on a shorter horizon and asks that
the analytical value lie inside the 95 % confidence interval the run itself reports.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cxsim import run
from cxsim.engine import build_world, run_world
from cxsim.engine.case import Case
from cxsim.montecarlo import replication_seeds
from cxsim.scenario import load_scenario
from cxsim.statistics import mean_ci
from tests.queueing import (
    erlang_a_abandonment,
    erlang_c_mean_wait,
    erlang_c_service_level,
    priority_mean_waits,
)

MMC = Path(__file__).parent.parent / "scenarios" / "mmc_queue.yml"
SHORT = ("horizon=1d", "warmup=2h")
SERVERS, ARRIVALS, SERVICE = 10, 9.0, 1.0  # as in the scenario: 10 agents, 9/min, 1 min mean
TARGET = 20 / 60


def inside(entry: dict[str, object], value: float) -> bool:
    low, high = entry["ci95"]  # type: ignore[misc]
    return low <= value <= high  # type: ignore[operator]


@pytest.fixture(scope="module")
def mmc() -> dict[str, object]:
    return run(MMC, replications=12, seed=13, jobs=2, overrides=SHORT).summary()


def test_asa_agrees_with_erlang_c(mmc: dict) -> None:
    agents = mmc["teams"]["agents"]
    assert inside(agents["asa"], erlang_c_mean_wait(SERVERS, ARRIVALS, SERVICE))
    assert agents["abandonment_rate"]["mean"] == 0


def test_service_level_agrees_with_erlang_c(mmc: dict) -> None:
    theory = erlang_c_service_level(SERVERS, ARRIVALS, SERVICE, TARGET)
    assert inside(mmc["teams"]["agents"]["service_level"], theory)


def test_occupancy_is_offered_load_per_agent(mmc: dict) -> None:
    # Little's law on the agents: busy agents = arrival rate x mean handle time
    assert inside(mmc["teams"]["agents"]["occupancy"], ARRIVALS / SERVICE / SERVERS)


def test_abandonment_agrees_with_erlang_a() -> None:
    patience = 2.0  # minutes, exponential
    summary = run(
        MMC,
        replications=12,
        seed=5,
        jobs=2,
        overrides=(*SHORT, "customers.patience={exponential: {mean: 2min}}"),
    ).summary()
    agents = summary["teams"]["agents"]
    theory = erlang_a_abandonment(SERVERS, ARRIVALS, SERVICE, 1 / patience)
    assert 0.01 < theory < 0.2  # the check is not vacuous: some callers do abandon
    assert inside(agents["abandonment_rate"], theory)
    assert inside(summary["metrics"]["gave_up_rate"], theory)


PRIORITY = (
    "horizon=12h",
    "warmup=1h",
    "customers.arrivals=8/min",
    "customers.segments=[{name: gold, share: 0.3, priority: 1}, {name: basic, share: 0.7}]",
)
"""Two classes in one queue at 80 % load: 30 % of the callers are served before the others."""


def sojourns_by_segment(overrides: tuple[str, ...], replications: int, seed: int) -> dict:
    """Per segment, each replication's mean time in the system (wait and service)."""
    model = load_scenario(MMC, overrides)
    found: dict[str, list[float]] = {"gold": [], "basic": []}
    for seed_sequence in replication_seeds(seed, replications):
        world = build_world(model, seed_sequence)
        times: dict[str, list[float]] = {name: [] for name in found}

        def keep(case: Case, until: float | None = None, times: dict = times) -> None:
            if case.counted:  # on the line while queued and served: its customer effort
                times[case.segment.name].append(case.effort)

        world.recorder.case_closed = keep  # type: ignore[method-assign]
        run_world(world)
        for name, values in times.items():
            found[name].append(float(np.mean(values)))
    return found


def test_priority_classes_wait_as_cobham_says() -> None:
    arrivals = 8.0
    found = sojourns_by_segment(PRIORITY, replications=12, seed=3)
    gold, basic = priority_mean_waits(SERVERS, [0.3 * arrivals, 0.7 * arrivals], SERVICE)
    assert basic > 4 * gold  # the check is not vacuous: the classes wait very differently
    assert inside(mean_ci(found["gold"]), gold + 1 / SERVICE)
    assert inside(mean_ci(found["basic"]), basic + 1 / SERVICE)


def test_overflow_after_no_wait_pools_the_two_teams() -> None:
    # a caller who finds the 6 agents busy joins the 4 backups' queue at once: whoever is
    # free first answers the oldest caller, as one team of 10 would (Erlang C)
    arrivals = 8.0
    summary = run(
        MMC,
        replications=12,
        seed=17,
        jobs=2,
        overrides=(
            "horizon=12h",
            "warmup=1h",
            f"customers.arrivals={arrivals}/min",
            "teams.agents.size=6",
            "teams.agents.overflow={team: backup, after: 0}",
            "teams.backup={size: 4, channels: [phone]}",
        ),
    ).summary()
    agents, backup = summary["teams"]["agents"], summary["teams"]["backup"]
    assert inside(agents["asa"], erlang_c_mean_wait(SERVERS, arrivals, SERVICE))
    theory = erlang_c_service_level(SERVERS, arrivals, SERVICE, TARGET)
    assert inside(agents["service_level"], theory)
    # the backups were offered nothing of their own and handled what overflowed to them
    assert backup["offered"]["mean"] == 0 and backup["asa"]["mean"] is None
    assert backup["handled"]["mean"] == agents["overflowed"]["mean"] > 0
    handled = agents["handled"]["mean"] + backup["handled"]["mean"]
    assert handled == pytest.approx(agents["offered"]["mean"])
