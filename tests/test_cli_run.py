"""`cxsim run` through the command line: output shapes, files on disk, exit codes."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxsim.cli import main
from cxsim.cli.common import progress
from cxsim.output import atomic_write

MMC = Path(__file__).parent.parent / "scenarios" / "mmc_queue.yml"
QUICK = ["--set", "horizon=3h", "--set", "warmup=20min", "-r", "3", "--jobs", "1"]


def test_run_json_has_the_documented_shape_and_matches_summary_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", str(MMC), *QUICK, "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert {"scenario", "seed", "replications", "metrics", "teams"} <= summary.keys()
    assert (summary["scenario"], summary["seed"], summary["replications"]) == ("mmc-queue", 7, 3)
    ttr = summary["metrics"]["time_to_resolution"]
    assert {"mean", "ci95", "p50", "p90", "p99"} <= ttr.keys()
    assert ttr["ci95"][0] <= ttr["mean"] <= ttr["ci95"][1]
    for name in ("resolved_rate", "handoffs", "repeats", "contacts", "orphan_rate"):
        assert name in summary["metrics"]
    agents = summary["teams"]["agents"]
    for name in ("asa", "service_level", "abandonment_rate", "occupancy", "handled"):
        assert {"mean", "ci95"} <= agents[name].keys()

    (folder,) = (tmp_path / "mmc-queue").iterdir()
    assert json.loads((folder / "summary.json").read_text()) == summary
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["scenario_sha256"] == hashlib.sha256(MMC.read_bytes()).hexdigest()
    assert manifest["overrides"] == ["horizon=3h", "warmup=20min"]
    assert (manifest["seed"], manifest["replications"], manifest["complete"]) == (7, 3, True)
    assert manifest["cxsim_version"]
    rows = (folder / "replications.csv").read_text().splitlines()
    assert len(rows) == 1 + 3
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_run_prints_a_table_in_human_units(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", str(MMC), *QUICK, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "mmc-queue · 3 replications · seed 7" in result.stdout
    assert "team agents" in result.stdout
    assert re.search(r"^  asa +\d+ s ", result.stdout, re.MULTILINE)
    assert re.search(r"^  occupancy +\d+\.\d %", result.stdout, re.MULTILINE)
    assert re.search(r"^time to resolution +\d+\.\d min", result.stdout, re.MULTILINE)


def test_set_changes_the_run_and_seed_option_wins(tmp_path: Path) -> None:
    args = ["run", str(MMC), *QUICK, "--json", "--out", str(tmp_path)]
    base = json.loads(CliRunner().invoke(main, args).stdout)
    more = json.loads(CliRunner().invoke(main, [*args, "--set", "teams.agents.size=14"]).stdout)
    assert more["teams"]["agents"]["asa"]["mean"] < base["teams"]["agents"]["asa"]["mean"]
    other = json.loads(CliRunner().invoke(main, [*args, "--seed", "99"]).stdout)
    assert other["seed"] == 99 and other["metrics"] != base["metrics"]


def test_bad_override_is_bad_input_with_its_location(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["run", str(MMC), "--set", "teams.agents.size=-2", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "--set teams.agents.size=-2: teams.agents.size: "
        "expected a number greater than or equal to 0, got -2"
    )
    assert not (tmp_path / "mmc-queue").exists()


def test_missing_scenario_is_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", str(tmp_path / "nope.yml")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_schema_is_json_schema_of_the_scenario() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert {"teams", "customers", "journeys", "horizon"} <= schema["properties"].keys()
    assert set(schema["required"]) >= {"horizon", "teams", "customers", "journeys"}


def test_progress_tells_replications_rate_and_time_left_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    with progress(4, "queue") as tick:
        for _ in range(2):
            tick(None)  # type: ignore[arg-type]
    told = screen.getvalue()
    assert "queue" in told and "2/4" in told and "/min" in told and "replications" in told


def test_result_files_follow_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        atomic_write(tmp_path / "shared.json", "{}")
        os.umask(0o077)
        atomic_write(tmp_path / "private.json", "{}")
    finally:
        os.umask(previous)
    assert (tmp_path / "shared.json").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "private.json").stat().st_mode & 0o777 == 0o600
    assert not list(tmp_path.glob(".*.tmp"))
