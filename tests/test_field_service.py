"""Appointments, field visits and promises on a tiny constant-duration scenario.

One customer books a 4h window a day ahead with a one-technician field team open
08:00–16:00; travel is 30 min and the work 1 h. Time 0 is Monday 00:00, so the first
window is Tuesday 08:00–12:00 (minutes 1920–2160). Every history below is exact.
"""

from __future__ import annotations

from cxsim.calendars import Slots
from tests.helpers import Run, scenario

FIELD = """
    name: field
    horizon: 4d
    drain: 0             # the horizon ends the story: what is open is censored there
    customers:
      arrivals: {cohort: 1}
      journey: install
    calendars: {day: {mon-sun: "08:00-16:00"}}
    teams:
      field: {size: 1, travel: 30min, visits_per_day: 1, calendar: day}
      care: {size: 1, channels: [phone], handle_time: 5min}
    journeys:
      install:
        start: book
        steps:
          book: {type: appointment, team: field, window: 4h, lead_time: 1d, next: visit}
          visit: {type: field_visit, team: field, duration: 1h}
"""

LATE = "failures=[{name: late, at: visit, probability: 1, effect: {delay: 5h}}]"
"""The ticket reaches the technician five hours into the window: arrival at 13:30."""


def row(run: Run) -> dict[str, float]:
    return {name: float(values[0]) for name, values in run.world.recorder.arrays().items()}


def what(run: Run) -> list[tuple[float, str | None, str]]:
    return [line for line in run.log(1) if line[2] not in ("owner", "failure")]


def test_a_visit_on_time_keeps_the_appointment() -> None:
    done = Run(scenario(FIELD))
    assert what(done) == [
        (0, "field", "promise"),
        (0, "field", "booked"),
        (1920, "field", "dispatched"),
        (1950, "field", "promise kept"),
        (1950, "field", "arrived"),
        (2010, "field", "visit done"),
        (2010, None, "resolved"),
    ]
    values = row(done)
    assert values["broken_promises"] == 0
    assert values["visits"] == 1 and values["fixed_first_visit"] == 1
    assert values["customer_effort"] == 30 + 60  # waiting in from 08:00, then the work


def test_a_late_technician_breaks_the_appointment() -> None:
    done = Run(scenario(FIELD, LATE))
    assert what(done) == [
        (0, "field", "promise"),
        (0, "field", "booked"),
        (2160, "field", "promise broken"),
        (2220, "field", "dispatched"),
        (2250, "field", "arrived"),
        (2310, "field", "visit done"),
        (2310, None, "resolved"),
    ]
    values = row(done)
    assert values["broken_promises"] == 1 and values["missed_appointments"] == 1
    assert values["customer_effort"] == 330 + 60
    assert values["outbound"] == 0


def test_eta_gives_a_new_time_that_is_kept() -> None:
    done = Run(scenario(FIELD, LATE, "policies.late_notification=eta"))
    lines = what(done)
    assert lines[2:6] == [
        (2160, "field", "promise broken"),
        (2160, "field", "promise"),  # the expected start (13:00) plus the 1h margin
        (2160, "field", "told"),
        (2220, "field", "dispatched"),
    ]
    assert (2250, "field", "promise kept") in lines
    eta = done.cases[1].promises[1]
    assert (eta.kind, eta.due, eta.kept) == ("eta", 2220 + 60, True)
    assert row(done)["outbound"] == 1
    assert row(done)["broken_promises"] == 1


def test_rebook_offers_a_new_window_around_the_expected_time() -> None:
    done = Run(scenario(FIELD, LATE, "policies.late_notification=rebook"))
    window = done.cases[1].promises[1]
    assert (window.kind, window.due, window.window, window.kept) == ("appointment", 2400, 240, True)
    # the broken window waited in whole, the new one from 12:00 to the 13:30 arrival, the work
    assert row(done)["customer_effort"] == 240 + 90 + 60


