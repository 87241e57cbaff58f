"""Scenarios that make sense, or say why not: errors for what cannot work, warnings for what
is probably wrong, each at its line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cxsim.scenario import Problem, ScenarioError, load_scenario, parse_scenario
from cxsim.scenario.means import mean_of, mean_rate
from cxsim.scenario.routing import traps, visits
from cxsim.scenario.workload import workloads

SCENARIOS = Path(__file__).parent.parent / "scenarios"


def problems(text: str, *overrides: str) -> list[str]:
    """Every problem line for YAML `text` (named `s.yml`)."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(textwrap.dedent(text), "s.yml", overrides)
    return [str(p) for p in caught.value.problems]


def warnings(text: str, *overrides: str) -> list[str]:
    """Every warning line for YAML `text` (named `s.yml`), which must load."""
    found: list[Problem] = []
    parse_scenario(textwrap.dedent(text), "s.yml", overrides, warnings=found)
    assert all(w.warning for w in found)
    return [str(w) for w in found]


LOOP = """\
name: loop
horizon: 1d
customers: {arrivals: 1/h, journey: fix}
teams:
  desk: {size: 2}
journeys:
  fix:
    start: triage
    steps:
      triage: {type: task, team: desk, duration: 5min, outcomes: {check: 0.5, end: 0.5}}
      check: {type: task, team: desk, duration: 0, next: recheck}
      recheck: {type: task, team: desk, duration: 0, next: check}
"""


# --- errors: what cannot work ----------------------------------------------------------------


def test_a_loop_with_no_way_out_that_takes_no_time_is_an_error_at_its_first_step() -> None:
    assert problems(LOOP) == [
        "s.yml:11:7: journeys.fix.steps.check: steps 'check' and 'recheck' loop with no way "
        "to the end and take no time: a case there would loop for ever and the run never "
        "finish, expected a way out to the end, or a step that takes time"
    ]


def test_a_step_that_sends_the_case_back_to_itself_in_no_time_is_an_error() -> None:
    text = LOOP.replace("next: recheck", "outcomes: {check: 1, end: 0}")
    assert problems(text) == [
        "s.yml:11:7: journeys.fix.steps.check: step 'check' loops on itself with no way to "
        "the end and takes no time: a case there would loop for ever and the run never "
        "finish, expected a way out to the end, or a step that takes time"
    ]


@pytest.mark.parametrize(
    "change",
    [
        "journeys.fix.steps.recheck.duration={exponential: {mean: 1min}}",
        "journeys.fix.steps.recheck.next=null",  # recheck resolves the case
        "failures=[{name: late, at: check, probability: 0.1, effect: {delay: 1h}}]",
        "failures=[{name: nope, team: desk, probability: 0.01, effect: deny}]",
    ],
)
def test_time_passing_or_a_way_out_makes_the_loop_no_error(change: str) -> None:
    parse_scenario(LOOP, "s.yml", [change])


def test_a_failure_that_takes_no_time_does_not_make_the_loop_pass_time() -> None:
    found = problems(
        LOOP, "failures=[{name: forgot, at: check, probability: 1, effect: lose_context}]"
    )
    assert len(found) == 1 and "'check' and 'recheck' loop" in found[0]


def test_a_journey_with_no_way_to_the_end_is_an_error_at_its_start() -> None:
    text = LOOP.replace("outcomes: {check: 0.5, end: 0.5}", "next: check").replace(
        "duration: 0, next: check", "duration: 1h, next: check"
    )
    assert problems(text) == [
        "s.yml:8:5: journeys.fix.start: no way from start 'triage' leads to the end: every "
        "case would stay open for ever, expected a step without next or outcomes, or an "
        "outcome end, that a case can get to"
    ]


def test_a_way_back_to_a_provider_that_leads_to_the_end_is_a_way_to_the_end() -> None:
    text = """\
        name: provider
        horizon: 1d
        customers: {arrivals: 1/h, journey: fix}
        teams:
          desk: {size: 2}
        journeys:
          fix:
            start: visit
            steps:
              visit: {type: task, team: desk, duration: 1h, next: check}
              check: {type: task, team: desk, duration: 0, requires: [line], next: visit}
              connect: {type: task, team: desk, duration: 1min, provides: [line]}
    """
    found: list[Problem] = []
    parse_scenario(textwrap.dedent(text), "s.yml", warnings=found)
    assert found == []


def test_an_appointment_waits_for_its_window_so_its_loop_takes_time() -> None:
    text = """\
        name: rebook
        horizon: 1d
        customers: {arrivals: 1/h, journey: fix}
        teams:
          techs: {size: 1}
        journeys:
          fix:
            start: book
            steps:
              book: {type: appointment, team: techs, next: visit}
              visit: {type: field_visit, team: techs, duration: 0, next: book}
    """
    assert [p.split(": ", 2)[1] for p in problems(text)] == ["journeys.fix.start"]


