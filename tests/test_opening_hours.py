"""Customers keep hours: a closed real-time channel is tried after it opens, messages wait.

Time 0 is Monday 00:00; a 22 h wait owned by nobody brings the customer to 22:00, when
the teams (open 08:00–17:00) are closed.
"""

from __future__ import annotations

from tests.helpers import Run, scenario

NIGHT = 22 * 60
MORNING = 1440 + 8 * 60

CLOSED = """
    name: closed
    horizon: 3d
    calendars: {days: {daily: "08:00-17:00"}}
    customers:
      arrivals: {cohort: 1}
      journey: j
      channels: {phone: 1}
      return_after: 15min
    teams:
      desk: {size: 1, channels: [phone, email], calendar: days, handle_time: 5min}
    journeys:
      j:
        start: evening
        steps:
          evening: {type: wait, duration: 22h, owner: nobody, next: call}
          call: {type: contact, team: desk, channel: phone, handle_time: 5min}
"""


def calls(run: Run) -> list[tuple[float, str | None, str]]:
    return [line for line in run.log(1) if line[2] not in ("waiting", "wait over", "owner")]


def test_a_call_to_a_closed_line_comes_back_after_it_opens() -> None:
    run = Run(scenario(CLOSED))
    assert calls(run) == [
        (NIGHT, "desk", "closed"),
        (MORNING + 15, "desk", "contact"),  # 08:00 and the 15 minutes drawn
        (MORNING + 15, "desk", "answered"),
        (MORNING + 20, None, "resolved"),
    ]
    case = run.cases[1]
    (closed,) = [e for e in case.history or [] if e.what == "closed"]
    assert (closed.channel, closed.details) == ("phone", {"back": MORNING + 15})
    assert (case.contacts, case.effort) == (1, 5)  # the closed line is no contact, no effort


def test_a_message_at_night_is_queued_and_answered_at_opening() -> None:
    run = Run(
        scenario(
            CLOSED.replace(
                "channel: phone, handle_time: 5min}", "channel: email, handle_time: 5min}"
            )
        )
    )
    assert calls(run) == [
        (NIGHT, "desk", "contact"),
        (MORNING, "desk", "answered"),
        (MORNING + 5, None, "resolved"),
    ]


def test_a_customer_may_write_instead_when_the_line_is_closed() -> None:
    text = CLOSED.replace("return_after: 15min", "return_after: 15min\n      switch_when_closed: 1")
    fixed = Run(scenario(text))  # the step says phone: they wait for it
    assert [line[2] for line in calls(fixed)] == ["closed", "contact", "answered", "resolved"]
    free = Run(scenario(text.replace("channel: phone, handle_time", "handle_time")))
    assert calls(free) == [
        (NIGHT, "desk", "closed"),
        (NIGHT, "desk", "contact"),
        (MORNING, "desk", "answered"),
        (MORNING + 5, None, "resolved"),
    ]
    assert free.cases[1].channel == "email"


FOLLOW = """
    name: follow
    horizon: 3d
    calendars: {days: {daily: "08:00-17:00"}}
    customers:
      arrivals: {cohort: 1}
      journey: j
      channels: {phone: 1}
      return_after: 15min
      follow_up_after: 22h
    teams:
      office: {size: 1}
      desk: {size: 1, channels: [phone], calendar: days, handle_time: 5min}
    journeys:
      j:
        start: work
        steps:
          work: {type: task, team: office, duration: %s}
"""


def test_a_follow_up_due_at_night_is_made_after_opening() -> None:
    run = Run(scenario(FOLLOW % "2d"))
    assert [line for line in run.log(1) if line[1] != "office"] == [
        (NIGHT, "desk", "closed"),  # nothing for 22 h: the customer would call now
        (MORNING + 15, "desk", "follows up"),
        (MORNING + 15, "desk", "answered"),
        (MORNING + 20, "desk", "nothing moves"),
        (2880, None, "resolved"),
    ]


def test_no_follow_up_once_the_case_moved_while_waiting_for_opening() -> None:
    run = Run(scenario(FOLLOW % f"{MORNING + 10}min"))
    assert [line for line in run.log(1) if line[1] != "office"] == [
        (NIGHT, "desk", "closed"),
        (MORNING + 10, None, "resolved"),  # fixed before the customer calls back
    ]
    assert run.cases[1].contacts == 0