def test_generic_message_does_not_stop_the_customer_chasing_but_eta_does() -> None:
    chasing = "customers.follow_up_after=1d"
    generic = Run(scenario(FIELD, LATE, chasing, "policies.late_notification=generic"))
    assert (2160, "care", "follows up") in what(generic)
    assert row(generic)["contacts"] == 1 and row(generic)["outbound"] == 1
    silent = Run(scenario(FIELD, LATE, chasing))
    assert (2160, "care", "follows up") in what(silent)
    assert row(silent)["outbound"] == 0
    informed = Run(scenario(FIELD, LATE, chasing, "policies.late_notification=eta"))
    assert row(informed)["contacts"] == 0


def test_slots_are_limited_per_window_and_per_day() -> None:
    # one technician, two visits a day: windows 08-12 and 12-16 on Tuesday, then Wednesday
    done = Run(scenario(FIELD, "customers.arrivals={cohort: 3}", "teams.field.visits_per_day=2"))
    starts = [
        event.details["window_start"]
        for case in done.cases.values()
        for event in case.history or []
        if event.what == "booked"
    ]
    assert sorted(starts) == [1920, 2160, 1920 + 1440]


def test_a_missing_precondition_wastes_the_visit_and_rebooks() -> None:
    text = FIELD.replace(
        "start: book",
        "start: connect",
    ).replace(
        "steps:\n",
        "steps:\n          connect: {type: task, team: care, duration: 10min, provides: [line], "
        "next: book}\n",
    )
    text = text.replace(
        "visit: {type: field_visit, team: field, duration: 1h}",
        "visit: {type: field_visit, team: field, duration: 1h, requires: [line]}",
    )
    done = Run(
        scenario(text, "failures=[{name: missed, at: connect, probability: 1, effect: skip}]")
    )
    lines = what(done)
    # connect skipped, a window booked a day ahead, a visit made for nothing, again: the
    # 09:30 Tuesday visit books Wednesday 12:00 (next window after 09:30); the 13:30
    # Wednesday visit books Friday 08:00, past the horizon
    assert [t for t, _, w in lines if w == "wasted"] == [2010, 2 * 1440 + 720 + 90]
    values = row(done)
    assert values["wasted_visits"] == 2 and values["visits"] == 2
    assert values["resolved"] == 0 and values["fixed_first_visit"] == 0


def test_a_step_promise_is_kept_when_the_step_ends_in_time_and_broken_otherwise() -> None:
    text = """
        name: callback
        horizon: 1d
        customers: {arrivals: {cohort: 1}, journey: j}
        teams: {office: {size: 1}}
        journeys:
          j:
            start: work
            steps:
              work: {type: task, team: office, duration: 3h, promise: %s}
    """
    kept = Run(scenario(text % "4h"))
    assert [p.kept for p in kept.cases[1].promises] == [True]
    broken = Run(scenario(text % "2h"))
    assert (120, "office", "promise broken") in what(broken)
    assert row(broken)["broken_promises"] == 1
    assert row(broken)["missed_appointments"] == 0  # not an appointment


def test_a_customer_who_gives_up_before_the_window_frees_its_slot() -> None:
    slots = Slots(1, 1, None)
    first = slots.book(0.0, 240.0)
    assert slots.book(0.0, 240.0) == 1440.0  # one visit a day: the next is tomorrow
    slots.release(first)
    assert slots.book(0.0, 240.0) == first  # called off: the slot is free again


def test_giving_up_before_the_window_calls_the_booking_off() -> None:
    text = """
        name: call-off
        horizon: 5d
        drain: 0
        customers: {arrivals: {cohort: 1}, journey: fix, give_up_after: 1d}
        teams:
          techs: {size: 1}
        journeys:
          fix:
            start: book
            steps:
              book: {type: appointment, team: techs, lead_time: 2d, next: visit}
              visit: {type: field_visit, team: techs, duration: 1h}
    """
    done = Run(scenario(text))
    assert done.cases[1].outcome == "gave_up"
    slots = done.world.teams["techs"].slots
    assert slots is not None and not any(slots.windows.values())
