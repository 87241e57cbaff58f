"""Round trip: simulate a scenario, fit its event log, and find the scenario's numbers again.

Each fitted figure is checked against the scenario's true value with a 99 % interval
computed from the log itself: binomial for routing shares, Poisson for arrival rates, t
for mean durations. The fitted scenario must validate and run.
"""

from __future__ import annotations

import csv
import math
import textwrap
from itertools import pairwise
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from scipy import stats

import cxsim
from cxsim.cli import main
from cxsim.fit.arrivals import arrival_profile
from cxsim.fit.journey import discover_routing
from cxsim.fit.log import Log
from cxsim.fit.reading import read_log
from cxsim.fit.scenario import fit_scenario
from cxsim.scenario.weekly import DAYS

SCENARIO = """\
name: roundtrip
horizon: 3w
replications: 1
seed: 11
teams:
  desk: {size: 4}
  experts: {size: 3}
customers:
  arrivals:
    weekly:
      mon-fri: {"8-12": 6/h, "12-17": 3/h}
      sat: {"9-13": 2/h}
  journey: ticket
journeys:
  ticket:
    start: triage
    steps:
      triage:
        type: task
        team: desk
        duration: {lognormal: {mean: 10min, sd: 4min}}
        outcomes: {solve: 0.6, escalate: 0.4}
      escalate:
        type: task
        team: experts
        duration: {lognormal: {mean: 30min, sd: 15min}}
        next: solve
      solve:
        type: task
        team: desk
        duration: {lognormal: {mean: 15min, sd: 6min}}
        outcomes: {end: 0.75, triage: 0.25}
"""

