"""`--set`, `--vary` and compare address list items by name: `failures.late.probability=0`.

Three customers each get one 10 min task (three people, no queue); a failure `late`
delays it by an hour. Its probability, set by name, moves every time to resolution by
exactly that hour.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxsim.cli import main
from cxsim.scenario import ScenarioError, parse_scenario

TASK = """\
name: task
horizon: 1d
replications: 2
seed: 3
customers:
  arrivals: {cohort: 3}
  journey: order
  segments:
    - {name: young, share: 0.5}
    - {name: elderly, share: 0.5}
teams:
  office: {size: 3}
journeys:
  order:
    start: work
    steps:
      work: {type: task, team: office, duration: 10min}
failures:
  - {name: typo, at: work, probability: 0, effect: lose_context}
  - {name: late, at: work, probability: 0, effect: {delay: 1h}}
"""


@pytest.fixture
def task(tmp_path: Path) -> Path:
    path = tmp_path / "task.yml"
    path.write_text(TASK)
    return path


def problems(*overrides: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(TASK, "task.yml", overrides)
    return [str(p) for p in caught.value.problems]


def test_a_path_part_names_the_list_item_with_that_name() -> None:
    model = parse_scenario(
        TASK,
        "task.yml",
        [
            "failures.late.probability=0.25",
            "customers.segments.elderly.share=0.3",
            "customers.segments.0.share=0.7",  # indexes keep working
            "failures.typo={name: typo, at: work, probability: 1, effect: skip}",
        ],
    )
    assert [f.probability for f in model.failures] == [1, 0.25]
    assert model.failures[0].effect == "skip"
    assert [s.share for s in model.customers.segments] == [0.7, 0.3]


def test_an_unknown_name_is_a_problem_at_the_set_with_a_suggestion() -> None:
    assert problems("failures.lat.probability=1") == [
        "--set failures.lat.probability=1: failures.lat: expected a list index below 2 or the "
        "name of an item ('typo' or 'late'), got 'lat' (did you mean 'late'?)"
    ]
    assert problems("failures.5.probability=1") == [
        "--set failures.5.probability=1: failures.5: expected a list index below 2, got '5'"
    ]
    # a bad value set by name is located at the --set, at the item's place in the list
    assert problems("failures.late.probability=2") == [
        "--set failures.late.probability=2: failures.1.probability: "
        "expected a number less than or equal to 1, got 2"
    ]


def test_run_set_by_failure_name(task: Path, tmp_path: Path) -> None:
    args = ["run", str(task), "--jobs", "1", "--json", "--out", str(tmp_path / "out")]
    base = json.loads(CliRunner().invoke(main, args).stdout)
    result = CliRunner().invoke(main, [*args, "--set", "failures.late.probability=1"])
    assert result.exit_code == 0, result.output
    late = json.loads(result.stdout)
    assert base["metrics"]["time_to_resolution"]["mean"] == 10
    assert late["metrics"]["time_to_resolution"]["mean"] == 70
    assert late["failures"]["late"]["mean"] == 1  # once per case
    assert late["failures"]["typo"]["mean"] == 0


def test_sweep_varies_a_failure_by_name(task: Path, tmp_path: Path) -> None:
    args = ["sweep", str(task), "--vary", "failures.late.probability=0,1", "--jobs", "1"]
    metric = ["--metric", "time_to_resolution", "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, [*args, *metric])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "out" / "task").iterdir()
    rows = list(csv.DictReader((folder / "sweep.csv").open()))
    assert [row["failures.late.probability"] for row in rows] == ["0", "1"]
    assert [float(row["time_to_resolution"]) for row in rows] == [10, 70]
    bad = CliRunner().invoke(main, ["sweep", str(task), "--vary", "failures.lte.probability=0,1"])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("--vary failures.lte.probability=0: failures.lte: expected")
    assert "(did you mean 'late'?)" in bad.stderr


def test_compare_sets_a_failure_by_name(task: Path) -> None:
    args = ["compare", str(task), "--jobs", "1", "--json"]
    result = CliRunner().invoke(
        main,
        [
            *args,
            "--set-both",
            "failures.typo.probability=1",
            "--set",
            "failures.late.probability=1",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["metrics"]["time_to_resolution"]["difference"] == 60
    assert data["variant"]["overrides"] == [
        "failures.typo.probability=1",
        "failures.late.probability=1",
    ]
