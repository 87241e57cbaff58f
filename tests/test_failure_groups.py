"""Failures on several steps, and groups of failures that exclude each other.

A failure's `at` may list steps. The failures of a `group` share one draw per attempt,
split in the order listed: the expected failure of each customer is worked out here from
the group's own stream, and the run must agree with it exactly.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from cxsim.engine.streams import Streams
from cxsim.scenario import ScenarioError
from tests.helpers import Run, scenario

BASE = """
    name: groups
    horizon: 1d
    drain: 0
    customers:
      arrivals: {{cohort: {cohort}}}
      journey: order
    teams:
      desk: {{size: 1, channels: [phone]}}
      office: {{size: 1}}
      field: {{size: 1}}
    journeys:
      order:
        start: sell
        steps:
          sell: {{type: task, team: desk, duration: 10min, next: connect}}
          connect: {{type: task, team: office, duration: 20min, next: install}}
          install: {{type: task, team: field, duration: 30min}}
      repair:
        start: fix
        steps:
          fix: {{type: task, team: field, duration: 1h}}
    failures:
{failures}
"""


def model(failures: str, cohort: int = 1) -> str:
    return BASE.format(failures=failures, cohort=cohort)


def draws(seed: int, stream: str, key: int, count: int) -> list[float]:
    """The first `count` values customer `key` takes from failure stream `stream`."""
    sampler = Streams(np.random.SeedSequence(seed)).uniform("failures", stream)
    customer = SimpleNamespace(key=key, lane=0, drawn={}, own={})
    return [sampler(customer) for _ in range(count)]


def failures_of(run: Run, case_id: int) -> list[tuple[float, str]]:
    history = run.cases[case_id].history or []
    return [(e.time, e.details["name"]) for e in history if e.what == "failure"]


def test_a_failure_at_a_list_of_steps_happens_at_each_of_them() -> None:
    done = Run(
        scenario(
            model(
                "      - {name: late, at: [connect, install], probability: 1, "
                "effect: {delay: 45min}}"
            )
        )
    )
    # sell 0-10; connect delayed to 55, done 75; install delayed to 120, done 150
    assert failures_of(done, 1) == [(10, "late"), (75, "late")]
    assert (150, None, "resolved") in done.log(1)
    assert done.world.failure_counts["late"] == 2


def test_a_group_draws_once_per_attempt_and_its_shares_split_the_draw() -> None:
    # late and no_show act before the work, damaged after it: one draw decides for all
    failures = (
        "      - {name: late, at: sell, group: visit, probability: 0.15, effect: {delay: 1h}}\n"
        "      - {name: no_show, at: sell, group: visit, probability: 0.05, effect: deny}\n"
        "      - {name: typo, at: sell, probability: 0.5, effect: lose_context}\n"
        "      - {name: damaged, at: sell, group: visit, probability: 0.1,"
        " effect: {spawn: {journey: repair}}}"
    )
    cohort = 300
    done = Run(scenario(model(failures, cohort), f"teams.desk.size={cohort}"), seed=3)
    expected_counts = {"late": 0, "no_show": 0, "typo": 0, "damaged": 0}
    for key in range(cohort):
        (point,) = draws(3, "group visit", key, 1)
        (own,) = draws(3, "typo", key, 1)
        expected = ["late"] if point < 0.15 else ["no_show"] if point < 0.20 else []
        expected += ["typo"] if own < 0.5 else []  # of no group: a draw of its own
        expected += ["damaged"] if 0.20 <= point < 0.30 else []  # after the work
        for name in expected:
            expected_counts[name] += 1
        assert [name for _, name in failures_of(done, key + 1)] == expected, key
    assert dict(done.world.failure_counts) == expected_counts
    assert all(expected_counts.values())  # the test reaches every failure


def test_a_group_of_denials_refuses_a_follow_up_once_per_contact() -> None:
    # two ways for the desk to refuse, 0.5 each: exactly one of them on every attempt of
    # the step and on every follow-up contact; ungrouped, some contacts would meet neither
    text = model(
        "      - {name: not_ours, at: connect, team: desk, group: refusal, probability: 0.5,"
        " effect: deny}\n"
        "      - {name: wrong_desk, at: connect, team: desk, group: refusal, probability: 0.5,"
        " effect: deny}"
    ).replace(
        "connect: {type: task, team: office",
        "connect: {type: task, team: desk",
    )
    text = text.replace(
        "      journey: order\n",
        "      journey: order\n      follow_up_after: 2h\n",
    ).replace(
        "desk: {size: 1, channels: [phone]}",
        "desk: {size: 1, channels: [phone], handle_time: 5min, powers: all}",
    )
    done = Run(scenario(text))
    history = done.cases[1].history or []
    refusals = [e.details["failure"] for e in history if e.what == "not our problem"]
    contacts = [e for e in history if e.what == "follows up"]
    # sell 0-10, connect refused at 10; contacts at 10 + 2 h, then every 2 h 5 min
    assert len(contacts) == len(refusals) == 11
    point = draws(1, "group refusal", 0, 12)
    assert refusals == ["not_ours" if p < 0.5 else "wrong_desk" for p in point[1:]]
    counts = done.world.failure_counts
    assert counts["not_ours"] + counts["wrong_desk"] == 12  # the attempt, and every contact


def problems(text: str, *overrides: str) -> list[str]:
    with pytest.raises(ScenarioError) as error:
        scenario(text, *overrides)
    return [f"{p.path}: {p.message}" for p in error.value.problems]


def test_groups_and_lists_of_steps_are_checked_where_they_are_written() -> None:
    text = model(
        "      - {name: late, at: [connect, instal], group: visit, probability: 0.7,"
        " effect: {delay: 1h}}\n"
        "      - {name: no_show, at: install, group: visit, probability: 0.4, effect: deny}\n"
        "      - {name: damaged, at: install, group: visit, probability: 0.1,"
        " effect: {fail_fix: {after: 1d}}}\n"
        "      - {name: late, at: sell, probability: 0.1, effect: skip}"
    )
    assert problems(text) == [
        "failures.0.at.1: expected the name of a step ('sell', 'connect', 'install' or 'fix'), "
        "got 'instal' (did you mean 'install'?)",
        "failures.0.group: expected the probabilities of group 'visit' to add up to at most 1, "
        "got 1.2 (late 0.7, no_show 0.4, damaged 0.1)",
        "failures.3.name: duplicate failure name 'late'",
    ]
    down = "{name: x, group: g, probability: 0.1, effect: {channel_down: {channel: chat}}}"
    (found,) = problems(model("      []"), f"failures=[{down}]")
    assert "expected no group for channel_down" in found
