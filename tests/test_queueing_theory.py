"""The M/M/c example against Erlang C and, with patience, Erlang A.

Each check runs the shipped `scenarios/mmc_queue.yml` on a shorter horizon and asks that
the analytical value lie inside the 95 % confidence interval the run itself reports.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cxsim import run
from tests.queueing import (
    erlang_a_abandonment,
    erlang_c_mean_wait,
    erlang_c_service_level,
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
