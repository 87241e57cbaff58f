"""Fit quality: each distance on small hand-made logs with known answers, the simulated log
read back from cxsim's events.csv, and two halves of one run closer than a changed scenario."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cxsim.fit import reference
from cxsim.fit.chart import durations_chart
from cxsim.fit.distances import (
    activity_frequency_distance,
    cycle_time_emd,
    ngram_distance,
    ngrams,
    total_variation,
)
from cxsim.fit.evaluation import evaluate, write_quality
from cxsim.fit.log import Activity, Log
from cxsim.fit.quality import compare_logs, format_quality
from cxsim.fit.simulated import read_events_csv, simulated_log
from cxsim.report.charts import svg_bytes
from tests.helpers import scenario

MONDAY = datetime(2024, 3, 4)

Step = tuple[str, float, float]
"""(activity, start, end): hours after the case's start."""


def log_of(cases: list[tuple[datetime, list[Step]]]) -> Log:
    """A log of cases, each starting at its time and doing its steps."""
    return Log.of(
        Activity(
            case=f"c{index}",
            activity=name,
            start=begin + timedelta(hours=start),
            end=begin + timedelta(hours=end),
        )
        for index, (begin, steps) in enumerate(cases)
        for name, start, end in steps
    )


def hourly(count: int, steps: list[Step], every: float = 1.0) -> Log:
    """`count` cases doing `steps`, one starting every `every` hours from Monday 09:00."""
    start = MONDAY + timedelta(hours=9)
    return log_of([(start + timedelta(hours=i * every), steps) for i in range(count)])


PATH = [("register", 0.0, 1.0), ("solve", 2.0, 5.0), ("close", 5.0, 6.0)]


def test_identical_logs_are_zero_apart() -> None:
    log = log_of(
        [
            (MONDAY + timedelta(hours=9), PATH),
            (MONDAY + timedelta(days=1, hours=14), [("register", 0, 1), ("close", 1, 3)]),
            (MONDAY + timedelta(days=4, hours=10), [*PATH, ("solve", 7, 9), ("close", 9, 10)]),
        ]
    )
    quality = compare_logs(log, log)
    assert quality.cycle_time_emd_hours == 0
    assert quality.activity_frequency_distance == 0
    assert quality.ngram_distances == {2: 0, 3: 0}
    assert quality.inter_arrival_emd_hours == 0
    assert quality.hour_of_day_distance == 0
    assert quality.weekday_distance == 0


def test_every_duration_two_hours_longer_is_two_hours_apart() -> None:
    longer = [*PATH[:-1], ("close", 5.0, 8.0)]
    quality = compare_logs(hourly(10, PATH), hourly(10, longer))
    assert quality.cycle_time_emd_hours == pytest.approx(2.0)
    assert quality.simulated_mean_hours - quality.real_mean_hours == pytest.approx(2.0)
    assert quality.ngram_distances == {2: 0, 3: 0}


def test_logs_without_a_shared_activity_are_as_far_apart_as_can_be() -> None:
    other = [("phone", 0.0, 1.0), ("visit", 2.0, 5.0)]
    quality = compare_logs(hourly(5, PATH), hourly(5, other))
    assert quality.ngram_distances == {2: 1.0, 3: 1.0}
    assert quality.activity_frequency_distance == 1.0


def test_one_different_activity_in_two_counts_two_thirds_of_the_bigrams() -> None:
    # 2-grams {▶A, AB, B■} against {▶A, AC, C■}: 4 of 6 per case differ
    assert ngram_distance([["A", "B"]], [["A", "C"]], 2) == pytest.approx(2 / 3)
    assert ngrams(["A"], 3) == [("▶", "▶", "A"), ("▶", "A", "■"), ("A", "■", "■")]


def test_frequencies_per_case_ignore_how_many_cases_a_log_has() -> None:
    assert ngram_distance([["A", "B"]], [["A", "B"]] * 7, 3) == 0
    assert activity_frequency_distance([["A"]], [["A"]] * 7) == 0


def test_every_activity_done_twice_as_often_is_a_third_apart() -> None:
    assert activity_frequency_distance([["A", "B"]], [["A", "A", "B", "B"]]) == pytest.approx(1 / 3)


