"""Warnings through the command line: on stderr, one line each, never changing the exit code."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cxsim.cli import main

MMC = Path(__file__).parent.parent / "scenarios" / "mmc_queue.yml"
QUICK = ["--set", "horizon=1h", "--set", "warmup=0", "-r", "2", "--jobs", "1"]

OVERLOADED = (
    "teams.agents.size: warning: offered load 9 people of work for 8 on duty (112 %): queues "
    "will grow without end, expected at most as much work as people on duty (from routing "
    "alone: follow-ups and failures add work, customers who give up take some away)"
)

TRAPPED = """\
name: trapped
horizon: 1d
customers: {arrivals: 1/h, journey: fix}
teams:
  desk: {size: 2}
journeys:
  fix:
    start: triage
    steps:
      triage: {type: task, team: desk, duration: 5min, outcomes: {chase: 0.5, end: 0.5}}
      chase: {type: task, team: desk, duration: 1h, next: chase}
"""


def test_validate_tells_warnings_and_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "trapped.yml"
    path.write_text(TRAPPED)
    result = CliRunner().invoke(main, ["validate", str(path), str(MMC)])
    assert result.exit_code == 0
    assert result.stdout == f"{path}: ok (1 warning)\n{MMC}: ok\n"
    assert result.stderr == (
        f"{path}:11:7: journeys.fix.steps.chase: warning: no way from step 'chase' leads to "
        "the end: a case that gets there stays open until the run stops, expected a way out "
        "(a step without next or outcomes, or an outcome end)\n"
    )


def test_validate_tells_errors_then_warnings_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "trapped.yml"
    path.write_text(TRAPPED)
    result = CliRunner().invoke(main, ["validate", str(path), "--set", "teams.desk.size=0"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert [line.split(": ")[1] for line in lines] == [
        "journeys.fix.steps.triage.team",
        "journeys.fix.steps.chase.team",
        "journeys.fix.steps.chase",
    ]
    assert [": warning: " in line for line in lines] == [False, False, True]
    assert result.stdout == ""


def test_run_tells_the_warnings_before_running(tmp_path: Path) -> None:
    args = ["run", str(MMC), *QUICK, "--set", "teams.agents.size=8", "--out", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == f"--set teams.agents.size=8: {OVERLOADED}"
    assert "mmc-queue · 2 replications" in result.stdout


def test_check_tells_the_warnings_too(tmp_path: Path) -> None:
    args = ["check", str(MMC), *QUICK, "--set", "teams.agents.size=8", "--out", str(tmp_path)]
    args += ["--set", "assertions=[resolved_rate > 0.5]"]
    result = CliRunner().invoke(main, args)
    assert result.stderr.splitlines()[0] == f"--set teams.agents.size=8: {OVERLOADED}"


def test_compare_tells_a_warning_of_both_runs_once_at_its_set_both() -> None:
    args = ["compare", str(MMC), "-r", "2", "--jobs", "1", "--set-both", "horizon=1h"]
    args += ["--set-both", "warmup=0"]
    args += ["--set-both", "teams.agents.size=8", "--set", "teams.agents.size=10"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert [line for line in result.stderr.splitlines() if ": warning: " in line] == [
        f"--set-both teams.agents.size=8: {OVERLOADED}"
    ]


def test_sweep_tells_the_warnings_of_a_point_at_its_vary(tmp_path: Path) -> None:
    args = ["sweep", str(MMC), *QUICK, "--vary", "teams.agents.size=8,10", "--out", str(tmp_path)]
    args += ["--metric", "resolved_rate"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert [line for line in result.stderr.splitlines() if ": warning: " in line] == [
        f"--vary teams.agents.size=8: {OVERLOADED}"
    ]
