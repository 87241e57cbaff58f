"""The report's charts: what each draws, in which units, and the same SVG bytes every time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from cxsim.report.charts import DAYS, HOURS, MINUTES, SECONDS, svg_bytes, time_unit, write_svg
from cxsim.report.differences import differences_chart
from cxsim.report.handoffs import handoff_matrix_chart, handoffs_chart, holder_label
from cxsim.report.orphans import orphans_chart
from cxsim.report.resolution import Target, resolution_chart, resolution_targets, share_within
from cxsim.report.teams import team_chart
from cxsim.report.timeline import rows, timeline_chart
from tests.figures import curve, figures, timeline

DATA = figures()


def texts(svg: bytes) -> list[str]:
    """Every text an SVG chart shows."""
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode("utf-8"))


def test_time_unit_is_the_one_the_largest_value_reads_best_in() -> None:
    assert time_unit([0.2, 0.5]) is SECONDS
    assert time_unit([3.0, 90.0]) is MINUTES
    assert time_unit([3.0, 600.0, None]) is HOURS
    assert time_unit([5000.0, float("inf")]) is DAYS
    assert time_unit([]) is MINUTES


def test_resolution_chart_draws_both_views_and_the_target_with_its_share() -> None:
    target = Target("time_to_resolution.p90 < 1d", "customer", 1440.0)
    figure = resolution_chart(DATA["time_to_resolution"], [target])
    (axes,) = figure.axes
    labels = [line.get_label() for line in axes.get_lines()]
    assert labels[:2] == ["customer view", "process view"]
    assert len(axes.get_lines()) == 3  # two curves and the target line
    assert axes.get_xlabel() == "time since first contact (days)"
    assert axes.get_ylabel() == "cases resolved (% of all cases)"
    assert (
        "10% gave up" in axes.get_title() and "5% open at the longest time seen" in axes.get_title()
    )
    # the customer curve is at 70 % from 600 min until 3000 min: 70 % within a day
    shown = texts(svg_bytes(figure))
    assert "70% of cases within 24.0 h" in " ".join(shown)
    assert axes.get_lines()[2].get_xdata()[0] == pytest.approx(1.0)  # 1440 min in days


def test_share_within_reads_the_curve_as_a_step() -> None:
    steps = curve([(10.0, 0.2), (100.0, 0.5)])
    assert share_within(steps, 5.0) == 0.0
    assert share_within(steps, 10.0) == 0.2
    assert share_within(steps, 99.0) == 0.2
    assert share_within(steps, 1000.0) == 0.5


def test_targets_come_from_assertions_on_either_time_to_resolution() -> None:
    scenario = {
        "teams": {"agents": {}},
        "customers": {},
        "assertions": [
            "time_to_resolution.p90 < 1d",
            "process_time_to_resolution <= 2h",
            "teams.agents.asa < 30s",
            "orphan_rate < 1%",
        ],
    }
    assert resolution_targets(scenario) == [
        Target("time_to_resolution.p90 < 1d", "customer", 1440.0),
        Target("process_time_to_resolution <= 2h", "process", 120.0),
    ]


def test_handoffs_chart_has_a_bar_per_count_the_last_one_open_ended() -> None:
    (axes,) = handoffs_chart(DATA["handoffs"]).axes
    assert len(axes.patches) == 4
    assert [t.get_text() for t in axes.get_xticklabels()] == ["0", "1", "2", "3+"]
    assert [p.get_height() for p in axes.patches] == [0.4, 0.3, 0.2, 0.1]
    assert axes.get_ylabel() == "cases (% of all cases)"


def test_handoff_matrix_marks_organizations_and_counts_each_pair() -> None:
    figure = handoff_matrix_chart(DATA["handoff_matrix"], DATA["holders"])
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_yticklabels()] == [
        "agents",
        "backoffice",
        "messyco (org)",
    ]
    assert sorted(t.get_text() for t in axes.texts) == ["12", "3.0", "80", "9.0"]
    assert axes.get_xlabel() == "to (took the case)"
    assert holder_label("installers", {"installers": {"org": "messyco", "kind": "team"}}) == (
        "installers (messyco)"
    )


def test_orphans_chart_tells_how_many_how_long_and_after_which_step() -> None:
    figure = orphans_chart(DATA["orphans"])
    left, right = figure.axes
    assert figure.get_suptitle() == "Orphaned cases: 12.0% of cases, 23 per replication"
    assert left.get_xlabel() == "time orphaned (days)"
    assert [t.get_text() for t in right.get_yticklabels()] == ["support.visit", "support.call"]
    assert len(right.patches) == 2
    assert right.get_xlabel() == "orphaned cases per replication"


def test_team_chart_has_168_hours_of_asa_and_occupancy() -> None:
    figure = team_chart("agents", DATA["teams"]["agents"])
    upper, lower = figure.axes
    assert len(upper.get_lines()[0].get_xdata()) == 168
    assert upper.get_ylabel() == "ASA (seconds)"  # 0.5 min reads best in seconds
    assert lower.get_ylabel() == "occupancy (%)"
    days = [t.get_text() for t in lower.get_xticklabels(minor=True)]
    assert days == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert len(upper.patches) == 1  # the closed hours of Monday night, shaded


def test_timeline_lanes_follow_the_service_blueprint() -> None:
    case = timeline()
    assert rows(case["events"]) == [
        ("customer", ""),
        ("front", "agents"),
        ("back", "backoffice"),
        ("partner", "installers"),
    ]
    (axes,) = timeline_chart(case).axes
    labels = [t.get_text() for t in axes.get_yticklabels()]
    assert labels == [
        "customer",
        "front stage · agents",
        "back stage · backoffice",
        "partners · installers",
    ]
    assert len(axes.collections) == len(case["events"])  # one marker per event
    assert axes.get_xlabel() == "time since the case arrived (days)"


COMPARISON = {
    "base": {"scenario": "base", "overrides": [], "replications": 5},
    "variant": {"scenario": "variant", "overrides": [], "replications": 5},
    "metrics": {
        "time_to_resolution": {"difference": -200.0, "ci95": [-300.0, -100.0], "verdict": "better"},
        "resolved_rate": {
            "difference": 0.02,
            "ci95": [-0.01, 0.05],
            "verdict": "no detectable difference",
        },
        "handoffs": {"difference": 0.5, "ci95": [0.2, 0.8], "verdict": "worse"},
        "cases": {"difference": 3.0, "ci95": [1.0, 5.0], "verdict": "no verdict"},
    },
    "teams": {"agents": {"asa": {"difference": 0.5, "ci95": [0.1, 0.9], "verdict": "worse"}}},
}


def test_differences_chart_has_a_panel_per_kind_in_its_unit() -> None:
    figure = differences_chart(COMPARISON)
    times, rates, numbers = figure.axes
    assert [t.get_text() for t in times.get_yticklabels()] == ["time to resolution", "agents: asa"]
    assert times.get_xlabel() == "variant − base (hours)"
    assert rates.get_xlabel() == "variant − base (percentage points)"
    assert numbers.get_xlabel() == "variant − base (per case)"
    assert [t.get_text() for t in numbers.get_yticklabels()] == ["handoffs"]  # not cases


def _every_chart() -> list[Figure]:
    return [
        resolution_chart(DATA["time_to_resolution"], [Target("t", "customer", 100.0)]),
        handoffs_chart(DATA["handoffs"]),
        handoff_matrix_chart(DATA["handoff_matrix"], DATA["holders"]),
        orphans_chart(DATA["orphans"]),
        team_chart("agents", DATA["teams"]["agents"]),
        timeline_chart(DATA["timelines"][0]),
        differences_chart(COMPARISON),
    ]


def test_same_data_gives_the_same_svg_bytes(tmp_path: Path) -> None:
    first = [
        write_svg(f, tmp_path / f"a{i}.svg").read_bytes() for i, f in enumerate(_every_chart())
    ]
    second = [svg_bytes(f) for f in _every_chart()]
    assert first == second
    for svg in first:
        assert b"<dc:date>" not in svg  # no date in the metadata
        assert svg.count(b"<svg") == 1
