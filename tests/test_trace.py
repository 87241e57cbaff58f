"""`cxsim trace`: one case told as a timeline."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cxsim.cli import main
from cxsim.scenario.weekly import clock

STORY = """\
name: story
horizon: 30d
organizations: {operator: {}, messyco: {kind: subcontractor}}
customers: {arrivals: {cohort: 2}, journey: install}
teams:
  store: {size: 1, org: operator}
  installers: {size: 1, org: messyco}
  relations: {size: 1, org: operator}
journeys:
  install:
    start: sale
    steps:
      sale: {type: task, team: store, duration: 30min, next: visit}
      visit: {type: task, team: installers, duration: 2h}
  water_damage:
    start: report
    steps:
      report: {type: task, team: relations, duration: 1h}
failures:
  - {name: drilled_pipe, at: visit, probability: 1,
     effect: {spawn: {journey: water_damage, reported: 0}}}
policies: {watchdog: {after: 14d, team: relations}}
"""


def test_clock_reads_days_weekdays_and_hours() -> None:
    assert clock(0) == "day   0 Mon 00:00"
    assert clock(1440 * 8 + 14 * 60 + 5) == "day   8 Tue 14:05"
    assert clock(1440 * 8 + 14 * 60 + 5, weekday=5) == "day   8 Sun 14:05"  # from a Saturday


def test_trace_tells_the_worst_case_with_its_child(tmp_path: Path) -> None:
    path = tmp_path / "story.yml"
    path.write_text(STORY)
    result = CliRunner().invoke(main, ["trace", str(path)])  # worst time to resolution
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # the second customer waits for the one installer, so its leak is found last
    assert lines[0] == "case 2 · segment default · journey install · seed 0, replication 0"
    assert any("installers (messyco)" in line and "task queued" in line for line in lines)
    assert any(line.startswith("day   0 Mon 04:30") and "[2.1] let go" in line for line in lines)
    assert any(line.startswith("day  14 Mon 04:30") and "[2.1] revived" in line for line in lines)
    assert lines[-1] == (
        "end: customer view: resolved after 14.2 d · process view: resolved after 4.5 h"
        " · 1 handoffs · 0 repeats · 0 contacts · orphaned 14.0 d"
    )


def test_trace_of_a_given_case_and_bad_choices(tmp_path: Path) -> None:
    path = tmp_path / "story.yml"
    path.write_text(STORY)
    runner = CliRunner()
    first = runner.invoke(main, ["trace", str(path), "--case", "1"])
    assert first.exit_code == 0 and first.stdout.startswith("case 1 ·")
    missing = runner.invoke(main, ["trace", str(path), "--case", "9"])
    assert missing.exit_code == 2
    assert "expected a counted case number between 1 and 2, got 9" in missing.stderr
    typo = runner.invoke(main, ["trace", str(path), "--worst", "handofs"])
    assert typo.exit_code == 2 and "(did you mean 'handoffs'?)" in typo.stderr
    both = runner.invoke(main, ["trace", str(path), "--case", "1", "--worst", "handoffs"])
    assert both.exit_code == 2
