"""Several streams of work: each with its own arrivals, journey and segments, sharing teams."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from cxsim import run
from cxsim.compare import compare, format_comparison
from cxsim.engine import build_world
from cxsim.measures import measure, parse_metric
from cxsim.scenario import ScenarioError, parse_scenario
from cxsim.table import summary_table
from tests.helpers import Run, scenario
from tests.queueing import erlang_c_mean_wait

TWO = """\
name: two
horizon: 1d
teams:
  desk: {size: 1, channels: [phone]}
  office: {size: 1}
customers:
  patience: 1h
  streams:
    repairs:
      arrivals: {cohort: 3}
      journey: repair
      give_up_after: 1h
    billing:
      arrivals: {cohort: 5}
      journey: bill
journeys:
  repair:
    start: work
    steps:
      work: {type: task, team: office, duration: 10h}
  bill:
    start: call
    steps:
      call: {type: contact, team: desk, handle_time: 1min}
"""


def problems(text: str, *overrides: str) -> list[str]:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(textwrap.dedent(text), "s.yml", overrides)
    return [str(p) for p in raised.value.problems]


def test_each_stream_opens_its_own_cases_into_its_own_journey() -> None:
    done = Run(scenario(TWO))
    by_journey = sorted((c.journey, c.stream) for c in done.cases.values())
    assert by_journey == [("bill", 1)] * 5 + [("repair", 0)] * 3


def test_a_stream_overrides_the_customers_behaviour() -> None:
    # repairs give up after 1 h on 10 h of work; billing customers never give up
    summary = run(scenario(TWO), replications=2).summary()
    streams = summary["streams"]
    assert streams["repairs"]["cases"]["mean"] == 3
    assert streams["billing"]["cases"]["mean"] == 5
    assert summary["metrics"]["cases"]["mean"] == 8
    assert streams["repairs"]["gave_up_rate"]["mean"] == 1.0
    assert streams["billing"]["gave_up_rate"]["mean"] == 0.0
    assert streams["billing"]["resolved_rate"]["mean"] == 1.0
    assert summary["metrics"]["gave_up_rate"]["mean"] == pytest.approx(3 / 8)


def test_segments_inherit_stream_then_customers() -> None:
    model = scenario(
        TWO,
        "customers.streams.billing.segments=[{name: calm, share: 0.5}, "
        "{name: hasty, share: 0.5, patience: 2min}]",
        "customers.streams.billing.patience=30min",
    )
    world = build_world(model, np.random.SeedSequence(1))
    repairs, billing = world.customer_streams
    assert [s.name for s in repairs.segments] == ["default"]
    assert [s.name for s in billing.segments] == ["calm", "hasty"]
    stub = Run(model).cases[1]  # any case: a fixed patience reads the same for all
    assert repairs.segments[0].patience(stub) == 60  # customers: 1h
    assert billing.segments[0].patience(stub) == 30  # the stream's
    assert billing.segments[1].patience(stub) == 2  # the segment's own


def test_customers_of_two_streams_never_share_draws() -> None:
    world = build_world(scenario(TWO), np.random.SeedSequence(1))
    repairs, billing = world.customer_streams
    keys = {repairs.key(i) for i in range(1000)} | {billing.key(i) for i in range(1000)}
    assert len(keys) == 2000


def test_a_stream_keeps_its_draws_when_another_changes() -> None:
    # separate teams: the repairs stream must see exactly the same history
    text = """\
        name: crn
        horizon: 8h
        teams:
          a: {size: 2, channels: [phone]}
          b: {size: 2, channels: [chat]}
        customers:
          streams:
            repairs: {arrivals: 20/h, journey: repair}
            billing: {arrivals: 10/h, journey: bill}
        journeys:
          repair:
            start: call
            steps:
              call: {type: contact, team: a, handle_time: {exponential: {mean: 5min}}}
          bill:
            start: chat
            steps:
              chat: {type: contact, team: b, handle_time: {exponential: {mean: 9min}}}
        """
    base = run(scenario(text), replications=3, seed=4).summary()
    variant = run(
        scenario(text, "customers.streams.billing.arrivals=14/h"), replications=3, seed=4
    ).summary()
    for key in ("time_to_resolution", "cases", "customer_effort"):
        assert base["streams"]["repairs"][key] == variant["streams"]["repairs"][key]
    assert base["streams"]["billing"]["cases"] != variant["streams"]["billing"]["cases"]


def test_each_stream_of_a_shared_queue_waits_as_erlang_c_says() -> None:
    # two Poisson streams into one M/M/4 with the same handling: a pooled 3/min
    text = """\
        name: pooled
        horizon: 1d
        warmup: 1h
        teams:
          desk: {size: 4, channels: [phone]}
        customers:
          streams:
            a: {arrivals: 1/min, journey: call}
            b: {arrivals: 2/min, journey: call}
        journeys:
          call:
            start: call
            steps:
              call: {type: contact, team: desk, handle_time: {exponential: {mean: 1min}}}
        """
    results = run(scenario(text), replications=10, seed=3)
    theory = erlang_c_mean_wait(4, 3.0, 1.0) + 1.0  # wait, then 1 min of handling
    for name in ("a", "b"):
        ref = parse_metric(f"streams.{name}.time_to_resolution", ["desk"], ["a", "b"])
        measured = measure(results.replications, ref)
        assert measured.low is not None and measured.high is not None
        assert measured.low <= theory <= measured.high, (name, measured, theory)


def test_stream_metrics_are_asserted_by_name() -> None:
    found = problems(TWO + "assertions: [streams.biling.cases > 1]\n")
    assert found == [
        "s.yml:25:14: assertions.0: unknown stream 'biling', expected 'repairs' or 'billing' "
        "(did you mean 'billing'?)"
    ]


def test_one_stream_has_no_stream_metrics() -> None:
    found = problems(
        """\
        name: one
        horizon: 1h
        teams: {desk: {size: 1, channels: [phone]}}
        customers: {arrivals: 1/min, journey: j}
        journeys: {j: {start: c, steps: {c: {type: contact, team: desk, handle_time: 1min}}}}
        assertions: [streams.j.cases > 1]
        """
    )
    assert len(found) == 1
    assert "the scenario has one stream of work" in found[0]


def test_streams_and_a_single_arrivals_do_not_mix() -> None:
    found = problems(TWO, "customers.arrivals=1/min")
    assert len(found) == 1
    assert "expected either streams or arrivals, got both" in found[0]


def test_a_stream_without_a_journey_or_with_an_unknown_one_is_located() -> None:
    found = problems(TWO, "customers.streams.billing.journey=bil")
    assert found == [
        "--set customers.streams.billing.journey=bil: customers.streams.billing.journey: "
        "expected the name of a journey ('repair' or 'bill'), got 'bil' (did you mean 'bill'?)"
    ]


def test_customers_without_arrivals_or_streams_is_an_error() -> None:
    found = problems(
        """\
        name: one
        horizon: 1h
        teams: {desk: {size: 1, channels: [phone]}}
        customers: {journey: j}
        journeys: {j: {start: c, steps: {c: {type: contact, team: desk, handle_time: 1min}}}}
        """
    )
    assert len(found) == 1
    assert "customers: expected arrivals (or several streams), got none" in found[0]


def test_compare_and_the_table_show_each_stream() -> None:
    base = scenario(TWO)
    variant = scenario(TWO, "customers.streams.repairs.give_up_after=40h")
    comparison = compare(base, variant, replications=2)
    streams = comparison.to_dict()["streams"]
    assert streams["repairs"]["gave_up_rate"]["variant"] == 0.0
    assert streams["billing"]["gave_up_rate"]["difference"] == 0.0
    text = format_comparison(comparison)
    assert "\nstream repairs\n" in text and "\nstream billing\n" in text
    table = summary_table(run(base, replications=2).summary())
    assert "stream repairs · 3 cases per replication" in table
