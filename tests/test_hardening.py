"""Nothing a scenario says can hang a run or eat the machine: absurd values are refused at
validation with their line, and what only shows at run time stops the replication."""

from __future__ import annotations

import textwrap
from collections.abc import Generator
from typing import Any

import numpy as np
import pytest
import simpy

from cxsim.engine import build_world, run_world
from cxsim.engine.runaway import RunawayCase, run_until
from cxsim.scenario import ScenarioError, parse_scenario
from cxsim.scenario.problems import Problem
from tests.helpers import scenario

BASE = """
    name: hard
    horizon: 1d
    customers:
      arrivals: {arrivals}
      journey: j
      follow_up_after: {follow_up}
    teams:
      desk: {{size: 2, channels: [phone]}}
    journeys:
      j:
        start: call
        steps:
          call: {{type: contact, team: desk, handle_time: {handle}}}
    failures: {failures}
"""


def text(
    arrivals: str = "2/h",
    handle: str = "{lognormal: {mean: 5min, sd: 2min}}",
    follow_up: str = "1h",
    failures: str = "[]",
) -> str:
    return BASE.format(arrivals=arrivals, handle=handle, follow_up=follow_up, failures=failures)


def refused(yaml_text: str, *overrides: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        scenario(yaml_text, *overrides)
    return str(caught.value)


def test_a_sane_scenario_passes() -> None:
    assert scenario(text()).horizon == 1440


@pytest.mark.parametrize(
    ("handle", "said"),
    [
        ("{exponential: {mean: 1000000000000}}", "at most 100 years"),
        ("{exponential: {mean: 0.0000000001}}", "at least 1 ms"),
        ("{lognormal: {mean: 1min, sd: 1000min}}", "expected sd at most 100 times the mean"),
        ("{gamma: {mean: 0.001, sd: 10}}", "expected sd at most 100 times the mean"),
    ],
)
def test_durations_that_would_overflow_or_underflow_are_refused_with_their_place(
    handle: str, said: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario(text(handle=handle))
    message = str(caught.value)
    assert said in message
    assert "journeys.j.steps.call.handle_time" in message
    assert ":14:" in message or ":13:" in message  # the line of the step


def test_a_horizon_past_a_hundred_years_is_refused() -> None:
    with pytest.raises(ScenarioError, match="horizon: expected a duration of at most 100 years"):
        scenario(text(), "horizon=40000d")


def test_arrivals_that_would_bring_too_many_cases_are_refused_with_the_figure() -> None:
    message = refused(text(arrivals="1000000/min"))
    assert "1.44e+09 cases expected a replication" in message
    assert "max_cases (100,000,000)" in message


def test_max_cases_raises_the_budget() -> None:
    assert scenario(text(arrivals="100/min"), "max_cases=1000000").max_cases == 1_000_000
    assert "max_cases (1,000)" in refused(text(arrivals="100/min"), "max_cases=1000")


def test_a_rate_past_a_million_a_minute_is_refused_with_its_place() -> None:
    message = refused(text(arrivals="1e308/min").replace("1e308/min", "1" + "0" * 308))
    assert "customers.arrivals: expected a whole number of at most 15 digits" in message
    message = refused(text(arrivals="2000000/min"))
    assert "customers.arrivals: expected a rate of at most a million a minute" in message


def test_a_rate_bringing_less_than_one_case_is_refused() -> None:
    message = refused(text(arrivals="0.0000001/min"))
    assert "customers.arrivals" in message
    assert "most replications would have none" in message


def test_follow_ups_need_a_minute_between_them() -> None:
    with pytest.raises(ScenarioError, match="expected at least 1 min between follow-ups"):
        scenario(text(follow_up="1s"))


FAIL_FIX = "[{{name: again, at: call, probability: 1, effect: {{fail_fix: {{after: {after}}}}}}}]"


def test_a_repair_that_always_fails_at_once_is_an_error() -> None:
    message = refused(text(handle="0", failures=FAIL_FIX.format(after=0)))
    assert "failures.0.probability" in message
    assert "the run would never finish" in message


def test_a_repair_that_always_fails_later_is_a_warning() -> None:
    warnings: list[Problem] = []
    yaml_text = textwrap.dedent(text(failures=FAIL_FIX.format(after="1d")))
    parse_scenario(yaml_text, "<test>", warnings=warnings)  # no error
    warned = [w for w in warnings if w.path == "failures.0.probability"]
    assert warned and "stay open until the run stops" in warned[0].message


def test_cases_without_end_at_one_instant_stop_the_replication(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("cxsim.engine.replication.INSTANT_LIMIT", 20_000)  # sooner, same path
    # a repair that nearly always fails at once: validation cannot refuse it
    yaml_text = text(handle="0", failures=FAIL_FIX.format(after=0).replace("1,", "0.99999999,"))
    model = scenario(yaml_text)  # validation cannot refuse it
    world = build_world(model, np.random.SeedSequence(1))
    with pytest.raises(RunawayCase, match="time stood still"):
        run_world(world)


def test_a_replication_opening_more_than_max_cases_stops() -> None:
    spawn = "[{name: again, at: call, probability: 0.9, effect: {fail_fix: {after: 1min}}}]"
    model = scenario(text(failures=spawn), "max_cases=60")  # 48 expected, and their repairs
    world = build_world(model, np.random.SeedSequence(1))
    with pytest.raises(RunawayCase, match=r"more than 60 cases \(max_cases\)"):
        run_world(world)


def test_the_clock_watch_stops_what_stands_still_and_lets_the_rest_run() -> None:
    env = simpy.Environment()
    seen: list[float] = []

    def ticking() -> Generator[Any, Any, None]:
        while True:
            seen.append(env.now)
            yield env.timeout(1)

    env.process(ticking())
    run_until(env, 10, instant_limit=100)
    assert seen == [float(t) for t in range(10)]  # what happens at 10 is after the stop

    def spinning() -> Generator[Any, Any, None]:
        while True:
            yield env.timeout(0)

    env.process(spinning())
    with pytest.raises(RunawayCase, match="time stood still at 10"):
        run_until(env, 20, instant_limit=10_000)


@pytest.mark.parametrize("where", ["size", "handle"])
def test_numbers_of_hundreds_of_digits_are_refused_with_their_place(where: str) -> None:
    huge = "1" + "0" * 400
    yaml_text = (
        text(handle=huge) if where == "handle" else text().replace("size: 2", f"size: {huge}")
    )
    message = refused(yaml_text)
    assert "expected a whole number of at most 15 digits" in message
    assert "(401 digits)" in message


def test_a_failure_naming_its_journey_with_a_mapping_is_refused_with_its_place() -> None:
    failures = "[{name: f, journey: {exponential: {mean: 0}}, probability: 0.5, effect: skip}]"
    message = refused(text(failures=failures))
    assert "failures.0.journey" in message
