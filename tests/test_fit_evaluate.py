"""`cxsim fit --evaluate`: the fitted scenario simulated and compared with held-out cases."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from cxsim.cli import main

HELPDESK = Path(__file__).parent.parent / "examples" / "helpdesk_events.csv"


def _split(folder: Path) -> tuple[Path, Path]:
    """The example log cut by case start: the first 80 % of cases to fit, the rest to test.

    Activities are renamed the way a ticketing system writes them (`Ask customer`), so
    the comparison must read the log in the fitted scenario's step names.
    """
    with HELPDESK.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["activity"] = row["activity"].replace("_", " ").capitalize()
    first: dict[str, str] = {}
    for row in rows:
        first.setdefault(row["case_id"], row["timestamp"])
    ordered = sorted(first, key=lambda case: first[case])
    fitting = set(ordered[: len(ordered) * 4 // 5])
    paths = folder / "train.csv", folder / "test.csv"
    for path, keep in zip(paths, (True, False), strict=True):
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(row for row in rows if (row["case_id"] in fitting) == keep)
    return paths


def test_evaluate_compares_the_fit_with_the_held_out_cases(tmp_path: Path) -> None:
    train, test = _split(tmp_path)
    fitted = tmp_path / "out" / "fitted.yml"
    fitted.parent.mkdir()
    args = ["fit", str(train), "-o", str(fitted), "--evaluate", str(test), "-r", "2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    quality = json.loads((tmp_path / "out" / "fit_quality.json").read_text())
    assert (tmp_path / "out" / "fit_durations.svg").is_file()
    held_out = quality["cases"]["real"]
    assert 150 < held_out < 250  # a fifth of 1,016 tickets
    # activities are compared under the scenario's step names: nearly the same mix
    assert set(quality["activities_per_case"]) == {
        "register",
        "triage",
        "escalate",
        "ask_customer",
        "resolve",
        "close",
    }
    assert quality["activity_frequency_distance"] < 0.1
    assert quality["ngram_distance"]["2"] < 0.1
    cycle = quality["cycle_time"]
    assert cycle["naive_emd_hours"] is not None and cycle["emd_hours"] >= 0
    assert "cycle time EMD" in result.stdout and "naive yardstick" in result.stdout


def test_without_start_times_teams_keep_no_calendar(tmp_path: Path) -> None:
    # the gaps between completions already hold the nights the teams were closed
    completions = tmp_path / "completions.csv"
    with HELPDESK.open(newline="") as source, completions.open("w", newline="") as target:
        writer = csv.writer(target)
        writer.writerow(["Case ID", "Activity", "Complete Timestamp", "Resource"])
        for row in csv.DictReader(source):
            if row["lifecycle"] == "complete":
                writer.writerow(
                    [row["case_id"], row["activity"], row["timestamp"], row["resource"]]
                )
    fitted = tmp_path / "fitted.yml"
    result = CliRunner().invoke(main, ["fit", str(completions), "-o", str(fitted)])
    assert result.exit_code == 0, result.output
    text = fitted.read_text()
    assert "\ncalendars:" not in text and "calendar:" not in text
    assert "no start times: the gaps between events hold the closed hours" in text