def test_work_for_a_team_of_no_people_is_an_error_naming_the_step_and_the_team() -> None:
    text = LOOP.replace("duration: 0, next: check", "duration: 1min, next: check")
    assert problems(text, "teams.desk.size=0") == [
        f"s.yml:{line}:{column}: journeys.fix.steps.{step}.team: team 'desk' has no people "
        f"(size 0): nobody would ever do step {step!r}, expected a team of size 1 or more"
        for line, column, step in [(10, 28, "triage"), (11, 27, "check"), (12, 29, "recheck")]
    ]


def test_the_whole_is_weighed_only_once_every_value_and_name_is_sound() -> None:
    assert problems(LOOP, "teams.desk.size=-1") == [
        "--set teams.desk.size=-1: teams.desk.size: expected a number greater than or equal "
        "to 0, got -1"
    ]


# --- warnings: what is probably wrong --------------------------------------------------------

TIMED = LOOP.replace("duration: 0, next: check", "duration: 1h, next: check")


def test_a_trap_where_time_passes_is_a_warning_and_the_scenario_loads() -> None:
    assert warnings(TIMED) == [
        "s.yml:11:7: journeys.fix.steps.check: warning: no way from steps 'check' and "
        "'recheck' leads to the end: a case that gets there stays open until the run stops, "
        "expected a way out (a step without next or outcomes, or an outcome end)"
    ]


def test_warnings_are_told_even_when_the_scenario_has_errors() -> None:
    found: list[Problem] = []
    with pytest.raises(ScenarioError):
        parse_scenario(TIMED, "s.yml", ["teams.desk.size=0"], warnings=found)
    assert [w.path for w in found] == ["journeys.fix.steps.check"]


FIELD = """\
name: field
horizon: 7d
calendars:
  shifts: {mon-fri: ["08:00-12:00", "13:00-17:00"]}
customers: {arrivals: 5/day, journey: install}
teams:
  installers: {size: 2, calendar: shifts, travel: 30min}
journeys:
  install:
    start: book
    steps:
      book: {type: appointment, team: installers, window: 5h, next: visit}
      visit: {type: field_visit, team: installers, duration: 1h}
"""


def test_a_window_longer_than_the_field_team_is_ever_open_is_a_warning() -> None:
    assert warnings(FIELD) == [
        "s.yml:12:51: journeys.install.steps.book.window: warning: a window of 5.0 h is longer "
        "than team 'installers' is ever open at a stretch (4.0 h, calendar 'shifts'): part of "
        "every window lies outside its hours, expected a window of at most 4.0 h"
    ]
    assert warnings(FIELD, "journeys.install.steps.book.window=4h") == []


def test_a_team_offered_more_work_than_its_people_is_a_warning_with_its_load() -> None:
    # 10 visits a day of 1 h 30 min (travel included) = 0.625 people of work, against 2
    # installers open 40 h of the week's 168 = 0.476 on average
    text = FIELD.replace("window: 5h", "window: 4h").replace("5/day", "10/day")
    assert warnings(text) == [
        "s.yml:7:16: teams.installers.size: warning: offered load 0.62 people of work for "
        "0.48 on duty on average (131 %; size 2, open 24 % of the week): queues will grow "
        "without end, expected at most as much work as people on duty (from routing alone: "
        "follow-ups and failures add work, customers who give up take some away)"
    ]
    assert warnings(text, "teams.installers.size=3") == []


def test_the_offered_load_is_located_at_the_set_that_made_it() -> None:
    found = warnings((SCENARIOS / "mmc_queue.yml").read_text(), "teams.agents.size=8")
    assert found == [
        "--set teams.agents.size=8: teams.agents.size: warning: offered load 9 people of work "
        "for 8 on duty (112 %): queues will grow without end, expected at most as much work as "
        "people on duty (from routing alone: follow-ups and failures add work, customers who "
        "give up take some away)"
    ]


def test_every_shipped_scenario_validates_without_a_warning() -> None:
    for path in sorted(SCENARIOS.glob("*.yml")):
        found: list[Problem] = []
        load_scenario(path, warnings=found)
        assert found == [], path.name


# --- the numbers behind the checks ---------------------------------------------------------


def test_expected_visits_follow_the_routing_probabilities() -> None:
    text = """\
        name: visits
        horizon: 1d
        customers: {arrivals: 1/h, journey: fix}
        teams:
          desk: {size: 2}
        journeys:
          fix:
            start: a
            steps:
              a: {type: task, team: desk, duration: 1min, outcomes: {b: 0.5, c: 0.5}}
              b: {type: task, team: desk, duration: 1min, outcomes: {a: 0.5, end: 0.5}}
              c: {type: task, team: desk, duration: 1min}
              unused: {type: task, team: desk, duration: 1min}
    """
    model = parse_scenario(textwrap.dedent(text), "s.yml")
    # a = 1 + b/2, b = a/2, c = a/2  =>  a = 4/3
    assert visits(model.journeys["fix"]) == pytest.approx({"a": 4 / 3, "b": 2 / 3, "c": 2 / 3})
    assert traps(model.journeys["fix"]) == []
    (load,) = workloads(model)
    assert load.offered == pytest.approx(1 / 60 * (8 / 3))
    assert load.on_duty == 2