def test_half_the_cases_starting_an_hour_later_is_half_apart_in_hour_of_day() -> None:
    real = hourly(4, PATH, every=24)  # 09:00 Monday to Thursday
    later = log_of(
        [(MONDAY + timedelta(days=i, hours=9 + i % 2), PATH) for i in range(4)]
    )  # 09:00, 10:00, 09:00, 10:00
    quality = compare_logs(real, later)
    assert quality.hour_of_day_distance == pytest.approx(0.5)
    assert quality.weekday_distance == 0
    assert total_variation([9] * 4, [10] * 4, 24) == 1.0


def test_cases_arriving_every_three_hours_instead_of_one_are_two_hours_apart() -> None:
    quality = compare_logs(hourly(6, PATH, every=1), hourly(6, PATH, every=3))
    assert quality.inter_arrival_emd_hours == pytest.approx(2.0)


def test_cycle_time_emd_of_plain_samples() -> None:
    assert cycle_time_emd([1, 2, 3], [3, 4, 5]) == pytest.approx(2.0)
    assert cycle_time_emd([0, 10], [5]) == pytest.approx(5.0)


def test_the_figures_read_as_a_table_and_as_json() -> None:
    quality = compare_logs(hourly(5, PATH), hourly(5, [*PATH[:-1], ("close", 5.0, 8.0)]))
    table = format_quality(quality)
    assert "cycle time EMD         2 h (mean 6 h real, 8 h simulated)" in table
    assert "register" in table
    data = json.loads(json.dumps(quality.to_dict()))
    assert data["cycle_time"]["emd_hours"] == pytest.approx(2.0)
    assert data["activities_per_case"]["close"] == {"real": 1.0, "simulated": 1.0}
    assert data["ngram_distance"] == {"2": 0.0, "3": 0.0}


def test_an_empty_log_is_an_error() -> None:
    with pytest.raises(ValueError, match="the simulated log has none"):
        compare_logs(hourly(2, PATH), Log())


def test_the_durations_chart_is_the_same_bytes_twice(tmp_path: Path) -> None:
    quality = compare_logs(hourly(20, PATH), hourly(30, [*PATH[:-1], ("close", 5.0, 30.0)]))
    assert svg_bytes(durations_chart(quality)) == svg_bytes(durations_chart(quality))
    written = write_quality(quality, tmp_path)
    assert [path.name for path in written] == ["fit_quality.json", "fit_durations.svg"]
    assert json.loads(written[0].read_text())["cases"] == {"real": 20, "simulated": 30}
    assert written[1].read_bytes() == svg_bytes(durations_chart(quality))
    assert b"case duration (hours)" in written[1].read_bytes()


EVENTS = """\
case_id,activity,timestamp,resource,team,organization,lifecycle,stream,segment,replication,sequence
0-1,fix,2024-03-04T09:00:00.000,desk-1,desk,,start,,default,0,1
0-1,fix,2024-03-04T09:30:00.000,desk-1,desk,,complete,,default,0,2
0-1,fix,2024-03-04T10:00:00.000,desk-2,desk,,start,,default,0,3
0-1,fix,2024-03-04T11:00:00.000,desk-2,desk,,complete,,default,0,4
0-2,fix,2024-03-04T12:00:00.000,desk-1,desk,,start,,default,0,5
1-1,fix,2024-03-04T09:00:00.000,,desk,,start,,default,1,1
1-1,fix,2024-03-04T09:15:00.000,,desk,,complete,,default,1,2
"""


def test_events_csv_pairs_rework_in_order_drops_open_work_and_lays_replications_end_to_end(
    tmp_path: Path,
) -> None:
    path = tmp_path / "events.csv"
    path.write_text(EVENTS, encoding="utf-8")
    log = read_events_csv(path, timedelta(weeks=1))
    nine = datetime(2024, 3, 4, 9)
    ten, week = datetime(2024, 3, 4, 10), timedelta(weeks=1)
    assert log.activities == [
        Activity("0-1", "fix", nine + timedelta(minutes=30), nine, "desk-1", "desk"),
        Activity("0-1", "fix", ten + timedelta(hours=1), ten, "desk-2", "desk"),
        Activity("1-1", "fix", nine + week + timedelta(minutes=15), nine + week, None, "desk"),
    ]


