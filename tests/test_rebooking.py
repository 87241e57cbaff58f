"""Windows booked again come from the field team's slots, like the first booking.

One customer books a 4h window a day ahead with a one-technician field team open
08:00–16:00, one visit a day; travel is 30 min and the work 1 h. Time 0 is Monday
00:00: the first window is Tuesday 08:00–12:00 (minutes 1920–2160), and the team's
windows are 08:00–12:00 and 12:00–16:00 every day. Every history below is exact.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from cxsim.calendars import Slots
from cxsim.engine.streams import Streams
from tests.helpers import Run, scenario

FIELD = """
    name: field
    horizon: 4d
    drain: 0
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

WEDNESDAY_8 = 2 * 1440 + 480
"""Wednesday 08:00, start of the first window after Tuesday's."""


def row(run: Run) -> dict[str, float]:
    return {name: float(values[0]) for name, values in run.world.recorder.arrays().items()}


def what(run: Run) -> list[tuple[float, str | None, str]]:
    return [line for line in run.log(1) if line[2] not in ("owner", "failure")]


def test_a_window_offered_anew_is_one_of_the_team_s_windows() -> None:
    # the technician is 10 h late: expected at 18:00, after closing. A window "around"
    # 18:00 on a grid from midnight would be 16:00–20:00, when nobody works; the team's
    # next window is Wednesday 08:00–12:00, and the technician comes then
    late = "failures=[{name: late, at: visit, probability: 1, effect: {delay: 10h}}]"
    done = Run(scenario(FIELD, late, "policies.late_notification=rebook"))
    first, second = done.cases[1].promises
    assert (first.due, first.kept) == (2160, False)
    assert (second.kind, second.due, second.window, second.kept) == (
        "appointment",
        WEDNESDAY_8 + 240,
        240,
        True,
    )
    assert (WEDNESDAY_8, "field", "dispatched") in what(done)
    slots = done.world.teams["field"].slots
    assert slots is not None and {s: n for s, n in slots.windows.items() if n} == {WEDNESDAY_8: 1}
    values = row(done)
    assert values["broken_promises"] == 1
    # the broken window waited in whole, the new one until the 08:30 arrival, the work
    assert values["customer_effort"] == 240 + 30 + 60


def test_a_visit_offered_a_later_window_waits_for_it() -> None:
    # two customers, one visit a day: Tuesday's and Wednesday's. Both technicians' visits
    # run 10 h late; each new window is the first day with its slot free, and the visit
    # moves there: Thursday for the first customer, Friday for the second
    late = "failures=[{name: late, at: visit, probability: 1, effect: {delay: 10h}}]"
    two = ("customers.arrivals={cohort: 2}", "horizon=6d")
    done = Run(scenario(FIELD, late, "policies.late_notification=rebook", *two))
    thursday_8, friday_8 = WEDNESDAY_8 + 1440, WEDNESDAY_8 + 2 * 1440
    for case_id, window in ((1, thursday_8), (2, friday_8)):
        case = done.cases[case_id]
        assert [(p.due, p.kept) for p in case.promises][1:] == [(window + 240, True)]
        assert (window, "field", "dispatched") in done.log(case_id)
        assert case.broken == 1
    assert done.cases[1].effort == 240 + 30 + 60


def draws(seed: int, stream: str, count: int) -> list[float]:
    """The first `count` values the first customer takes from failure stream `stream`."""
    sampler = Streams(np.random.SeedSequence(seed)).uniform("failures", stream)
    customer = SimpleNamespace(key=0, lane=0, drawn={}, own={})
    return [sampler(customer) for _ in range(count)]


def no_show_once(seed: int) -> str:
    """A no-show failure the customer meets on their first visit and not on the second."""
    first, second = draws(seed, "no_show", 2)
    assert first < second, "a seed whose first draw is the lower one"
    chance = (first + second) / 2
    return f"failures=[{{name: no_show, at: visit, probability: {chance}, effect: deny}}]"


def test_a_revived_no_show_is_booked_into_the_next_free_window() -> None:
    # nobody comes at 08:00 Tuesday; the watchdog revives the case at 14:00, when the
    # 12:00–16:00 window has started: the next window is Wednesday 08:00
    watchdog = "policies.watchdog={after: 6h, team: care}"
    done = Run(scenario(FIELD, no_show_once(2), watchdog), seed=2)
    assert what(done) == [
        (0, "field", "promise"),
        (0, "field", "booked"),
        (1920, "field", "let go"),
        (2160, "field", "promise broken"),
        (2280, "care", "revived"),
        (2280, "field", "promise"),
        (2280, "field", "booked"),
        (WEDNESDAY_8, "field", "dispatched"),
        (WEDNESDAY_8 + 30, "field", "promise kept"),
        (WEDNESDAY_8 + 30, "field", "arrived"),
        (WEDNESDAY_8 + 90, "field", "visit done"),
        (WEDNESDAY_8 + 90, None, "resolved"),
    ]
    values = row(done)
    assert values["broken_promises"] == 1 and values["missed_appointments"] == 1
    assert values["customer_effort"] == 240 + 30 + 60  # the window waited in for nothing
    assert values["handoffs"] == 2  # to care, which revives it, and back to the field team


def test_a_no_show_revived_in_its_window_gives_it_up_and_frees_its_slot() -> None:
    # revived at 09:00: the old window is given up (broken now), its slot freed, and the
    # one visit of the day goes to Tuesday 12:00–16:00
    watchdog = "policies.watchdog={after: 1h, team: care}"
    done = Run(scenario(FIELD, no_show_once(2), watchdog), seed=2)
    lines = what(done)
    assert lines[3:7] == [
        (1980, "care", "revived"),
        (1980, "field", "promise broken"),
        (1980, "field", "promise"),
        (1980, "field", "booked"),
    ]
    assert (2160, "field", "dispatched") in lines
    assert [p.kept for p in done.cases[1].promises] == [False, True]
    assert row(done)["customer_effort"] == 60 + 30 + 60


def test_slots_book_around_a_time() -> None:
    slots = Slots(1, 3, None)  # windows from midnight, one technician, three visits a day
    assert slots.book(300.0, 240.0, around=True) == 240.0  # 05:00 falls in 04:00–08:00
    assert slots.book(300.0, 240.0, around=True) == 480.0  # taken: the next one
    assert slots.book(480.0, 240.0, around=True) == 720.0  # 08:00 starts 08:00–12:00, taken
    assert slots.book(0.0, 240.0, around=True) == 1440.0  # three a day: the next day
