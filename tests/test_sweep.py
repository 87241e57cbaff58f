"""`cxsim sweep`: the grid, the table, and the CSV, charts, report and manifest it writes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from cxsim.cli import main
from cxsim.sweep import split_values, sweep
from tests.helpers import small_queue

QUEUE = small_queue(replications=2, seed=5)


def write(folder: Path) -> Path:
    path = folder / "queue.yml"
    path.write_text(QUEUE)
    return path


def test_values_split_at_commas_outside_brackets_and_quotes() -> None:
    assert split_values("9, 10,12") == ["9", "10", "12"]
    assert split_values("1min,{exponential: {mean: 2min}},[a, b],'x,y'") == [
        "1min",
        "{exponential: {mean: 2min}}",
        "[a, b]",
        "'x,y'",
    ]


def test_sweep_writes_csv_plots_and_manifest(tmp_path: Path) -> None:
    args = ["sweep", str(write(tmp_path)), "--vary", "teams.phone.size=9,10,12", "--jobs", "1"]
    metrics = ["--metric", "teams.phone.asa", "--metric", "time_to_resolution.p90"]
    result = CliRunner().invoke(main, [*args, *metrics, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "queue · 3 points · 2 replications each · seed 5 · mean (95 % CI)"
    assert lines[2].split() == ["teams.phone.size", "teams.phone.asa", "time_to_resolution.p90"]
    assert [line.split()[0] for line in lines[3:]] == ["9", "10", "12"]

    (folder,) = (tmp_path / "out" / "queue").iterdir()
    names = {p.name for p in folder.iterdir()}
    assert names == {
        "sweep.csv",
        "manifest.json",
        "teams.phone.asa.svg",
        "time_to_resolution.p90.svg",
        "report.html",
    }  # nothing half-written left behind
    for name in ("teams.phone.asa.svg", "time_to_resolution.p90.svg"):
        svg = (folder / name).read_text()
        assert svg.startswith("<?xml") and "</svg>" in svg
    assert "teams.phone.asa (minutes)" in (folder / "teams.phone.asa.svg").read_text()
    report = (folder / "report.html").read_text()
    assert report.count("<svg") == 2 and "teams.phone.size" in report
    rows = list(csv.DictReader((folder / "sweep.csv").open()))
    assert [row["teams.phone.size"] for row in rows] == ["9", "10", "12"]
    asa = [float(row["teams.phone.asa"]) for row in rows]
    assert asa[0] > asa[1] > asa[2] > 0  # 9 agents for 9 erlangs wait longest
    for row in rows:
        low, mean, high = (
            float(row[f"teams.phone.asa{suffix}"]) for suffix in (".ci95_low", "", ".ci95_high")
        )
        assert low <= mean <= high
        assert row["replications"] == "2"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["vary"] == ["teams.phone.size=9,10,12"]
    assert (manifest["seed"], manifest["replications"], manifest["points"]) == (5, 2, 3)
    assert manifest["complete"] is True


def test_several_varies_span_the_cartesian_product(tmp_path: Path) -> None:
    result = sweep(
        write(tmp_path),
        ["teams.phone.size=10,12", "customers.arrivals=6/min,9/min"],
        ["teams.phone.occupancy"],
        replications=2,
        jobs=1,
    )
    assert [p.values for p in result.points] == [
        (10, "6/min"),
        (10, "9/min"),
        (12, "6/min"),
        (12, "9/min"),
    ]
    occupancy = [p.measurements["teams.phone.occupancy"].value for p in result.points]
    assert all(value is not None for value in occupancy)
    # busier with more calls, less busy with more agents
    assert occupancy[1] > occupancy[0] and occupancy[3] > occupancy[2]  # type: ignore[operator]
    assert occupancy[2] < occupancy[0]  # type: ignore[operator]


def test_every_point_runs_on_the_same_seeds(tmp_path: Path) -> None:
    result = sweep(write(tmp_path), ["teams.phone.size=10,10"], ["cases"], jobs=1)
    first, second = result.points
    assert first.measurements == second.measurements
    assert [r.metrics for r in first.replications] == [r.metrics for r in second.replications]


def test_bad_values_and_metric_names_are_bad_input(tmp_path: Path) -> None:
    path = write(tmp_path)
    out = ["--out", str(tmp_path / "out")]
    bad_value = CliRunner().invoke(
        main, ["sweep", str(path), "--vary", "teams.phone.size=10,-1", *out]
    )
    assert bad_value.exit_code == 2
    assert bad_value.stderr.strip() == (
        "--vary teams.phone.size=-1: teams.phone.size: "
        "expected a number greater than or equal to 0, got -1"
    )
    bad_metric = CliRunner().invoke(
        main,
        ["sweep", str(path), "--vary", "teams.phone.size=10", "--metric", "teams.phone.ass", *out],
    )
    assert bad_metric.exit_code == 2
    assert bad_metric.stderr.startswith("--metric teams.phone.ass: unknown team metric 'ass'")
    assert "(did you mean 'asa'?)" in bad_metric.stderr
    no_values = CliRunner().invoke(main, ["sweep", str(path), "--vary", "teams.phone.size", *out])
    assert no_values.exit_code == 2
    assert "expected PATH=v1,v2,…" in no_values.stderr
    assert not (tmp_path / "out").exists()
