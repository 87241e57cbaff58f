"""Arrival patterns, segments and warm-up on small scenarios."""

from __future__ import annotations

import numpy as np

from tests.helpers import Run, scenario

BASE = """
    name: arrivals
    horizon: {horizon}
    warmup: {warmup}
    customers:
      arrivals: {arrivals}
      journey: support
      segments:
        - {{name: phone_people, share: 0.7, channels: {{phone: 1}}}}
        - {{name: chatters, share: 0.3, channels: {{chat: 3, phone: 1}}}}
    teams:
      desk: {{size: 50, channels: [phone, chat]}}
    journeys:
      support:
        start: call
        steps:
          call: {{type: contact, team: desk, handle_time: 1min}}
"""


def make(arrivals: str, horizon: str = "7d", warmup: str = "0") -> Run:
    return Run(scenario(BASE.format(arrivals=arrivals, horizon=horizon, warmup=warmup)), seed=2)


def test_hourly_rates_only_open_cases_in_their_hours() -> None:
    run = make('{hourly: {"8-12": 30/h, "14-16": 60/h}}')
    created = np.array([c.created for c in run.cases.values()])
    hour = (created % 1440) // 60
    assert set(np.unique(hour)) <= {8, 9, 10, 11, 14, 15}
    # 7 days x (4 h x 30 + 2 h x 60) = 1680 expected arrivals; Poisson sd about 41
    assert abs(len(created) - 1680) < 4 * np.sqrt(1680)
    morning = np.sum(hour < 12)
    assert abs(morning - 840) < 4 * np.sqrt(840)


def test_cohort_opens_all_cases_at_time_zero() -> None:
    run = make("{cohort: 25}", horizon="1h")
    assert len(run.cases) == 25
    assert {c.created for c in run.cases.values()} == {0.0}


def test_segments_take_their_shares_and_channels() -> None:
    run = make("20/min", horizon="1d")
    cases = list(run.cases.values())
    chatters = [c for c in cases if c.segment.name == "chatters"]
    share = len(chatters) / len(cases)
    assert abs(share - 0.3) < 4 * np.sqrt(0.3 * 0.7 / len(cases))
    assert {c.channel for c in cases if c.segment.name == "phone_people"} == {"phone"}
    on_chat = np.mean([c.channel == "chat" for c in chatters])
    assert abs(on_chat - 0.75) < 4 * np.sqrt(0.75 * 0.25 / len(chatters))


def test_cases_arriving_in_the_warmup_are_not_counted() -> None:
    run = make("2/min", horizon="10h", warmup="4h")
    counted = run.world.recorder.arrays()["created"]
    assert len(counted) == sum(1 for c in run.cases.values() if c.created >= 240)
    assert counted.min() >= 240
    assert run.world.teams["desk"].offered == len(counted)
