"""A case that loops without time passing stops its replication with a clear message; the
other replications are kept, and a loop where time passes runs until the drain ends."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from cxsim.cli import main
from cxsim.engine import build_world, run_world
from cxsim.engine.runaway import STEP_LIMIT, RunawayCase
from cxsim.montecarlo import run
from tests.helpers import Run, scenario

# The validator cannot prove this loop endless: `poll` may send the case back to
# `connect`, which leads to the end. But `connect` has already provided the line, so a
# case routed to `poll` loops between `poll` and `wait` in no time at all.
POLLING = """
    name: polling
    horizon: 1d
    replications: 6
    seed: 3
    customers: {arrivals: {cohort: 1}, journey: fix}
    teams:
      desk: {size: 1}
    journeys:
      fix:
        start: connect
        steps:
          connect:
            {type: task, team: desk, duration: 0, provides: [line], outcomes: {poll: 0.5, end: 0.5}}
          poll: {type: task, team: desk, duration: 0, requires: [line], next: wait}
          wait: {type: task, team: desk, duration: 0, next: poll}
"""

MESSAGE = (
    f"case 1 of journey 'fix' took {STEP_LIMIT:,} steps without time passing (at 0 s), "
    "looping through steps 'poll' and 'wait': a loop with no way out that takes no time; "
    "the replication stopped there"
)


def test_a_case_looping_in_no_time_stops_its_replication_naming_the_loop() -> None:
    model = scenario(POLLING)
    outcomes = []
    for index, seed in enumerate(np.random.SeedSequence(3).spawn(6)):
        world = build_world(model, seed)
        try:
            run_world(world)
        except RunawayCase as error:
            outcomes.append((index, str(error)))
    assert outcomes == [(0, MESSAGE), (1, MESSAGE), (4, MESSAGE), (5, MESSAGE)]


def test_the_failed_replications_are_recorded_and_the_others_kept() -> None:
    results = run(scenario(POLLING), jobs=1)
    assert results.failed == [(0, MESSAGE), (1, MESSAGE), (4, MESSAGE), (5, MESSAGE)]
    assert [r.index for r in results.replications] == [2, 3]
    summary = results.summary()
    assert summary["replications"] == 2 and summary["requested_replications"] == 6
    assert summary["failed_replications"] == [
        {"index": index, "error": MESSAGE} for index in (0, 1, 4, 5)
    ]
    assert summary["metrics"]["resolved_rate"]["mean"] == 1.0


def test_the_same_on_a_pool_of_processes() -> None:
    assert run(scenario(POLLING), jobs=2).failed == [
        (0, MESSAGE),
        (1, MESSAGE),
        (4, MESSAGE),
        (5, MESSAGE),
    ]


def test_run_tells_each_failed_replication_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "polling.yml"
    path.write_text(POLLING)
    result = CliRunner().invoke(main, ["run", str(path), "--jobs", "1", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert [line for line in result.stderr.splitlines() if line.startswith("replication")] == [
        "replication 0 failed:",
        "replication 1 failed:",
        "replication 4 failed:",
        "replication 5 failed:",
    ]
    assert result.stderr.count(MESSAGE) == 4
    assert "polling · 2 replications" in result.stdout


def test_trace_tells_a_runaway_replication_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "polling.yml"
    path.write_text(POLLING)
    result = CliRunner().invoke(main, ["trace", str(path), "--replication", "4"])
    assert result.exit_code == 1
    assert result.stderr == f"replication 4 failed:\n{MESSAGE}\n"


def test_a_zero_time_retry_that_ends_is_not_stopped() -> None:
    text = POLLING.replace("outcomes: {poll: 0.5, end: 0.5}", "outcomes: {connect: 0.9, end: 0.1}")
    results = run(scenario(text), jobs=1)
    assert results.failed == [] and len(results.replications) == 6


def test_a_loop_where_time_passes_runs_until_the_drain_ends() -> None:
    text = """
        name: trapped
        horizon: 1d
        drain: 1d
        customers: {arrivals: {cohort: 2}, journey: fix}
        teams:
          desk: {size: 2}
        journeys:
          fix:
            start: triage
            steps:
              triage: {type: task, team: desk, duration: 1min, outcomes: {chase: 0.5, end: 0.5}}
              chase: {type: task, team: desk, duration: 1h, next: chase}
    """
    done = Run(scenario(text), seed=2)
    assert done.world.env.now == pytest.approx(2 * 1440)
    assert sorted(str(case.outcome) for case in done.cases.values()) == ["None", "resolved"]
