"""Routing like a contact centre: priorities and overflow, on tiny constant-duration
scenarios with exact histories and counters.
"""

from __future__ import annotations

import math

import pytest

from cxsim.metrics import replication_metrics
from cxsim.scenario import ScenarioError
from tests.helpers import Run, scenario
from tests.test_customers import CHASE

PRIORITIES = """
    name: priorities
    horizon: 1d
    customers:
      arrivals: {cohort: 8}
      journey: support
      segments:
        - {name: gold, share: 0.4, priority: 2}
        - {name: basic, share: 0.6}
    teams:
      desk: {size: 1, channels: [phone]}
    journeys:
      support:
        start: call
        steps:
          call: {type: contact, team: desk, handle_time: 5min}
"""
"""One agent, eight callers at once: the first is answered, the others queue."""


def answered_at(run: Run) -> dict[int, float]:
    return {
        case: time for case in run.cases for time, _, what in run.log(case) if what == "answered"
    }


def test_higher_priority_is_served_first_and_equals_in_order_of_arrival() -> None:
    run = Run(scenario(PRIORITIES))
    segments = {case: run.cases[case].segment.name for case in run.cases}
    assert segments[1] in ("gold", "basic")
    queued = [case for case in sorted(run.cases) if case != 1]
    gold = [case for case in queued if segments[case] == "gold"]
    basic = [case for case in queued if segments[case] == "basic"]
    assert gold and basic  # both kinds wait behind the first caller
    # the first caller is taken at once; nobody is cut short for a higher priority
    order = [1, *gold, *basic]
    assert answered_at(run) == {case: 5.0 * i for i, case in enumerate(order)}


def test_without_priorities_the_queue_is_first_come_first_served() -> None:
    run = Run(scenario(PRIORITIES, "customers.segments.0.priority=0"))
    assert answered_at(run) == {case: 5.0 * (case - 1) for case in range(1, 9)}


def test_customers_priority_is_inherited_and_a_segment_overrides_it() -> None:
    text = PRIORITIES.replace("      segments:", "      priority: 3\n      segments:")
    run = Run(scenario(text, "customers.segments.0.priority=1"))
    # basic inherits 3 from customers: now basic callers go first
    order = [case for case in sorted(run.cases) if case != 1]
    order.sort(key=lambda case: run.cases[case].segment.name != "basic")
    assert answered_at(run) == {case: 5.0 * i for i, case in enumerate([1, *order])}


def test_a_low_priority_caller_leaves_from_the_middle_of_the_queue() -> None:
    # basic callers wait 12 minutes at most; gold ones for ever
    run = Run(scenario(PRIORITIES, "customers.segments.1.patience=12min"))
    desk = run.world.teams["desk"]
    queued = [case for case in sorted(run.cases) if case != 1]
    gold = [case for case in queued if run.cases[case].segment.name == "gold"]
    basic = [case for case in queued if run.cases[case].segment.name == "basic"]
    served = [1, *gold]
    assert len(gold) >= 2 and basic  # so every queued basic caller waits past 12 minutes
    assert answered_at(run) == {case: 5.0 * i for i, case in enumerate(served)}
    for case in basic:
        assert run.log(case)[-2:] == [(12, "desk", "abandoned"), (12, None, "gave_up")]
    assert (desk.offered, desk.answered, desk.abandoned) == (8, len(served), len(basic))
    assert not desk.resource.waiting
    assert desk.busy_area == 5 * len(served)


def test_tasks_are_taken_by_priority_too() -> None:
    text = (
        PRIORITIES.replace("desk: {size: 1, channels: [phone]}", "office: {size: 1}")
        .replace(
            "call: {type: contact, team: desk, handle_time: 5min}",
            "file: {type: task, team: office, duration: 5min}",
        )
        .replace("start: call", "start: file")
    )
    run = Run(scenario(text))
    done = {
        case: time for case in run.cases for time, _, what in run.log(case) if what == "task done"
    }
    queued = [case for case in sorted(run.cases) if case != 1]
    queued.sort(key=lambda case: run.cases[case].segment.name != "gold")
    assert done == {case: 5.0 * (i + 1) for i, case in enumerate([1, *queued])}


OVERFLOW = """
    name: overflow
    horizon: 1d
    customers:
      arrivals: {cohort: 3}
      journey: support
    teams:
      agents: {size: 1, channels: [phone], overflow: {team: generalists, after: 2min}}
      generalists: {size: 1, channels: [phone, chat]}
    journeys:
      support:
        start: call
        steps:
          call: {type: contact, team: agents, channel: phone, handle_time: 10min}
"""
"""One agent busy for 10 minutes; after 2 minutes a waiting caller may reach a generalist."""