TWO_STEPS = """
    name: two-steps
    horizon: 1d
    start: 2024-03-04
    customers: {arrivals: {cohort: 3}, journey: help}
    teams:
      desk: {size: 1}
      back_office: {size: 3}
    journeys:
      help:
        start: register
        steps:
          register: {type: task, team: desk, duration: 10min, next: solve}
          solve: {type: task, team: back_office, duration: 2h}
"""


def test_the_simulated_log_holds_every_case_with_its_steps_paired() -> None:
    log = simulated_log(scenario(TWO_STEPS), replications=2, seed=1)
    cases = log.cases()
    assert len(cases) == 6
    for activities in cases.values():
        assert [a.activity for a in activities] == ["register", "solve"]
        register, solve = activities
        assert register.end - register.start == timedelta(minutes=10)
        assert solve.end - solve.start == timedelta(hours=2)
        assert solve.start >= register.end
    first = {a.start for case, acts in cases.items() if case.startswith("0-") for a in acts[:1]}
    second = {a.start for case, acts in cases.items() if case.startswith("1-") for a in acts[:1]}
    # one desk: the cohort registers one after another; the second run a week later
    assert sorted(first) == [MONDAY + timedelta(minutes=10 * i) for i in range(3)]
    assert sorted(second) == [t + timedelta(weeks=1) for t in sorted(first)]


SERVICE = """
    name: service
    horizon: 2d
    start: 2024-03-04
    customers: {{arrivals: 3/h, journey: help}}
    teams:
      desk: {{size: 6}}
    journeys:
      help:
        start: triage
        steps:
          triage: {{type: task, team: desk, duration: {{exponential: {{mean: {triage}}}}},
                   outcomes: {{solve: 0.7, escalate: 0.3}}}}
          solve: {{type: task, team: desk, duration: {{exponential: {{mean: 20min}}}}}}
          escalate: {{type: task, team: desk, duration: {{exponential: {{mean: {escalate}}}}}}}
"""


def _half(log: Log, replications: set[str]) -> Log:
    return Log([a for a in log.activities if a.case.split("-")[0] in replications])


def test_two_halves_of_one_run_are_closer_than_a_run_of_a_changed_scenario() -> None:
    same = simulated_log(scenario(SERVICE.format(triage="15min", escalate="2h")), 4, seed=3)
    changed = scenario(SERVICE.format(triage="30min", escalate="4h"))  # durations doubled
    first, second = _half(same, {"0", "1"}), _half(same, {"2", "3"})
    halves = compare_logs(first, second)
    apart = evaluate(first, changed, 2, seed=4)
    assert halves.cycle_time_emd_hours < apart.cycle_time_emd_hours / 2
    assert apart.simulated_mean_hours > 1.5 * apart.real_mean_hours


def _equal_sized_logs() -> tuple[Log, Log]:
    real = hourly(6, PATH, every=2)
    other = log_of([(MONDAY + timedelta(hours=8 + 3 * i), PATH[: 1 + i % 3]) for i in range(6)])
    return real, other


@pytest.mark.skipif(not reference.available(), reason="log-distance-measures is not installed")
def test_the_figures_agree_with_log_distance_measures_on_logs_of_equal_size() -> None:
    real, other = _equal_sized_logs()
    quality = compare_logs(real, other, reference=True)
    figures = quality.reference
    assert figures["n_gram_distribution_distance_2"] == pytest.approx(quality.ngram_distances[2])
    assert figures["n_gram_distribution_distance_3"] == pytest.approx(quality.ngram_distances[3])
    # whole-hour durations: its 1-hour bins lose nothing
    assert figures["cycle_time_distribution_distance_hours"] == pytest.approx(
        quality.cycle_time_emd_hours
    )


def test_reference_figures_are_asked_for_and_say_what_to_install_when_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real, other = _equal_sized_logs()
    assert compare_logs(real, other).reference == {}
    monkeypatch.setattr(reference, "available", lambda: False)
    with pytest.raises(ImportError, match=r"cxsim\[fit\]"):
        compare_logs(real, other, reference=True)
