"""Customer behaviour on tiny constant-duration scenarios: follow up, escalate, give up,
failing channels, digital comfort, redial. Every history below is exact.
"""

from __future__ import annotations

import pytest

from cxsim.engine.case import Case
from tests.helpers import Run, scenario

CHASE = """
    name: chase
    horizon: 10d
    drain: 0             # the horizon ends the story: what is open is censored there
    customers:
      arrivals: {cohort: 1}
      journey: repair
      channels: {phone: 1}
      follow_up_after: 1d
      escalate_after: 2
      give_up_after: 5d
    teams:
      office: {size: 1}
      care: {size: 1, channels: [phone], handle_time: 5min}
      social_care: {size: 1, channels: [social], handle_time: 10min, powers: all}
    journeys:
      repair:
        start: work
        steps:
          work: {type: task, team: office, duration: 1h}
    failures:
      - {name: silent, at: work, probability: 1, effect: drop}
"""
"""The office goes silent on every attempt; care cannot act, social care can."""


def row(run: Run) -> dict[str, float]:
    return {name: float(values[0]) for name, values in run.world.recorder.arrays().items()}


def what(run: Run) -> list[tuple[float, str | None, str]]:
    return [line for line in run.log(1) if line[2] not in ("owner", "failure", "answered")]


def test_follow_up_escalate_revive_and_give_up() -> None:
    done = Run(scenario(CHASE))
    assert what(done) == [
        (0, "office", "let go"),
        (1440, "care", "follows up"),  # a day of silence
        (1445, "care", "nothing moves"),  # care has no powers over the step
        (2885, "care", "follows up"),
        (2890, "care", "nothing moves"),
        (4330, "social_care", "escalates in public"),  # two fruitless contacts: go public
        (4330, "social_care", "repeat"),  # social care does not know the case
        (4340, "social_care", "revived"),
        (4340, "office", "let go"),  # the office drops it again
        (5780, "care", "follows up"),  # revived: the count of fruitless contacts starts over
        (5785, "care", "nothing moves"),
        (7200, None, "gave_up"),  # five days after the case opened: the last line
    ]
    values = row(done)
    assert values["contacts"] == 4 and values["repeats"] == 1
    assert values["customer_effort"] == 5 + 5 + 10 + 5
    assert values["gave_up"] == 1 and values["resolved"] == 0
    assert values["orphan_time"] == 7200  # nobody owned it but for the revival instant


def test_a_team_with_powers_revives_at_the_first_follow_up() -> None:
    done = Run(scenario(CHASE, "teams.care.powers=[work]", "failures=[]"))
    assert what(done)[-1] == (60, None, "resolved")  # no failure: nothing to chase
    revived = Run(
        scenario(
            CHASE,
            "teams.care.powers=[work]",
            "customers.give_up_after=30h",
        )
    )
    assert (1445, "care", "revived") in what(revived)


def test_deny_refuses_the_follow_up_contact() -> None:
    deny = "{name: not_ours, team: care, probability: 1, effect: deny}"
    done = Run(
        scenario(
            CHASE,
            "teams.care.powers=all",
            f"failures=[{{name: silent, at: work, probability: 1, effect: drop}}, {deny}]",
            "customers.escalate_after=5",
            "customers.give_up_after=2d",
        )
    )
    assert (1445, "care", "not our problem") in what(done)
    assert done.world.failure_counts["not_ours"] == 1  # gave up at 2d, before the next


def test_without_follow_up_the_customer_only_waits() -> None:
    done = Run(scenario(CHASE, "customers.follow_up_after=null", "customers.give_up_after=null"))
    assert what(done) == [(0, "office", "let go")]
    assert row(done)["contacts"] == 0


CONTACT = """
    name: reach
    horizon: 1h
    drain: 0             # the horizon ends the story: what is open is censored there
    customers:
      arrivals: {cohort: 1}
      journey: ask
      channels: {chat: 1}
    teams:
      care: {size: 1, channels: [chat, phone]}
    journeys:
      ask:
        start: call
        steps:
          call: {type: contact, team: care, handle_time: 5min}
"""


def test_a_failed_channel_costs_a_try_and_sends_the_customer_to_the_next() -> None:
    down = "failures=[{name: broken_link, probability: 1, effect: {channel_down: {channel: chat}}}]"
    done = Run(scenario(CONTACT, down))
    assert what(done) == [
        (0, "care", "channel down"),
        (10, "care", "contact"),
        (15, None, "resolved"),
    ]
    assert done.cases[1].channel == "phone"
    assert row(done)["contacts"] == 2 and row(done)["customer_effort"] == 15


def test_a_channel_down_for_another_segment_does_not_hit() -> None:
    text = CONTACT.replace(
        "channels: {chat: 1}",
        "channels: {chat: 1}\n      segments: [{name: young, share: 1}]",
    )
    down = (
        "failures=[{name: broken_link, probability: 1,"
        " effect: {channel_down: {channel: chat, segment: young}}}]"
    )
    assert Run(scenario(text, down)).cases[1].channel == "phone"
    other = down.replace("segment: young", "segment: young")
    assert Run(scenario(text, other, "failures.0.probability=0")).cases[1].channel == "chat"


def test_a_customer_without_digital_comfort_keeps_to_the_phone() -> None:
    assert Run(scenario(CONTACT)).cases[1].channel == "chat"
    done = Run(scenario(CONTACT, "customers.digital_comfort=0"))
    assert done.cases[1].channel == "phone"
    assert row(done)["contacts"] == 1


def test_redial_after_abandoning_counts_each_try() -> None:
    done = Run(
        scenario(
            CONTACT,
            "customers.arrivals={cohort: 2}",
            "journeys.ask.steps.call.handle_time=2h",  # case 1 takes the one agent throughout
            "customers.patience=1min",
            "customers.redial=1",
            "customers.redial_after=10min",
        )
    )
    tries = [t for t, _, w in done.log(2) if w == "abandoned"]
    assert tries == [1, 12, 23, 34, 45, 56]
    assert done.cases[2].contacts == 6
    assert done.world.teams["care"].abandoned == 6


ARRIVAL_KINDS = [
    "1/h",
    '{hourly: {"0-24": 1/h}}',
    '{weekly: {mon-sun: {"0-24": 1/h}}}',
    "{cohort: 3}",
]


def _every_case(text: str, *overrides: str) -> list[Case]:
    done = Run(scenario(text, "horizon=4h", "customers.arrivals=" + overrides[0], *overrides[1:]))
    assert done.cases, "no case arrived"
    return list(done.cases.values())


@pytest.mark.parametrize("arrivals", ARRIVAL_KINDS)
def test_a_failing_channel_hits_whatever_the_arrival_kind(arrivals: str) -> None:
    down = "failures=[{name: broken_link, probability: 1, effect: {channel_down: {channel: chat}}}]"
    cases = _every_case(CONTACT, arrivals, down, "teams.care.size=5")
    assert all(case.channel == "phone" and case.contacts == 2 for case in cases)


@pytest.mark.parametrize("arrivals", ARRIVAL_KINDS)
def test_no_digital_comfort_keeps_to_the_phone_whatever_the_arrival_kind(arrivals: str) -> None:
    cases = _every_case(CONTACT, arrivals, "customers.digital_comfort=0", "teams.care.size=5")
    assert all(case.channel == "phone" for case in cases)
    comfortable = _every_case(CONTACT, arrivals, "teams.care.size=5")
    assert all(case.channel == "chat" for case in comfortable)
