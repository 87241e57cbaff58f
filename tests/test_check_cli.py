"""`cxsim check` through the command line: exit codes, the report, JUnit XML, baselines."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from scipy import stats

from cxsim import run
from cxsim.check import find_regressions
from cxsim.cli import main
from cxsim.measures import measure, parse_metric
from cxsim.metrics import CASE_METRICS, TEAM_METRICS
from cxsim.output import to_json
from cxsim.scenario import parse_scenario
from cxsim.scenario.problems import one_of
from cxsim.significance import (
    WorseTest,
    regressions,
    worse_paired,
    worse_than_mean,
    worse_welch,
)
from tests.helpers import small_queue

QUEUE = small_queue(replications=5, seed=3)
HOLDS = ["teams.phone.asa < 1h", "handoffs < 1", "time_to_resolution.p90 < 1h"]
FAILS = "teams.phone.asa > 1h"


def write(folder: Path, *assertions: str, name: str = "queue.yml") -> Path:
    path = folder / name
    lines = "".join(f"  - {line!r}\n" for line in assertions)
    path.write_text(QUEUE + ("assertions:\n" + lines if assertions else ""))
    return path


def check(path: Path, folder: Path, *args: str) -> Result:
    command = ["check", str(path), "--jobs", "1", "--out", str(folder / "results"), *args]
    return CliRunner().invoke(main, command)


def test_all_pass_exits_0_and_says_why(tmp_path: Path) -> None:
    result = check(write(tmp_path, *HOLDS), tmp_path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "queue · 5 replications · seed 3"
    passed = [line for line in lines if line.startswith("PASS")]
    assert [line.split(maxsplit=1)[1] for line in passed] == HOLDS
    assert "measured " in result.stdout and "95 % CI" in result.stdout
    assert "the whole interval is below 60.0 min" in result.stdout
    assert lines[-1] == "3 passed, 0 failed, 0 inconclusive → ok"


def test_a_failure_exits_1_and_the_run_is_still_written(tmp_path: Path) -> None:
    result = check(write(tmp_path, *HOLDS, FAILS), tmp_path)
    assert result.exit_code == 1, result.output
    assert f"FAIL           {FAILS}" in result.stdout
    assert "the whole interval is at or below 60.0 min" in result.stdout
    (folder,) = (tmp_path / "results" / "queue").iterdir()
    assert {"summary.json", "manifest.json", "check.json"} <= {p.name for p in folder.iterdir()}
    report = json.loads((folder / "check.json").read_text())
    assert [a["outcome"] for a in report["assertions"]] == ["pass", "pass", "pass", "fail"]
    assert report["ok"] is False


def test_a_threshold_at_the_measured_mean_is_inconclusive_and_strict_fails_it(
    tmp_path: Path,
) -> None:
    results = run(parse_scenario(QUEUE, "queue.yml"), jobs=1)
    asa = measure(results.replications, parse_metric("teams.phone.asa", ["phone"]))
    at_mean = f"teams.phone.asa <= {asa.value!r}"
    path = write(tmp_path, at_mean)
    result = check(path, tmp_path)
    assert result.exit_code == 0, result.output
    assert f"INCONCLUSIVE   {at_mean}" in result.stdout
    assert "straddles" in result.stdout
    strict = check(path, tmp_path, "--strict")
    assert strict.exit_code == 1
    assert "INCONCLUSIVE (strict: fails)" in strict.stdout


def test_junit_file_parses_back_with_one_case_per_assertion(tmp_path: Path) -> None:
    junit = tmp_path / "reports" / "cxsim.xml"
    result = check(write(tmp_path, *HOLDS, FAILS), tmp_path, "--junit", str(junit), "-r", "5")
    assert result.exit_code == 1
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "1", "0")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["seed"] == "3" and properties["replications"] == "5"
    assert properties["cxsim_version"]
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [*HOLDS, FAILS]
    assert {c.get("classname") for c in cases} == {"queue"}
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == [FAILS]
    message = failed[0].find("failure").get("message")  # type: ignore[union-attr]
    assert message.startswith("measured ") and "95 % CI " in message and " – " in message


def test_inconclusive_is_skipped_in_junit(tmp_path: Path) -> None:
    junit = tmp_path / "cxsim.xml"
    # 1 replication: no interval, nothing can be decided
    result = check(write(tmp_path, "handoffs < 1"), tmp_path, "-r", "1", "--junit", str(junit))
    assert result.exit_code == 0, result.output
    (case,) = ET.parse(junit).getroot().iter("testcase")
    assert case.find("skipped") is not None and case.find("failure") is None


def test_bad_input_exits_2_with_location_and_no_traceback(tmp_path: Path) -> None:
    result = check(write(tmp_path, "orphan_rat < 0.01"), tmp_path)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"{tmp_path / 'queue.yml'}:15:5: assertions.0: unknown case metric 'orphan_rat', expected "
        f"{one_of([m.name for m in CASE_METRICS])} (did you mean 'orphan_rate'?)"
    )
    assert not (tmp_path / "results").exists()
    nothing = check(write(tmp_path, name="plain.yml"), tmp_path)
    assert nothing.exit_code == 2 and "no assertions and no --baseline" in nothing.stderr
    garbage = tmp_path / "summary.json"
    garbage.write_text("{not json")
    bad = check(write(tmp_path, *HOLDS), tmp_path, "--baseline", str(garbage))
    assert bad.exit_code == 2
    assert bad.stderr.startswith(f"{garbage}:1:2: invalid JSON")


@pytest.fixture
def baseline(tmp_path: Path) -> Path:
    """summary.json of a run of the queue with 12 agents instead of 10."""
    path = write(tmp_path, name="base.yml")
    args = ["run", str(path), "--jobs", "1", "--out", str(tmp_path / "base")]
    result = CliRunner().invoke(main, [*args, "--set", "teams.phone.size=12"])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "base" / "queue").iterdir()
    return folder / "summary.json"


def test_a_worse_process_than_the_baseline_is_a_regression(tmp_path: Path, baseline: Path) -> None:
    path = write(tmp_path, *HOLDS)
    junit = tmp_path / "cxsim.xml"
    # 8 agents for 9 erlangs of calls: the queue grows all along and waits pile up
    worse = ["--set", "teams.phone.size=8"]
    result = check(path, tmp_path, *worse, "--baseline", str(baseline), "--junit", str(junit))
    assert result.exit_code == 1, result.output
    assert "REGRESSION     teams.phone.asa" in result.stdout
    assert "REGRESSION     teams.phone.service_level" in result.stdout
    assert "paired t-test p " in result.stdout and "rejected by Holm at 5 %" in result.stdout
    assert result.stdout.splitlines()[-1].endswith("regressed → FAILED")
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    regressions = [c for c in cases if c.get("classname") == "queue.baseline"]
    failed = {c.get("name") for c in regressions if c.find("failure") is not None}
    assert "no regression: teams.phone.asa" in failed
    assert "no regression: handoffs" not in failed  # no handoffs in either run
    assert len(cases) == len(HOLDS) + len(regressions)


def test_the_same_process_as_the_baseline_is_no_regression(tmp_path: Path, baseline: Path) -> None:
    path = write(tmp_path, *HOLDS)
    same = check(path, tmp_path, "--baseline", str(baseline), "--set", "teams.phone.size=12")
    assert same.exit_code == 0, same.output
    assert "REGRESSION" not in same.stdout
    assert "0 regressed → ok" in same.stdout
    # a tolerance wide enough forgives even the smaller team
    forgiving = check(path, tmp_path, "--baseline", str(baseline), "--tolerance", "100")
    assert forgiving.exit_code == 0, forgiving.output


# --- the tests behind a regression --------------------------------------------------------


def test_the_one_sided_tests_are_scipys_t_tests_shifted_by_the_margin() -> None:
    rng = np.random.default_rng(5)
    old = rng.normal(10.0, 1.0, 12)
    new = old + rng.normal(0.8, 0.5, 12)
    margin = 0.5
    # lower is better: worse means new − old > margin
    paired = stats.ttest_1samp(new - old, margin, alternative="greater").pvalue
    assert worse_paired(new, old, margin, False).p_value == pytest.approx(paired)
    welch = stats.ttest_ind(new - margin, old, equal_var=False, alternative="greater").pvalue
    assert worse_welch(new, old, margin, False).p_value == pytest.approx(welch)
    single = stats.ttest_1samp(new, 10.0 + margin, alternative="greater").pvalue
    assert worse_than_mean(new, 10.0, margin, False).p_value == pytest.approx(single)
    # higher is better: worse means old − new > margin
    flipped = stats.ttest_ind(old - margin, new, equal_var=False, alternative="greater").pvalue
    assert worse_welch(new, old, margin, True).p_value == pytest.approx(flipped)
    assert worse_paired(new, old, margin, True).p_value > 0.99  # new is higher: better
    assert worse_paired(new, old, margin, False).worsening == pytest.approx(np.mean(new - old))


def test_no_spread_is_decided_exactly_and_too_few_values_are_no_test() -> None:
    same = worse_paired([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], 0.0, False)
    assert (same.p_value, same.exact, same.samples) == (1.0, True, 3)
    shifted = worse_paired([2.0, 3.0, 4.0], [1.0, 2.0, 3.0], 0.5, False)
    assert (shifted.p_value, shifted.exact) == (0.0, True)
    assert worse_welch([0.0, 0.0], [0.0, 0.0, 0.0], 0.0, False).exact
    nan = float("nan")
    assert worse_paired([1.0, nan, 3.0], [1.0, 2.0, nan], 0.0, False).p_value is None
    assert worse_welch([1.0], [1.0, 2.0], 0.0, False).p_value is None
    assert worse_than_mean([None, 2.0], 1.0, 0.0, False).p_value is None


def test_holm_decides_over_the_tests_that_can_err() -> None:
    def tested(p: float | None, exact: bool = False) -> WorseTest:
        return WorseTest("welch", 0.0, p, 5, exact)

    # two uncertain tests: 0.01 <= 0.05/2 and then 0.04 <= 0.05/1; exact ones stay out
    found = regressions([tested(0.01), tested(0.04), tested(1.0, True), tested(None)])
    assert found == [True, True, False, False]
    # three: 0.01 <= 0.05/3, but 0.03 > 0.05/2 stops the procedure
    assert regressions([tested(0.04), tested(0.01), tested(0.03)]) == [False, True, False]
    assert regressions([tested(0.0, True)]) == [True]  # worse in every pair, with no spread


def test_run_json_keeps_the_values_of_each_replication(tmp_path: Path) -> None:
    path = write(tmp_path, name="plain.yml")
    args = ["run", str(path), "--jobs", "1", "--out", str(tmp_path / "r"), "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    kept = summary["per_replication"]
    assert kept["index"] == [0, 1, 2, 3, 4]
    assert list(kept["metrics"]) == [m.name for m in CASE_METRICS]
    assert list(kept["teams"]) == ["phone"]
    assert list(kept["teams"]["phone"]) == [m.name for m in TEAM_METRICS]
    assert all(len(values) == 5 for values in kept["metrics"].values())
    asa = kept["teams"]["phone"]["asa"]
    assert np.mean(asa) == pytest.approx(summary["teams"]["phone"]["asa"]["mean"])
    assert kept["metrics"]["truck_rolls"] == [None] * 5  # not measured: NaN is written null


def _summary(model_text: str, seed: int, *overrides: str) -> dict:
    """A baseline as `check` reads it: the summary.json of a run, through JSON."""
    model = parse_scenario(model_text, "queue.yml", overrides)
    return json.loads(to_json(run(model, seed=seed, jobs=1).summary()))


def test_an_unchanged_process_with_another_seed_rarely_raises_a_false_regression() -> None:
    """20 independent checks, each a baseline and a new run on other seeds, no tolerance.

    With a tolerance of 0 the true difference sits on H0's boundary: the hardest case.
    Holm keeps each check's chance of any false regression at 5 % at most, and distinct
    seeds make the checks independent, so the count of checks with one is at most
    Binomial(20, 0.05), which exceeds `bound` (4) with probability below 1 %.
    """
    text, short = small_queue(replications=5, seed=3), ("horizon=1h", "warmup=10min")
    model = parse_scenario(text, "queue.yml", short)
    bound = int(stats.binom.isf(0.01, 20, 0.05))
    alarms = 0
    for pair in range(20):
        baseline = _summary(text, 1000 + pair, *short)
        found = find_regressions(run(model, seed=2000 + pair, jobs=1), baseline, 0.0)
        assert {r.test for r in found} == {"welch"}
        alarms += any(r.regressed for r in found)
    assert alarms <= bound


def test_the_same_seed_gives_exactly_no_regression() -> None:
    text = small_queue(replications=4, seed=3)
    baseline = _summary(text, 3)
    found = find_regressions(run(parse_scenario(text, "queue.yml"), jobs=1), baseline, 0.0)
    measured = [r for r in found if r.p_value is not None]
    assert measured and all(r.test == "paired" for r in found)
    assert all(r.exact and r.p_value == 1.0 and not r.regressed for r in measured)


def test_one_agent_fewer_is_caught_on_the_same_seed_and_on_another() -> None:
    text = small_queue(replications=6, seed=3)
    baseline = _summary(text, 3)  # 10 agents for 9 erlangs
    fewer = parse_scenario(text, "queue.yml", ["teams.phone.size=9"])
    for seed, test in ((3, "paired"), (4, "welch")):
        found = {
            r.ref.key: r for r in find_regressions(run(fewer, seed=seed, jobs=1), baseline, 0.05)
        }
        level = found["teams.phone.service_level"]
        assert level.regressed and level.test == test, (seed, level)
        assert level.p_value is not None and level.p_value < 0.05 / len(found)


def test_check_json_gives_each_metrics_test_and_p_value(tmp_path: Path, baseline: Path) -> None:
    path = write(tmp_path, *HOLDS)
    result = check(path, tmp_path, "--baseline", str(baseline), "--set", "teams.phone.size=12")
    assert result.exit_code == 0, result.output
    assert "one-sided t-tests: paired on common random numbers (same seed 3)" in result.stdout
    (folder,) = (tmp_path / "results" / "queue").iterdir()
    stored = json.loads((folder / "check.json").read_text())["baseline"]
    assert (stored["seed"], stored["alpha"], stored["correction"]) == (3, 0.05, "holm")
    asa = stored["metrics"]["teams.phone.asa"]
    assert (asa["test"], asa["p_value"], asa["samples"], asa["regressed"]) == (
        "paired",
        1.0,
        5,
        False,
    )


def test_a_baseline_without_per_replication_values_is_tested_one_sample(
    tmp_path: Path, baseline: Path
) -> None:
    old = json.loads(baseline.read_text())
    del old["per_replication"]
    older = tmp_path / "older.json"
    older.write_text(json.dumps(old))
    path = write(tmp_path, *HOLDS)
    result = check(path, tmp_path, "--baseline", str(older), "--set", "teams.phone.size=12")
    assert result.exit_code == 0, result.output
    assert "one-sample against the baseline mean" in result.stdout
    (folder,) = (tmp_path / "results" / "queue").iterdir()
    metrics = json.loads((folder / "check.json").read_text())["baseline"]["metrics"]
    assert {m["test"] for m in metrics.values()} == {"one-sample"}
    worse = check(path, tmp_path, "--baseline", str(older), "--set", "teams.phone.size=9")
    assert worse.exit_code == 1 and "REGRESSION     teams.phone.service_level" in worse.stdout


def test_a_baseline_with_broken_per_replication_values_is_bad_input(
    tmp_path: Path, baseline: Path
) -> None:
    broken = json.loads(baseline.read_text())
    broken["per_replication"]["metrics"]["handoffs"] = [0.0]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    result = check(write(tmp_path, *HOLDS), tmp_path, "--baseline", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"{path}: per_replication.metrics.handoffs: expected a list of 5 values, one per index,"
        " got a list of 1 value"
    )
