"""`cxsim check` through the command line: exit codes, the report, JUnit XML, baselines."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cxsim import run
from cxsim.cli import main
from cxsim.measures import measure, parse_metric
from cxsim.metrics import CASE_METRICS
from cxsim.scenario import parse_scenario
from cxsim.scenario.problems import one_of
from tests.helpers import small_queue

QUEUE = small_queue(replications=4, seed=3)
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
    assert lines[0] == "queue · 4 replications · seed 3"
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
    result = check(write(tmp_path, *HOLDS, FAILS), tmp_path, "--junit", str(junit), "-r", "3")
    assert result.exit_code == 1
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "1", "0")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["seed"] == "3" and properties["replications"] == "3"
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
    # 9 agents for 9 erlangs of calls: the queue has no slack and waits pile up
    worse = ["--set", "teams.phone.size=9"]
    result = check(path, tmp_path, *worse, "--baseline", str(baseline), "--junit", str(junit))
    assert result.exit_code == 1, result.output
    assert "REGRESSION     teams.phone.asa" in result.stdout
    assert "REGRESSION     teams.phone.service_level" in result.stdout
    assert "the whole interval is above the limit" in result.stdout
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
