"""`cxsim fit --evaluate`: the fitted scenario simulated and compared with held-out cases."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxsim.cli import main
from cxsim.fit.log import Activity, Log

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
    assert (tmp_path / "fitted.waits.csv").is_file()
    assert "fitted.waits.csv" in text
    assert "observed waits:" in result.stderr


def test_holdout_fits_the_earlier_cases_and_evaluates_on_the_later_ones(tmp_path: Path) -> None:
    train, test = _split(tmp_path)
    whole = tmp_path / "whole.csv"
    whole.write_text(train.read_text() + "".join(test.read_text().splitlines(True)[1:]))
    fitted = tmp_path / "out" / "fitted.yml"
    args = ["fit", str(whole), "-o", str(fitted), "--holdout", "0.2", "-r", "1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "fitting 813 cases, holding out 203" in result.stderr
    quality = json.loads((tmp_path / "out" / "fit_quality.json").read_text())
    assert quality["cases"]["real"] == 203


def test_holdout_and_evaluate_together_are_refused(tmp_path: Path) -> None:
    args = ["fit", str(HELPDESK), "-o", str(tmp_path / "x.yml"), "--holdout", "0.2"]
    result = CliRunner().invoke(main, [*args, "--evaluate", str(HELPDESK)])
    assert result.exit_code == 2
    assert "not both" in result.stderr
    assert not (tmp_path / "x.yml").exists()


def test_split_keeps_whole_cases_in_the_order_they_began() -> None:
    start = datetime(2024, 1, 1)
    log = Log.of(
        Activity(str(case), "a", start + timedelta(hours=10 - case + step))
        for case in range(10)
        for step in range(2)
    )
    earlier, later = log.split(0.3)
    assert {a.case for a in later.activities} == {"0", "1", "2"}  # the last to begin
    assert len(earlier.activities) == 14 and len(later.activities) == 6
    with pytest.raises(ValueError, match="between 0 and 1"):
        log.split(1.0)
