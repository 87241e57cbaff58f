"""`cxsim compare`: common random numbers, paired differences, verdicts where truth is known."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxsim.cli import main
from cxsim.compare import compare, verdict
from cxsim.metrics import CASE_METRICS, TEAM_METRICS, Metric
from cxsim.scenario import load_scenario

MMC = Path(__file__).parent.parent / "scenarios" / "mmc_queue.yml"
SHORT = ("horizon=3h", "warmup=20min")
QUICK = ["-r", "4", "--jobs", "1"]


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
        wanted = "no verdict" if item.metric.better == "neither" else "no detectable difference"
        assert item.verdict == wanted, item.key
    # not a trivial zero: the metrics themselves vary between replications
    asa = [r.teams["agents"]["asa"] for r in comparison.base.replications]
    assert len(set(asa)) == 3


def test_more_agents_on_an_overloaded_queue_is_better_on_asa() -> None:
    base = load_scenario(MMC, (*SHORT, "teams.agents.size=9"))  # 9 erlangs on 9 agents
    variant = load_scenario(MMC, (*SHORT, "teams.agents.size=12"))
    comparison = compare(base, variant, replications=4, jobs=1)
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
    assert data["seed"] == 7 and data["replications"] == 4
    assert data["variant"]["overrides"] == ["teams.agents.size=9"]
    assert data["base"]["overrides"] == []
    asa = data["teams"]["agents"]["asa"]
    assert asa["verdict"] == "worse"  # 9 agents instead of 10
    assert asa["difference"] > 0 and asa["ci95"][0] > 0
    verdicts = {v["verdict"] for v in data["metrics"].values()}
    assert verdicts <= {"better", "worse", "no detectable difference", "no verdict"}


def test_compare_without_a_change_prints_no_difference_anywhere(short: Path) -> None:
    result = CliRunner().invoke(main, ["compare", str(short), *QUICK])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith(("time", "  asa"))]
    assert rows and all(row.endswith("no detectable difference") for row in rows)
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
