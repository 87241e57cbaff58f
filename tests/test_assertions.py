"""Assertions: the grammar, judging on the interval, and located problems for bad ones."""

from __future__ import annotations

import math
import textwrap

import pytest

from cxsim import run
from cxsim.assertions import judge, parse_assertion
from cxsim.measures import Measurement, MetricRef, measure, parse_metric
from cxsim.metrics import metric_ci
from cxsim.scenario import ScenarioError, parse_scenario
from cxsim.statistics import mean_ci
from tests.helpers import small_queue

TEAMS = ["phone", "field"]

QUEUE = small_queue(replications=5, seed=3)


def with_assertions(*lines: str) -> str:
    return QUEUE + "assertions:\n" + "".join(f"  - {line}\n" for line in lines)


@pytest.mark.parametrize(
    ("text", "key", "stat", "op", "threshold"),
    [
        ("time_to_resolution.p90 < 1d", "time_to_resolution", "p90", "<", 1440.0),
        ("orphan_rate <= 0.01", "orphan_rate", "mean", "<=", 0.01),
        ("teams.phone.service_level >= 0.8", "teams.phone.service_level", "mean", ">=", 0.8),
        ("teams.phone.service_level>=80%", "teams.phone.service_level", "mean", ">=", 0.8),
        ("handoffs.mean < 3", "handoffs", "mean", "<", 3.0),
        ("teams.field.asa > 30s", "teams.field.asa", "mean", ">", 0.5),
        ("customer_effort < 12", "customer_effort", "mean", "<", 12.0),  # bare: minutes
        ("  contacts   >   1.5e0 ", "contacts", "mean", ">", 1.5),
    ],
)
def test_the_grammar_reads_the_documented_forms(
    text: str, key: str, stat: str, op: str, threshold: float
) -> None:
    assertion = parse_assertion(text, TEAMS)
    assert (assertion.ref.key, assertion.ref.stat, assertion.op) == (key, stat, op)
    assert assertion.threshold == pytest.approx(threshold)
    assert assertion.text == text.strip()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("orphan_rat < 0.01", "unknown case metric 'orphan_rat'"),
        ("teams.phnoe.asa < 1min", "unknown team 'phnoe', expected 'phone' or 'field'"),
        ("teams.phone.ssa < 1min", "unknown team metric 'ssa'"),
        ("handoffs.p90 < 3", "percentiles exist for 'time_to_resolution'"),
        ("time_to_resolution.p95 < 1d", "unknown statistic 'p95'"),
        ("handoffs == 3", "expected METRIC[.STAT] OP VALUE"),
        ("handoffs", "expected METRIC[.STAT] OP VALUE"),
        ("time_to_resolution < soon", "expected a duration"),
        ("handoffs < 2h", "expected a number for handoffs, got '2h'"),
        ("orphan_rate < 1d", "expected a number or a percentage"),
        ("__import__('os') < 1", "unknown case metric"),
    ],
)
def test_what_does_not_read_is_an_error_saying_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_assertion(text, TEAMS)


def test_close_names_get_a_suggestion() -> None:
    with pytest.raises(ValueError, match=r"did you mean 'orphan_rate'\?"):
        parse_metric("orphan_rat", TEAMS)
    with pytest.raises(ValueError, match=r"did you mean 'phone'\?"):
        parse_metric("teams.phnoe.asa", TEAMS)
    with pytest.raises(ValueError, match=r"did you mean 'teams.phone.asa'\?"):
        parse_metric("phone.asa", TEAMS)


def test_a_typo_in_a_scenario_is_a_problem_at_its_line_with_a_suggestion() -> None:
    text = with_assertions("handoffs < 3", "orphan_rat <= 0.01", "teams.phnoe.asa < 1min")
    with pytest.raises(ScenarioError) as error:
        parse_scenario(text, "queue.yml")
    lines = [str(p) for p in error.value.problems]
    first_line = text.splitlines().index("  - orphan_rat <= 0.01") + 1
    assert len(lines) == 2
    assert lines[0].startswith(f"queue.yml:{first_line}:5: assertions.1: unknown case metric")
    assert lines[0].endswith("(did you mean 'orphan_rate'?)")
    assert lines[1].startswith(f"queue.yml:{first_line + 1}:5: assertions.2: unknown team 'phnoe'")
    assert lines[1].endswith("(did you mean 'phone'?)")