def test_a_contact_waiting_past_the_overflow_time_is_answered_by_the_overflow_team() -> None:
    run = Run(scenario(OVERFLOW))
    assert run.log(1) == [
        (0, "agents", "contact"),
        (0, "agents", "owner"),
        (0, "agents", "answered"),
        (10, None, "resolved"),
    ]
    # the idle generalist answers the second caller the moment it overflows
    assert run.log(2) == [
        (0, "agents", "contact"),
        (2, "agents", "overflows"),
        (2, "generalists", "owner"),
        (2, "generalists", "answered"),
        (12, None, "resolved"),
    ]
    # the third overflows too, but the agent is free first (at 10, the generalist at 12)
    assert run.log(3) == [
        (0, "agents", "contact"),
        (2, "agents", "overflows"),
        (10, "agents", "owner"),
        (10, "agents", "answered"),
        (20, None, "resolved"),
    ]
    assert run.cases[2].history[1].details == {"to": "generalists"}  # type: ignore[index]
    agents, generalists = run.world.teams["agents"], run.world.teams["generalists"]
    assert not agents.resource.waiting and not generalists.resource.waiting
    # the agents' queue counts every contact offered to it, whoever answered it
    assert (agents.offered, agents.answered, agents.abandoned, agents.overflowed) == (3, 3, 0, 1)
    assert agents.wait_sum == 0 + 2 + 10
    assert (generalists.offered, generalists.answered, generalists.answered_overflow) == (0, 0, 1)
    assert (agents.busy_area, generalists.busy_area) == (20, 10)
    values = replication_metrics(0, run.world.recorder.tally(), run.world.teams).teams
    assert math.isnan(values["agents"].pop("booking_to_visit"))  # not a field team
    assert values["agents"] | {"occupancy": 0} == {
        "asa": 4.0,
        "service_level": 1 / 3,
        "abandonment_rate": 0.0,
        "occupancy": 0,
        "handled": 2.0,
        "offered": 3.0,
        "abandoned": 0.0,
        "overflowed": 1.0,
        "waiting": 0.0,
    }
    assert values["generalists"]["handled"] == 1.0
    assert values["generalists"]["offered"] == 0.0 and values["generalists"]["waiting"] == 0.0


def test_patience_runs_across_the_overflow() -> None:
    # the generalist is away (no one on duty): waiting at both teams, the third caller
    # leaves 5 minutes after calling, not 5 minutes after overflowing
    run = Run(scenario(OVERFLOW, "customers.patience=5min", "teams.generalists.size=0"))
    assert run.log(3) == [
        (0, "agents", "contact"),
        (2, "agents", "overflows"),
        (5, "agents", "abandoned"),
        (5, None, "gave_up"),
    ]
    agents, generalists = run.world.teams["agents"], run.world.teams["generalists"]
    assert (agents.offered, agents.answered, agents.abandoned, agents.overflowed) == (3, 1, 2, 0)
    assert not agents.resource.waiting and not generalists.resource.waiting


def test_a_customer_who_gives_up_leaves_both_queues() -> None:
    run = Run(
        scenario(
            OVERFLOW,
            "customers.give_up_after=4min",
            "teams.generalists.size=0",
            "journeys.support.steps.call.handle_time=3min",
        )
    )
    # the first is served 0-3, the second is taken at 3 and gives up mid-contact at 4;
    # the third gives up at 4 while queued at the agents and the generalists
    assert run.log(3) == [
        (0, "agents", "contact"),
        (2, "agents", "overflows"),
        (4, "agents", "abandoned"),
        (4, None, "gave_up"),
    ]
    agents, generalists = run.world.teams["agents"], run.world.teams["generalists"]
    assert not agents.resource.waiting and not generalists.resource.waiting
    assert (agents.offered, agents.answered, agents.abandoned) == (3, 2, 1)
    assert agents.busy_area == 3 + 1


def test_only_contacts_on_a_channel_the_overflow_team_answers_overflow() -> None:
    text = OVERFLOW.replace("[phone], overflow", "[phone, chat], overflow").replace(
        "channel: phone", "channel: chat"
    )
    run = Run(scenario(text, "teams.generalists.channels=[chat, email]"))
    assert run.world.teams["agents"].overflowed == 1
    run = Run(scenario(text, "teams.generalists.channels=[phone, email]"))
    assert run.world.teams["agents"].overflowed == 0
    assert run.log(3)[-1] == (30, None, "resolved")


def test_a_follow_up_answered_by_the_overflow_team_can_revive_the_case() -> None:
    run = Run(
        scenario(
            CHASE,
            "teams.care.size=0",
            "teams.care.overflow={team: experts, after: 1min}",
            "teams.experts={size: 1, channels: [phone], handle_time: 5min, powers: all}",
            "customers.give_up_after=30h",
        )
    )
    assert run.log(1)[4:9] == [
        (1440, "care", "follows up"),
        (1441, "care", "overflows"),
        (1441, "experts", "answered"),
        (1446, "experts", "owner"),
        (1446, "experts", "revived"),  # care has no powers over the step; experts have
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            "teams.agents.overflow.team=agents",
            "teams.agents.overflow.team: expected another team than 'agents' itself, got 'agents'",
        ),
        (
            "teams.agents.overflow.team=generalist",
            "teams.agents.overflow.team: expected the name of a team ('generalists'), got "
            "'generalist' (did you mean 'generalists'?)",
        ),
        (
            "teams.generalists.channels=[]",
            "teams.agents.overflow.team: expected a team that answers a channel, got back-office "
            "team 'generalists'",
        ),
        (
            "teams.generalists.channels=[chat]",
            "teams.agents.overflow.team: expected a team that answers a channel team 'agents' "
            "answers ('phone'), got 'generalists', which answers 'chat'",
        ),
        (
            "teams.agents.channels=[]",
            "teams.agents.overflow: expected overflow on a team that answers a channel, got "
            "back-office team 'agents'",
        ),
    ],
)
def test_overflow_is_checked_against_the_teams(change: str, message: str) -> None:
    with pytest.raises(ScenarioError) as error:
        scenario(OVERFLOW, change)
    assert message in [f"{p.path}: {p.message}" for p in error.value.problems]