Z99 = 2.576


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of one simulated replication with its events.csv and events.xes."""
    folder = tmp_path_factory.mktemp("roundtrip")
    path = folder / "roundtrip.yml"
    path.write_text(SCENARIO)
    cxsim.run(path, jobs=1, events=cxsim.EventLog(folder, ("csv", "xes")))
    return folder


@pytest.fixture(scope="module")
def log(simulated: Path) -> Log:
    return read_log(simulated / "events.csv")


def fitted_data(log: Log) -> dict:
    return yaml.safe_load(fit_scenario(log, "fitted", "events.csv").text())


def test_routing_shares_are_recovered(log: Log) -> None:
    routing = discover_routing(log)
    steps = fitted_data(log)["journeys"]["fitted"]["steps"]
    for step, there, truth in [
        ("triage", "escalate", 0.4),
        ("triage", "solve", 0.6),
        ("solve", "end", 0.75),
    ]:
        n = sum(routing.follows[step].values())
        share = steps[step]["outcomes"][there]
        half = Z99 * math.sqrt(share * (1 - share) / n)
        assert abs(share - truth) < half, (step, there, share, n)
    assert steps["escalate"]["next"] == "solve"
    assert fitted_data(log)["journeys"]["fitted"]["start"] == "triage"


def test_arrival_rates_are_recovered(log: Log) -> None:
    profile = arrival_profile(log)
    for days, hours, truth in [
        (range(5), range(8, 12), 6.0),
        (range(5), range(12, 17), 3.0),
        ([5], range(9, 13), 2.0),
        ([6], range(24), 0.0),
    ]:
        slots = [d * 24 + h for d in days for h in hours]
        count = sum(profile.counts[s] for s in slots)
        exposure = sum(profile.exposure[s] for s in slots)
        # exact Poisson interval of the count, per hour observed
        low = stats.chi2.ppf(0.005, 2 * count) / 2 / exposure if count else 0.0
        high = stats.chi2.ppf(0.995, 2 * count + 2) / 2 / exposure
        assert low <= truth <= high, (days, hours, count, exposure)
    weekly = fitted_data(log)["customers"]["arrivals"]["weekly"]
    assert set(weekly) <= set(DAYS[:6])


def test_duration_means_are_recovered(log: Log) -> None:
    steps = fitted_data(log)["journeys"]["fitted"]["steps"]
    for step, truth in [("triage", 10.0), ("escalate", 30.0), ("solve", 15.0)]:
        times = [
            (a.end - a.start).total_seconds() / 60
            for a in log.activities
            if a.activity == step and a.start is not None
        ]
        mean, sem = stats.tmean(times), stats.sem(times)
        half = stats.t.ppf(0.995, len(times) - 1) * sem
        assert abs(mean - truth) < half, (step, mean, half)
        spec = steps[step]["duration"]
        family, params = next(iter(spec.items()))
        assert family in ("lognormal", "gamma")
        fitted_mean = float(params["mean"].removesuffix("min"))
        assert abs(fitted_mean - truth) < half, (step, fitted_mean, half)


def test_the_fitted_scenario_validates_and_runs(simulated: Path, tmp_path: Path) -> None:
    out = tmp_path / "fitted.yml"
    result = CliRunner().invoke(main, ["fit", str(simulated / "events.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "cases" in result.stderr
    assert out.read_text().startswith("# Fitted by `cxsim fit` from events.csv")
    model = cxsim.load_scenario(out)
    assert set(model.teams) == {"desk", "experts"}
    assert model.teams["desk"].size == 4
    results = cxsim.run(model, replications=1, jobs=1)
    assert results.summary()["metrics"]["resolved_rate"]["mean"] > 0.9


def test_xes_gives_the_same_log(simulated: Path, log: Log) -> None:
    assert read_log(simulated / "events.xes").activities == log.activities


def completions_only(simulated: Path, folder: Path) -> Path:
    """The simulated log with its `complete` rows only, and no resource or team."""
    completed = folder / "completed.csv"
    with (simulated / "events.csv").open() as inp, completed.open("w", newline="") as out:
        rows = csv.DictReader(inp)
        writer = csv.DictWriter(out, ["case_id", "activity", "timestamp"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(row for row in rows if row["lifecycle"] == "complete")
    return completed


def test_completions_only_split_gaps_into_work_and_waiting(simulated: Path, tmp_path: Path) -> None:
    log = read_log(completions_only(simulated, tmp_path))
    assert all(a.start is None and a.resource is None for a in log.activities)
    fitted = fit_scenario(log, "gaps", "completed.csv", waits_file="gaps.waits.csv")
    path = tmp_path / "gaps.yml"
    assert fitted.write(path) == [path, tmp_path / "gaps.waits.csv"]
    model = cxsim.load_scenario(path)
    steps = model.journeys["fitted"].steps
    # solve follows triage and escalate, each often: a wait step for each way in
    assert steps["solve_wait_after_triage"].type == "wait"
    assert steps["solve_wait_after_escalate"].type == "wait"
    assert steps["solve"].type == "task"
    assert steps["escalate"].next == "solve_wait_after_escalate"
    assert cxsim.run(model, replications=1, jobs=1).replications


def test_each_wait_step_draws_the_gaps_seen_after_its_previous_activity(
    simulated: Path, tmp_path: Path
) -> None:
    log = read_log(completions_only(simulated, tmp_path))
    fitted = fit_scenario(log, "gaps", "completed.csv")
    gaps: dict[str, list[float]] = {"triage": [], "escalate": []}
    for activities in log.cases().values():
        for before, here in pairwise(activities):
            if here.activity == "solve":
                gaps[before.activity].append((here.end - before.end).total_seconds() / 60)
    for previous, observed in gaps.items():
        waits = fitted.waits[f"solve_wait_after_{previous}"]
        assert len(waits) == len(observed)
        # each wait is its gap less one and the same work time, and never below zero
        work = {round(g - w, 6) for g, w in zip(observed, waits, strict=True) if w > 0}
        assert len(work) == 1
        shortest = work.pop()
        assert all(w == 0 for g, w in zip(observed, waits, strict=True) if g <= shortest)
        assert min(waits) >= 0


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        (
            "who,what,when\n1,a,2024-01-01T08:00\n",
            [],
            "expected a case column (name it with --case-id); found: who, what, when",
        ),
        ("case_id,activity,timestamp\n1,a,yesterday\n", [], ":2: timestamp: expected a date"),
        ("case_id,activity,timestamp\n", [], "expected at least one completed activity"),
        (
            "case_id,activity,timestamp\n1,a,2024-01-01\n",
            ["--resource", "who"],
            "--resource 'who': no such column; found: case_id, activity, timestamp",
        ),
    ],
)
def test_bad_logs_are_one_line_each(
    tmp_path: Path, text: str, options: list[str], expected: str
) -> None:
    path = tmp_path / "log.csv"
    path.write_text(textwrap.dedent(text))
    result = CliRunner().invoke(main, ["fit", str(path), "-o", str(tmp_path / "x.yml"), *options])
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.yml").exists()
