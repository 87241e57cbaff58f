"""`cxsim compare`: common random numbers, paired differences, verdicts where truth is known."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxsim.cli import main
from cxsim.compare import compare, default_min_effect, parse_min_effect, verdict
from cxsim.metrics import CASE_METRICS, TEAM_METRICS, Metric
from cxsim.scenario import load_scenario

MMC = Path(__file__).parent.parent / "scenarios" / "mmc_queue.yml"
SHORT = ("horizon=3h", "warmup=20min")
QUICK = ["-r", "8", "--jobs", "1"]


@pytest.fixture(autouse=True)
def results_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`cxsim compare` writes its folder under ./results: keep it out of the working tree."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def short(tmp_path: Path) -> Path:
    """mmc_queue.yml with a 3 h horizon: `--set` on compare changes the variant only."""
    path = tmp_path / "short.yml"
    text = (
        MMC.read_text().replace("horizon: 2d", "horizon: 3h").replace("warmup: 2h", "warmup: 20min")
    )
    path.write_text(text.replace("name: mmc-queue", "name: short"))
    return path


LOWER = Metric("x", "time", "lower", "")
HIGHER = Metric("x", "rate", "higher", "")
NEITHER = Metric("x", "rate", "neither", "")


def test_verdict_follows_the_metric_direction_and_the_interval() -> None:
    assert verdict(LOWER, -3.0, -1.0) == "better"
    assert verdict(LOWER, 1.0, 3.0) == "worse"
    assert verdict(HIGHER, 1.0, 3.0) == "better"
    assert verdict(HIGHER, -3.0, -1.0) == "worse"
    assert verdict(LOWER, -1.0, 1.0) == "no detectable difference"
    assert verdict(HIGHER, 0.0, 0.0) == "no detectable difference"
    assert verdict(LOWER, None, None) == "no detectable difference"
    assert verdict(NEITHER, 1.0, 3.0) == "no verdict"


def test_identical_variant_differs_by_exactly_zero_on_every_metric() -> None:
    base = load_scenario(MMC, SHORT)
    same = load_scenario(MMC, SHORT)
    comparison = compare(base, same, replications=3, jobs=1)
    expected = len(CASE_METRICS) + len(TEAM_METRICS) * len(base.teams)
    assert len(comparison.differences) == expected
    for item in comparison.differences:
        if item.base is None:  # not measured here (no field visits in a queue): nothing to pair
            assert (item.variant, item.pairs, item.difference) == (None, 0, None), item.key
            continue
        assert item.pairs == 3, item.key  # every measured metric, in every replication
        assert item.difference == 0.0, item.key
        assert item.ci95 == (0.0, 0.0), item.key
        assert item.verdict == "negligible", item.key  # within any min effect, even 0
    # not a trivial zero: the metrics themselves vary between replications
    asa = [r.teams["agents"]["asa"] for r in comparison.base.replications]
    assert len(set(asa)) == 3


def test_more_agents_on_an_overloaded_queue_is_better_on_asa() -> None:
    base = load_scenario(MMC, (*SHORT, "teams.agents.size=9"))  # 9 erlangs on 9 agents
    variant = load_scenario(MMC, (*SHORT, "teams.agents.size=12"))
    comparison = compare(base, variant, replications=8, jobs=1)
    found = {item.key: item for item in comparison.differences}
    asa = found["teams.agents.asa"]
    assert asa.verdict == "better"
    assert asa.difference is not None and asa.ci95[1] is not None and asa.ci95[1] < 0
    assert asa.variant is not None and asa.base is not None and asa.variant < asa.base
    assert found["teams.agents.service_level"].verdict == "better"
    assert found["teams.agents.occupancy"].verdict == "no verdict"
    # the arrivals are the same draws in both runs: the same cases were counted
    assert found["cases"].difference == 0.0


def test_common_random_numbers_make_the_paired_interval_narrower() -> None:
    base = load_scenario(MMC, (*SHORT, "teams.agents.size=10"))
    variant = load_scenario(MMC, (*SHORT, "teams.agents.size=11"))
    paired = compare(base, variant, replications=5, jobs=1)
    asa = next(d for d in paired.differences if d.key == "teams.agents.asa")
    base_values = [r.teams["agents"]["asa"] for r in paired.base.replications]
    variant_values = [r.teams["agents"]["asa"] for r in paired.variant.replications]
    differences = [v - b for b, v in zip(base_values, variant_values, strict=True)]
    spread = max(differences) - min(differences)
    unpaired_spread = (
        max(base_values) - min(base_values) + max(variant_values) - min(variant_values)
    )
    assert spread < unpaired_spread
    assert asa.verdict == "better"


def test_compare_json_through_the_command_line(short: Path) -> None:
    args = ["compare", str(short), *QUICK, "--set", "teams.agents.size=9", "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["seed"] == 7 and data["replications"] == 8
    assert data["variant"]["overrides"] == ["teams.agents.size=9"]
    assert data["base"]["overrides"] == []
    asa = data["teams"]["agents"]["asa"]
    assert asa["verdict"] == "worse"  # 9 agents instead of 10
    assert asa["difference"] > 0 and asa["ci95"][0] > 0
    verdicts = {v["verdict"] for v in data["metrics"].values()}
    assert verdicts <= {"better", "worse", "negligible", "no detectable difference", "no verdict"}
    assert data["metrics"]["resolved_rate"]["min_effect"] == 0.001
    assert data["set_both"] == [] and data["min_effect"] == {}


def test_compare_without_a_change_prints_negligible_differences(short: Path) -> None:
    result = CliRunner().invoke(main, ["compare", str(short), *QUICK])
    assert result.exit_code == 0, result.output
    assert "negligible: the whole 95 % interval of the difference within ± the min effect" in (
        result.stdout
    )
    rows = [line for line in result.stdout.splitlines() if line.startswith(("time", "  asa"))]
    assert rows and all(row.endswith("negligible") for row in rows)
    assert "better" not in result.stdout and "worse" not in result.stdout


def test_compare_two_files_uses_the_base_seed(short: Path, tmp_path: Path) -> None:
    variant = tmp_path / "bigger.yml"
    text = short.read_text().replace("size: 10", "size: 12").replace("seed: 7", "seed: 99")
    variant.write_text(text.replace("name: short", "name: bigger"))
    result = CliRunner().invoke(main, ["compare", str(short), str(variant), *QUICK, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["base"]["scenario"], data["variant"]["scenario"]) == ("short", "bigger")
    assert data["seed"] == 7
    assert data["teams"]["agents"]["asa"]["verdict"] == "better"


def test_compare_bad_input_exits_2_without_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["compare", str(MMC), "--set", "teams.agents.size=x"])
    assert result.exit_code == 2
    assert result.stderr.startswith("--set teams.agents.size=x: teams.agents.size: expected")
    missing = CliRunner().invoke(main, ["compare", str(MMC), str(tmp_path / "nope.yml")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr


TIME = Metric("x", "time", "lower", "")
NUMBER = Metric("x", "number", "lower", "")


def test_a_5_second_change_on_an_hours_long_time_is_negligible() -> None:
    four_hours = 240.0
    smallest = default_min_effect(TIME, four_hours)
    assert smallest == pytest.approx(2.4)  # 1 % of the base mean
    five_seconds = (4 / 60, 6 / 60)  # a 5 s worsening, known to ±1 s
    assert verdict(TIME, *five_seconds) == "worse"  # detectable…
    assert verdict(TIME, *five_seconds, smallest) == "negligible"  # …and not worth reporting
    assert verdict(TIME, 1.0, 3.0, smallest) == "worse"  # reaches past the min effect
    assert verdict(TIME, -3.0, 1.0, smallest) == "no detectable difference"
    assert verdict(NEITHER, -0.0005, 0.0005, 0.001) == "negligible"
    assert default_min_effect(TIME, 0.5) == pytest.approx(1 / 60)  # at least 1 s
    assert default_min_effect(HIGHER, 0.9) == 0.001  # rates: 0.1 percentage points
    assert default_min_effect(NUMBER, -2.0) == pytest.approx(0.02)
    assert default_min_effect(NUMBER, None) is None


def test_min_effect_reads_metric_and_value_like_an_assertion() -> None:
    teams = ["agents", "back_office"]
    assert parse_min_effect("asa=10s", teams) == ("teams.*.asa", pytest.approx(10 / 60))
    assert parse_min_effect("teams.agents.asa = 1min", teams) == ("teams.agents.asa", 1.0)
    assert parse_min_effect("orphan_rate=0.5%", teams) == ("orphan_rate", 0.005)
    assert parse_min_effect("resolved_rate=0.002", teams) == ("resolved_rate", 0.002)
    assert parse_min_effect("handoffs.mean=0.1", teams) == ("handoffs", 0.1)
    assert parse_min_effect("teams.agents.handled=20", teams) == ("teams.agents.handled", 20.0)
    bad = {
        "handoffs": "expected METRIC=VALUE",
        "orphan_rat=1%": "unknown metric 'orphan_rat'",
        "asx=1": "(did you mean 'asa'?)",
        "agents.asa=10s": "(did you mean 'teams.agents.asa'?)",
        "teams.agent.asa=10s": "unknown team 'agent'",
        "time_to_resolution.p90=1h": "a min effect is for a mean",
        "asa=soon": "expected a duration such as 45s",
        "orphan_rate=lots": "expected a number or a percentage",
        "handoffs=-1": "expected a min effect of 0 or more",
    }
    for text, message in bad.items():
        with pytest.raises(ValueError, match=re.escape(message)):
            parse_min_effect(text, teams)


def test_min_effect_through_the_command_line(short: Path) -> None:
    args = ["compare", str(short), *QUICK, "--set", "teams.agents.size=11", "--json"]
    chosen = ["--min-effect", "asa=10s", "--min-effect", "teams.agents.handled=20"]
    result = CliRunner().invoke(main, [*args, *chosen, "--min-effect", "orphan_rate=0.5%"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    agents = data["teams"]["agents"]
    assert agents["asa"]["min_effect"] == pytest.approx(10 / 60)
    assert agents["handled"]["min_effect"] == 20
    assert data["metrics"]["orphan_rate"]["min_effect"] == 0.005
    assert data["metrics"]["resolved_rate"]["min_effect"] == 0.001
    base_time = data["metrics"]["time_to_resolution"]["base"]
    assert data["metrics"]["time_to_resolution"]["min_effect"] == pytest.approx(
        max(0.01 * base_time, 1 / 60)
    )
    assert data["min_effect"] == {
        "teams.*.asa": pytest.approx(10 / 60),
        "teams.agents.handled": 20,
        "orphan_rate": 0.005,
    }


def test_bad_min_effects_exit_2_one_line_each() -> None:
    args = ["compare", str(MMC), "--min-effect", "orphan_rat=1%", "--min-effect", "asa=soon"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and "Traceback" not in result.output
    assert lines[0].startswith("--min-effect orphan_rat=1%: unknown metric 'orphan_rat'")
    assert lines[0].endswith("(did you mean 'orphan_rate'?)")
    assert lines[1].startswith("--min-effect asa=soon: expected a duration")


def test_set_both_changes_both_runs_and_set_only_the_variant() -> None:
    both = ["--set-both", "horizon=3h", "--set-both", "warmup=20min"]
    args = ["compare", str(MMC), *QUICK, *both, "--set", "teams.agents.size=12"]
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["set_both"] == ["horizon=3h", "warmup=20min"]
    assert data["base"]["overrides"] == ["horizon=3h", "warmup=20min"]
    assert data["variant"]["overrides"] == ["horizon=3h", "warmup=20min", "teams.agents.size=12"]
    # 9 calls a minute for 2 h 40 min in both runs, not the 2 days of the file
    cases = data["metrics"]["cases"]
    assert 1000 < cases["base"] < 2000 and cases["variant"] == cases["base"]
    assert data["teams"]["agents"]["asa"]["difference"] < 0  # only the variant got 2 more agents
    text = CliRunner().invoke(main, args)
    assert text.exit_code == 0, text.output
    head = text.stdout.splitlines()
    assert head[1] == "both: --set-both horizon=3h --set-both warmup=20min"
    assert head[2] == "variant: --set teams.agents.size=12"


def test_a_bad_set_both_value_is_named_as_such() -> None:
    result = CliRunner().invoke(main, ["compare", str(MMC), "--set-both", "horizon=soon"])
    assert result.exit_code == 2
    assert result.stderr.startswith("--set-both horizon=soon: horizon: expected a duration")