def test_a_journey_a_case_may_never_leave_has_no_visit_counts_and_no_load() -> None:
    model = parse_scenario(TIMED, "s.yml")
    assert visits(model.journeys["fix"]) is None
    assert traps(model.journeys["fix"]) == [["check", "recheck"]]
    assert workloads(model) == []


def test_going_back_to_a_provider_is_a_way_out() -> None:
    text = """\
        name: provider
        horizon: 1d
        customers: {arrivals: 1/h, journey: fix}
        teams:
          desk: {size: 2}
        journeys:
          fix:
            start: connect
            steps:
              connect: {type: task, team: desk, duration: 0, provides: [line], next: end_it}
              end_it: {type: task, team: desk, duration: 0}
              poll: {type: task, team: desk, duration: 0, requires: [line], next: poll}
    """
    model = parse_scenario(textwrap.dedent(text), "s.yml")
    assert traps(model.journeys["fix"]) == []


def test_streams_add_up_on_a_shared_team_and_hourly_rates_average_over_the_day() -> None:
    text = """\
        name: streams
        horizon: 1d
        customers:
          streams:
            repairs: {arrivals: {hourly: {"8-20": 2/min}}, journey: repair}
            billing: {arrivals: 1/min, journey: bill}
            launch: {arrivals: {cohort: 500}, journey: bill}
        teams:
          desk: {size: 10, channels: [phone]}
        journeys:
          repair:
            start: call
            steps:
              call: {type: contact, team: desk, handle_time: {uniform: {min: 2min, max: 4min}}}
          bill:
            start: call
            steps:
              call: {type: contact, team: desk, handle_time: {gamma: {mean: 2min, sd: 1min}}}
    """
    model = parse_scenario(textwrap.dedent(text), "s.yml")
    (load,) = workloads(model)
    assert load.offered == pytest.approx(2 * 12 / 24 * 3 + 1 * 2)  # the cohort brings no flow
    assert load.ratio == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("spec", "mean"),
    [
        (5.0, 5.0),
        ({"exponential": {"mean": 3}}, 3.0),
        ({"lognormal": {"mean": 4, "sd": 2}}, 4.0),
        ({"gamma": {"mean": 6, "sd": 1}}, 6.0),
        ({"triangular": {"min": 1, "mode": 2, "max": 6}}, 3.0),
        ({"uniform": {"min": 2, "max": 4}}, 3.0),
        ({"constant": "1h"}, 60.0),
    ],
)
def test_the_mean_of_each_distribution(spec: object, mean: float) -> None:
    text = LOOP.replace("duration: 5min", "duration: 1min")
    model = parse_scenario(text, "s.yml", [f"journeys.fix.steps.check.duration={spec}"])
    assert mean_of(model.journeys["fix"].steps["check"].duration) == pytest.approx(mean)  # type: ignore[union-attr]


def test_the_mean_of_an_empirical_distribution_is_that_of_its_values(tmp_path: Path) -> None:
    (tmp_path / "times.csv").write_text("minutes\n1\n2\n6\n")
    text = FIELD.replace(
        "duration: 1h", "duration: {empirical: {file: times.csv, column: minutes}}"
    )
    path = tmp_path / "s.yml"
    path.write_text(text)
    model = load_scenario(path)
    assert mean_of(model.journeys["install"].steps["visit"].duration) == pytest.approx(3.0)  # type: ignore[union-attr]


def test_the_mean_rate_of_each_kind_of_arrivals() -> None:
    model = parse_scenario(TIMED, "s.yml")
    assert mean_rate(model.customers.arrivals) == pytest.approx(1 / 60)
    hourly = parse_scenario(TIMED, "s.yml", ['customers.arrivals={hourly: {"0-6": 4/h}}'])
    assert mean_rate(hourly.customers.arrivals) == pytest.approx(4 / 60 / 4)
    weekly = parse_scenario(TIMED, "s.yml", ['customers.arrivals={weekly: {mon: {"0-6": 7/h}}}'])
    assert mean_rate(weekly.customers.arrivals) == pytest.approx(7 / 60 / 4 / 7)
    cohort = parse_scenario(TIMED, "s.yml", ["customers.arrivals={cohort: 10}"])
    assert mean_rate(cohort.customers.arrivals) is None
    assert mean_rate(object()) is None