def test_a_bad_assertion_set_on_the_command_line_points_at_the_set() -> None:
    text = with_assertions("handoffs < 3")
    with pytest.raises(ScenarioError) as error:
        parse_scenario(text, "queue.yml", ["assertions.0=handoff < 3"])
    (problem,) = error.value.problems
    assert str(problem).startswith("--set assertions.0=handoff < 3: assertions.0: unknown case")


def test_an_assertion_that_is_not_text_is_a_schema_problem() -> None:
    with pytest.raises(ScenarioError, match=r"assertions\.0: expected a valid string"):
        parse_scenario(with_assertions("3"), "queue.yml")


def _judged(op: str, threshold: float, low: float, high: float) -> str:
    assertion = parse_assertion(f"handoffs {op} {threshold}", TEAMS)
    return judge(assertion, Measurement((low + high) / 2, low, high, 5)).outcome


def test_judging_is_on_where_the_whole_interval_lies() -> None:
    assert _judged("<", 3, 1, 2) == "pass"
    assert _judged("<", 3, 4, 5) == "fail"
    assert _judged("<", 3, 2, 4) == "inconclusive"
    assert _judged("<", 3, 3, 4) == "fail"  # 3 < 3 does not hold
    assert _judged("<=", 3, 2, 3) == "pass"
    assert _judged(">", 3, 3, 4) == "inconclusive"
    assert _judged(">", 3, 3.5, 4) == "pass"
    assert _judged(">=", 3, 1, 2) == "fail"
    assert _judged(">=", 3, 3, 3) == "pass"  # a value that never varies


def test_without_an_interval_nothing_is_decided() -> None:
    assertion = parse_assertion("handoffs < 3", TEAMS)
    assert judge(assertion, Measurement(1.0, None, None, 1)).outcome == "inconclusive"
    assert judge(assertion, Measurement(None, None, None, 0)).outcome == "inconclusive"


def test_a_percentile_beyond_the_horizon_fails_an_upper_bound() -> None:
    assertion = parse_assertion("time_to_resolution.p90 < 1d", TEAMS)
    judged = judge(assertion, Measurement(math.inf, math.inf, math.inf, 5))
    assert judged.outcome == "fail"
    partly = judge(assertion, Measurement(math.inf, 100.0, math.inf, 5))
    assert partly.outcome == "inconclusive"


def test_clear_pass_clear_fail_and_a_threshold_at_the_measured_mean() -> None:
    results = run(parse_scenario(QUEUE, "queue.yml"), jobs=1)
    asa = measure(results.replications, parse_metric("teams.phone.asa", ["phone"]))
    assert asa.low is not None and asa.high is not None and asa.low < asa.high
    assert asa.value == mean_ci([r.teams["phone"]["asa"] for r in results.replications])["mean"]
    # an M/M/10 queue at 90 % load keeps callers seconds to minutes, never an hour
    assert judge(parse_assertion("teams.phone.asa < 1h", ["phone"]), asa).outcome == "pass"
    assert judge(parse_assertion("teams.phone.asa > 1h", ["phone"]), asa).outcome == "fail"
    at_mean = parse_assertion(f"teams.phone.asa <= {asa.value!r}", ["phone"])
    assert at_mean.threshold == asa.value
    assert judge(at_mean, asa).outcome == "inconclusive"


def test_a_percentile_interval_comes_from_per_replication_percentiles() -> None:
    results = run(parse_scenario(QUEUE, "queue.yml"), jobs=1)
    ref = parse_metric("time_to_resolution.p90", ["phone"])
    assert ref == MetricRef(ref.metric, None, "p90")
    measured = measure(results.replications, ref)
    each = [r.times["time_to_resolution"].quantiles([0.9])[0] for r in results.replications]
    expected = metric_ci(ref.metric, each)
    assert measured.value == expected["mean"]
    assert [measured.low, measured.high] == expected["ci95"]
    assert len(set(each)) == len(each)  # replications differ: the interval has width


def test_assertions_stay_text_in_the_validated_scenario() -> None:
    text = textwrap.dedent(with_assertions("handoffs < 3", "'teams.phone.asa < 30s'"))
    scenario = parse_scenario(text, "queue.yml")
    assert scenario.assertions == ["handoffs < 3", "teams.phone.asa < 30s"]
