"""Waits drawn `by_age`: a case waits until it is as old as a case seen at about its age was.

A closure due a month after a ticket opened, whatever happened before, is the pattern:
the draws, the scenario language around them, and `cxsim fit` finding them in a log.
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from pydantic import TypeAdapter

import cxsim
from cxsim.distributions import ByAge, case_sampler
from cxsim.fit.distances import cycle_time_emd
from cxsim.fit.log import Activity, Log
from cxsim.fit.quality import case_facts
from cxsim.fit.scenario import fit_scenario
from cxsim.fit.simulated import simulated_log
from cxsim.scenario import ScenarioError, load_scenario
from cxsim.scenario.types import Distribution

DAY = 1440.0


def _case(key: int) -> SimpleNamespace:
    return SimpleNamespace(key=key, lane=0, drawn={}, own={})


def _by_age(folder: Path, rows: list[tuple[float, float]], neighbours: int) -> ByAge:
    path = folder / "waits.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["wait", "age"])
        writer.writerows(rows)
    spec = TypeAdapter(Distribution).validate_python(
        {
            "empirical": {
                "file": "waits.csv",
                "column": "wait",
                "by_age": "age",
                "neighbours": neighbours,
            }
        },
        context={"base_dir": str(folder)},
    )
    draw = case_sampler(spec, np.random.SeedSequence(3), (0, 1))
    assert isinstance(draw, ByAge)
    return draw


def test_a_draw_ends_when_the_case_is_as_old_as_a_neighbour_was(tmp_path: Path) -> None:
    # seen at ages 0, 10, ..., 90: each wait ended at age 100 + its own age / 10
    rows = [(100 + age / 10 - age, age) for age in range(0, 100, 10)]
    draw = _by_age(tmp_path, rows, neighbours=2)
    for key in range(200):
        wait = draw(_case(key), 42.0)
        # the two nearest in age order are those seen at 40 and 50
        assert 42.0 + wait in (104.0, 105.0)
    # older than every case seen: the nearest ended before this age, so no wait
    assert draw(_case(1), 500.0) == 0.0


def test_ties_at_the_case_age_are_all_drawn_from(tmp_path: Path) -> None:
    rows = [(float(wait), 0.0) for wait in range(1, 101)] + [(1.0, 50.0)]
    draw = _by_age(tmp_path, rows, neighbours=5)
    waits = {draw(_case(key), 0.0) for key in range(3000)}
    assert len(waits) > 90  # all hundred seen at age 0, not the first five


def test_the_same_case_draws_the_same_wait(tmp_path: Path) -> None:
    rows = [(float(wait), float(age)) for wait, age in zip(range(50), range(50), strict=True)]
    first = [_by_age(tmp_path, rows, 10)(_case(key), 20.0) for key in range(50)]
    again = [_by_age(tmp_path, rows, 10)(_case(key), 20.0) for key in range(50)]
    assert first == again and len(set(first)) > 1


SCENARIO = """\
name: deadline
horizon: 6w
replications: 2
seed: 8
teams:
  desk: {size: 4}
customers:
  arrivals: 1/h
  journey: ticket
journeys:
  ticket:
    start: solve
    steps:
      solve:
        type: task
        team: desk
        duration: {exponential: {mean: 15min}}
        next: pending
      pending:
        type: wait
        owner: desk
        duration: {exponential: {mean: 2d}}
        next: closing
      closing:
        type: wait
        owner: desk
        duration: {empirical: {file: close.csv, column: wait, by_age: age, neighbours: 15}}
"""


def _deadline_file(folder: Path) -> None:
    """Waits seen at ages up to 20 days, each ending when its case was 30 to 31 days old."""
    rng = random.Random(5)
    with (folder / "close.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["wait", "age"])
        for _ in range(400):
            age = rng.uniform(0, 20 * DAY)
            writer.writerow([f"{rng.uniform(30 * DAY, 31 * DAY) - age:.3f}", f"{age:.3f}"])


def test_a_scenario_closes_every_case_at_the_age_the_file_shows(tmp_path: Path) -> None:
    _deadline_file(tmp_path)
    path = tmp_path / "deadline.yml"
    path.write_text(SCENARIO)
    summary = cxsim.run(path, jobs=1).summary()["metrics"]["time_to_resolution"]
    # whatever the time spent before, the case closes when it is 30 to 31 days old
    # (plus at most the solve work before the clock: arrival is when the case opened)
    assert 30 * DAY <= summary["p50"] <= 31 * DAY + 60
    assert 30 * DAY <= summary["mean"] <= 31 * DAY + 60
    assert summary["p99"] <= 31 * DAY + 240


def test_by_age_anywhere_but_a_wait_step_is_refused_with_its_place(tmp_path: Path) -> None:
    _deadline_file(tmp_path)
    path = tmp_path / "deadline.yml"
    path.write_text(
        SCENARIO.replace(
            "duration: {exponential: {mean: 15min}}",
            "duration: {empirical: {file: close.csv, column: wait, by_age: age}}",
        )
    )
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert "journeys.ticket.steps.solve.duration.empirical.by_age" in str(error.value)
    assert "only a wait step's duration" in str(error.value)


def test_a_blank_age_beside_a_wait_is_refused(tmp_path: Path) -> None:
    _deadline_file(tmp_path)
    (tmp_path / "close.csv").write_text("wait,age\n10,\n")
    path = tmp_path / "deadline.yml"
    path.write_text(SCENARIO)
    with pytest.raises(ScenarioError, match=r"close\.csv line 2"):
        load_scenario(path)


def _closing_log(cases: int, seed: int) -> Log:
    """Completions of tickets closed at 10 to 12 days old, or 2 days after the last answer."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 8)
    activities = []
    for case in range(cases):
        opened = start + timedelta(hours=case * 3 + rng.random())
        answered = opened + timedelta(days=rng.expovariate(1 / 3))
        closed = max(answered + timedelta(days=2), opened + timedelta(days=rng.uniform(10, 12)))
        for name, when in (("open", opened), ("answer", answered), ("close", closed)):
            activities.append(Activity(str(case), name, when))
    return Log.of(activities)


def test_fit_draws_a_wait_by_age_when_the_log_shows_a_deadline(tmp_path: Path) -> None:
    log = _closing_log(600, seed=1)
    fitted = fit_scenario(log, "closing", "log.csv", waits_file="closing.waits.csv")
    path = tmp_path / "closing.yml"
    fitted.write(path)
    steps = fitted.data["journeys"]["fitted"]["steps"]
    assert steps["close_wait"]["duration"]["empirical"]["by_age"] == "close_wait age"
    # the answer comes at a time that does not depend on the case's age
    assert "by_age" not in steps["answer_wait"]["duration"]["empirical"]
    simulated = [c.hours for c in case_facts(simulated_log(load_scenario(path), 2, 3))]
    real = [c.hours for c in case_facts(_closing_log(600, seed=2))]
    assert np.percentile(simulated, 2) >= 10 * 24 - 1  # no case closes before 10 days
    spread = float(np.std(real))
    assert cycle_time_emd(real, simulated) < 0.25 * spread
