"""A run's report.html: self-contained, every headline metric, verdicts, warnings, worst cases."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxsim.cli import main
from cxsim.metrics import CASE_METRICS
from cxsim.report import NotARunFolder, write_report
from cxsim.table import format_value
from tests.figures import figures, run_folder, with_figures


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run folder written with --no-plots, without figures.json (as an older cxsim's)."""
    folder = run_folder(tmp_path_factory.mktemp("runs"), "--no-plots")
    (folder / "figures.json").unlink(missing_ok=True)
    return folder


def copy(folder: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(folder, tmp_path / "run"))


def test_report_writes_every_plot_and_inlines_each(plain: Path, tmp_path: Path) -> None:
    folder = with_figures(copy(plain, tmp_path))
    report = write_report(folder)
    assert report == folder / "report.html"
    names = sorted(p.name for p in (folder / "plots").iterdir())
    assert names == [
        "handoff_matrix.svg",
        "handoffs.svg",
        "orphans.svg",
        "team-agents.svg",
        "time_to_resolution.svg",
        "timeline-1.svg",
        "timeline-2.svg",
        "timeline-3.svg",
    ]
    html = report.read_text()
    assert html.count("<svg") == len(names)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # inlined charts keep their ids apart


def test_report_is_self_contained(plain: Path, tmp_path: Path) -> None:
    html = write_report(with_figures(copy(plain, tmp_path))).read_text()
    assert "http" not in html
    assert "src=" not in html
    assert "<script" not in html
    assert "<link" not in html
    assert "url(" not in html.replace("url(#", "")  # only references inside the page


def test_report_holds_the_scenario_and_every_headline_metric(plain: Path, tmp_path: Path) -> None:
    folder = copy(plain, tmp_path)
    html = write_report(folder).read_text()
    summary = json.loads((folder / "summary.json").read_text())
    assert "<h1>mmc-queue</h1>" in html
    assert "One phone queue with Poisson arrivals" in html
    for metric in CASE_METRICS:
        entry = summary["metrics"][metric.name]
        if metric.name == "cases":
            continue
        assert metric.name.replace("_", " ") in html
        assert format_value(metric, entry["mean"]) in html
        low, high = entry["ci95"]
        if low is not None:
            interval = f"{format_value(metric, low)} – {format_value(metric, high)}"
            assert interval in html
    asa = summary["teams"]["agents"]["asa"]["mean"]
    assert format_value(next(m for m in CASE_METRICS if m.kind == "time"), asa) in html


def test_a_folder_without_figures_still_gets_a_report(plain: Path, tmp_path: Path) -> None:
    folder = copy(plain, tmp_path)
    html = write_report(folder).read_text()
    assert "no figures.json" in html
    assert "<svg" not in html
    assert not (folder / "plots").exists()
    assert "only 3 replications" in html  # the warning of the summary


def test_parts_missing_from_figures_leave_their_charts_out(plain: Path, tmp_path: Path) -> None:
    data = figures(timelines=1)
    del data["handoff_matrix"], data["orphans"]
    data["teams"] = {}
    folder = with_figures(copy(plain, tmp_path), data)
    write_report(folder)
    names = sorted(p.name for p in (folder / "plots").iterdir())
    assert names == ["handoffs.svg", "time_to_resolution.svg", "timeline-1.svg"]
    html = (folder / "report.html").read_text()
    assert "The worst case (customer time to resolution)" in html
    assert "[18.1] child case" not in html and "[17.1] child case" in html


def test_worst_cases_are_told_like_a_trace(plain: Path, tmp_path: Path) -> None:
    html = write_report(with_figures(copy(plain, tmp_path))).read_text()
    assert "case 17 · segment default · journey support · replication 0" in html
    assert "agents (phone)" in html
    assert "answered  waited=2.0 min" in html
    assert "installers (messyco)" in html
    assert "customer view: resolved after 2.8 d · 3 handoffs · 1 repeat" in html


def test_verdicts_are_judged_on_the_summary_without_check_json(plain: Path, tmp_path: Path) -> None:
    folder = copy(plain, tmp_path)
    scenario = json.loads((folder / "scenario.json").read_text())
    scenario["assertions"] = ["resolved_rate >= 50%", "time_to_resolution.p90 < 1d"]
    (folder / "scenario.json").write_text(json.dumps(scenario))
    html = write_report(folder).read_text()
    assert "Judged by the summary" in html
    # three replications are too few to judge: inconclusive, as cxsim check says
    assert "INCONCLUSIVE" in html and "too few to judge" in html
    assert "NOT JUDGED" in html  # a percentile has no interval in the summary


def test_verdicts_come_from_check_json_when_there(plain: Path, tmp_path: Path) -> None:
    folder = copy(plain, tmp_path)
    check = {
        "assertions": [
            {
                "assertion": "teams.agents.asa < 1min",
                "outcome": "pass",
                "value": 0.4,
                "ci95": [0.2, 0.6],
                "threshold": 1.0,
                "reason": "the whole interval is below 1.0 min",
            }
        ]
    }
    (folder / "check.json").write_text(json.dumps(check))
    html = write_report(folder).read_text()
    assert "Judged by cxsim check" in html
    assert '<span class="pass">PASS</span>' in html
    assert "12 s – 36 s" in html


def test_a_folder_that_is_not_a_run_folder_is_told(tmp_path: Path) -> None:
    with pytest.raises(NotARunFolder, match=r"no summary\.json and no scenario\.json"):
        write_report(tmp_path)
    (tmp_path / "summary.json").write_text("{nope")
    (tmp_path / "scenario.json").write_text("{}")
    with pytest.raises(NotARunFolder, match=r"summary\.json:1:2"):
        write_report(tmp_path)


def test_cxsim_report_rebuilds_a_folder(plain: Path, tmp_path: Path) -> None:
    folder = with_figures(copy(plain, tmp_path))
    result = CliRunner().invoke(main, ["report", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(folder / "report.html")
    first = {p.name: p.read_bytes() for p in (folder / "plots").iterdir()}
    again = CliRunner().invoke(main, ["report", str(folder)])
    assert again.exit_code == 0
    assert {p.name: p.read_bytes() for p in (folder / "plots").iterdir()} == first


def test_cxsim_report_on_a_folder_that_is_not_a_run_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a run folder" in result.stderr
    assert "Traceback" not in result.output
    missing = CliRunner().invoke(main, ["report", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "not a folder" in missing.stderr


def test_cxsim_run_writes_the_report_unless_no_plots(tmp_path: Path) -> None:
    folder = run_folder(tmp_path / "with")
    assert (folder / "report.html").is_file()
    bare = run_folder(tmp_path / "without", "--no-plots")
    assert not (bare / "report.html").exists() and not (bare / "plots").exists()


def test_a_part_of_figures_that_does_not_read_costs_its_chart_only(
    plain: Path, tmp_path: Path
) -> None:
    data = figures(timelines=0)
    del data["handoffs"]["share"]
    folder = with_figures(copy(plain, tmp_path), data)
    html = write_report(folder).read_text()
    assert not (folder / "plots" / "handoffs.svg").exists()
    assert (folder / "plots" / "handoff_matrix.svg").exists()
    assert "Handoffs per case: left out, figures.json does not read as expected" in html
