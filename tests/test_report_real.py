"""The report of real runs: every chart drawn from the figures the run itself wrote.

A process unlike the shipped stories (a claim desk, a lab of another organization, a
wait nobody owns), run through `cxsim run` and read back: each chart is there, the page
holds the run's own worst cases, and a browser renders it when one is installed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxsim.cli import main
from tests.test_figures import HANDED_ON
from tests.test_report_browser import BROWSER, headless


def _run(tmp_path: Path) -> Path:
    scenario = tmp_path / "handed_on.yml"
    scenario.write_text(HANDED_ON, encoding="utf-8")
    out = tmp_path / "results"
    args = ["run", str(scenario), "-r", "3", "--jobs", "1", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    (folder,) = (out / "handed-on").iterdir()
    return folder


def test_a_real_run_draws_every_chart_from_its_own_figures(tmp_path: Path) -> None:
    folder = _run(tmp_path)
    charts = sorted(p.name for p in (folder / "plots").iterdir())
    assert charts == [
        "handoff_matrix.svg",
        "handoffs.svg",
        "orphans.svg",
        "team-desk.svg",
        "team-lab.svg",
        "time_to_resolution.svg",
        "timeline-1.svg",
        "timeline-2.svg",
        "timeline-3.svg",
    ]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == len(charts)
    assert not re.search(r"(src|href)=\"?(https?:)?//", html)
    figures = json.loads((folder / "figures.json").read_text())
    for timeline in figures["timelines"]:
        assert f"case {timeline['case']}" in html
    assert "fix.hold" in (folder / "plots" / "orphans.svg").read_text()
    lab = (folder / "plots" / "handoff_matrix.svg").read_text()
    assert "lab (vendor)" in lab and "desk" in lab


def test_a_browser_renders_the_report_of_a_real_run(tmp_path: Path) -> None:
    if BROWSER is None:
        pytest.skip("no chromium binary found")
    folder = _run(tmp_path)
    url = (folder / "report.html").resolve().as_uri()
    dom = headless("--dump-dom", url).stdout
    assert dom.count("<svg") == len(list((folder / "plots").iterdir()))
    summary = json.loads((folder / "summary.json").read_text())
    assert f"{summary['metrics']['orphan_rate']['mean'] * 100:.1f} %" in dom
    assert "The 3 worst cases" in dom
