"""JUnit XML stays well-formed whatever the names, assertions and paths in it hold."""

from __future__ import annotations

import dataclasses
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxsim import run
from cxsim.check import check
from cxsim.cli import main
from cxsim.junit import junit_xml, xml_safe
from cxsim.output import to_json
from cxsim.scenario import parse_scenario
from tests.helpers import small_queue

TEAM = "ph\x1bone\x01"
"""A team name with an escape and a U+0001, as a YAML double-quoted key allows."""
QUEUE = (
    small_queue(replications=2, seed=3)
    .replace("  phone:", '  "ph\\x1bone\\x01":')
    .replace("team: phone", 'team: "ph\\x1bone\\x01"')
    + 'assertions:\n  - "teams.ph\\x1bone\\x01.asa < 1h"\n  - "handoffs < 1"\n'
)
SHORT = ("horizon=1h", "warmup=10min")
FORBIDDEN = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\ud800", "\udcff", "\ufffe"]


def test_every_character_xml_cannot_hold_is_escaped_and_the_rest_kept() -> None:
    everything = "".join(chr(code) for code in range(0x110000))
    root = ET.Element("case", name=everything)
    root.text = everything
    document = xml_safe(ET.tostring(root, encoding="unicode"))
    parsed = ET.fromstring(document.encode("utf-8"))  # encodes: no lone surrogate is left
    assert parsed.get("name") == xml_safe(everything)
    assert parsed.text == xml_safe(everything).replace("\r", "\n")  # XML reads CR as LF
    kept = "\t\n\r" + "".join(chr(code) for code in range(0x20, 0x7F)) + "é€😀\ue000\ufffd"
    assert xml_safe(kept) == kept
    escaped = {c: xml_safe(c) for c in FORBIDDEN}
    assert escaped["\x01"] == "\\x01" and escaped["\x1b"] == "\\x1b"
    assert escaped["\ud800"] == "\\ud800" and escaped["\ufffe"] == "\\ufffe"
    assert xml_safe("\x85\x9f") == "\\x85\\x9f"  # C1 controls: allowed, but unreadable


def test_names_assertions_and_baseline_path_with_control_characters_parse(
    tmp_path: Path,
) -> None:
    model = parse_scenario(QUEUE, "queue.yml", SHORT)
    assert list(model.teams) == [TEAM]
    results = run(model, jobs=1)
    baseline = tmp_path / "summary.json"
    baseline.write_text(to_json(results.summary()))
    report = check(results, baseline=baseline)
    # whatever a scenario's name may hold one day, the writer must not depend on its checks
    odd_name = "queue\x01\x0b\x1b\ud800"
    report.results = dataclasses.replace(
        results, scenario=results.scenario.model_copy(update={"name": odd_name})
    )
    report.baseline = "base\x01\udcff.json"
    root = ET.fromstring(junit_xml(report).encode("utf-8"))
    (suite,) = root.iter("testsuite")
    assert suite.get("name") == "queue\\x01\\x0b\\x1b\\ud800"
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["baseline"] == "base\\x01\\udcff.json"
    names = [case.get("name") for case in suite.iter("testcase")]
    assert names[:2] == ["teams.ph\\x1bone\\x01.asa < 1h", "handoffs < 1"]
    assert "no regression: teams.ph\\x1bone\\x01.asa" in names
    assert {case.get("classname") for case in suite.iter("testcase")} == {
        "queue\\x01\\x0b\\x1b\\ud800",
        "queue\\x01\\x0b\\x1b\\ud800.baseline",
    }


def test_check_writes_parsable_junit_for_a_baseline_path_that_is_not_utf8(
    tmp_path: Path,
) -> None:
    scenario = tmp_path / "queue.yml"
    scenario.write_text(QUEUE)
    first = ["--jobs", "1", "--set", SHORT[0], "--set", SHORT[1]]
    made = CliRunner().invoke(main, ["run", str(scenario), *first, "--json", "--no-plots"])
    assert made.exit_code == 0, made.output
    try:
        odd = Path(os.fsdecode(bytes(tmp_path) + b"/base\x01\xff.json"))
        odd.write_text(json.dumps(json.loads(made.stdout)))
    except (OSError, UnicodeError):
        pytest.skip("this file system takes no such file name")
    junit = tmp_path / "junit.xml"
    args = [*first, "--out", str(tmp_path / "results"), "--junit", str(junit)]
    result = CliRunner().invoke(main, ["check", str(scenario), *args, "--baseline", str(odd)])
    assert result.exit_code == 0, result.output
    assert "baseline " + str(tmp_path) + "/base\\x01\\udcff.json · tolerance" in result.stdout
    (suite,) = ET.parse(junit).getroot().iter("testsuite")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["baseline"].endswith("/base\\x01\\udcff.json")
    first_case = next(suite.iter("testcase"))
    assert first_case.get("name") == "teams.ph\\x1bone\\x01.asa < 1h"
