"""Weeks, start dates and holidays: arrivals by weekday and hour, calendars closed on holidays."""

from __future__ import annotations

import datetime

import numpy as np
from scipy import stats

from cxsim.calendars import Slots, business_hours
from tests.helpers import Run, scenario

DAY = 1440.0

WEEKLY = """
    name: weekly
    horizon: {horizon}
    {start}
    customers:
      arrivals: {{weekly: {profile}}}
      journey: support
    teams:
      desk: {{size: 50, channels: [phone]}}
    journeys:
      support:
        start: call
        steps:
          call: {{type: contact, team: desk, handle_time: 1min}}
"""


def arrival_times(profile: str, horizon: str, start: str = "", seed: int = 3) -> np.ndarray:
    text = WEEKLY.format(profile=profile, horizon=horizon, start=start)
    run = Run(scenario(text), seed=seed)
    return np.array(sorted(c.created for c in run.cases.values()))


def test_weekly_arrivals_follow_their_weekday_and_hour_profile() -> None:
    profile = '{mon-fri: {"8-12": 30/h, "12-18": 10/h}, sat: {"9-13": 20/h}}'
    created = arrival_times(profile, "4w")
    weekday, hour = (created // DAY % 7).astype(int), (created % DAY // 60).astype(int)
    # Poisson means per hour of the week over 4 weeks: 120 in a weekday morning hour, 40
    # in an afternoon hour, 80 in a Saturday hour, none anywhere else (Sunday included)
    expected = np.zeros((7, 24))
    expected[:5, 8:12], expected[:5, 12:18], expected[5, 9:13] = 120, 40, 80
    observed = np.zeros((7, 24))
    np.add.at(observed, (weekday, hour), 1)
    assert np.all(observed[expected == 0] == 0)
    cells = expected > 0
    # every hour cell against its mean: a chi-square test of the 54 Poisson counts
    chi2 = float(np.sum((observed[cells] - expected[cells]) ** 2 / expected[cells]))
    assert stats.chi2.sf(chi2, int(cells.sum())) > 0.001
    # and each kind of hour as a whole, inside 4 Poisson standard deviations of its mean
    for rows, hours, mean in (
        (slice(0, 5), slice(8, 12), 2400),
        (slice(0, 5), slice(12, 18), 1200),
        (5, slice(9, 13), 320),
    ):
        assert abs(observed[rows, hours].sum() - mean) < 4 * np.sqrt(mean)


def test_weekly_arrivals_start_on_the_weekday_of_the_start_date() -> None:
    # 2026-12-26 is a Saturday: time 0 is Saturday 00:00, the second day a Sunday
    profile = '{sat: {"9-13": 60/h}, sun: {"10-11": 30/h}}'
    created = arrival_times(profile, "2d", "start: 2026-12-26")
    saturday, sunday = created[created < DAY], created[created >= DAY]
    assert saturday.min() >= 9 * 60 and saturday.max() < 13 * 60
    assert sunday.min() >= DAY + 10 * 60 and sunday.max() < DAY + 11 * 60
    assert abs(len(saturday) - 240) < 4 * np.sqrt(240) and abs(len(sunday) - 30) < 4 * np.sqrt(30)


def test_hourly_arrivals_are_the_same_profile_every_day() -> None:
    text = WEEKLY.format(profile="{}", horizon="2w", start="").replace(
        "{weekly: {}}", '{hourly: {"6-7": 20/h}}'
    )
    created = np.array([c.created for c in Run(scenario(text), seed=4).cases.values()])
    per_day = np.bincount((created // DAY).astype(int), minlength=14)
    assert set(np.unique(created % DAY // 60)) == {6}
    assert stats.chisquare(per_day).pvalue > 0.001  # 20 a day on every day, Sunday too


OFFICE = {"mon-fri": "08:00-17:00", "holidays": ["2026-12-25"]}


def test_hours_turn_to_the_start_weekday_and_close_on_holidays() -> None:
    hours = business_hours(OFFICE, datetime.date(2026, 12, 23))  # a Wednesday; Friday off
    spans = hours.spans(0.0)
    assert [next(spans) for _ in range(3)] == [
        (480, 1020),  # Wednesday
        (DAY + 480, DAY + 1020),  # Thursday; Friday 25 is a holiday
        (5 * DAY + 480, 5 * DAY + 1020),  # Monday
    ]
    assert hours.closed_minutes(0, 7 * DAY) == 7 * DAY - 4 * 540
    assert hours.closed_minutes(2 * DAY + 600, 2 * DAY + 660) == 60  # an hour on the holiday
    assert hours.next_open(2 * DAY + 600) == 5 * DAY + 480
    assert hours.is_open(480) and not hours.is_open(1020) and not hours.is_open(2 * DAY + 600)


def test_no_appointment_window_on_a_holiday() -> None:
    hours = business_hours(OFFICE, datetime.date(2026, 12, 21))  # a Monday
    slots = Slots(1, 2, hours)
    assert slots.book(4 * DAY, 240.0) == 7 * DAY + 480  # Friday is off: Monday 08:00
    assert slots.book(3 * DAY + 1000, 240.0) == 7 * DAY + 720  # no window left on Thursday


def test_an_appointment_window_ends_by_closing() -> None:
    hours = business_hours(OFFICE, datetime.date(2026, 12, 21))  # 08:00-17:00, a Monday
    slots = Slots(1, 5, hours)
    starts = [slots.book(0.0, 240.0) for _ in range(3)]
    assert starts == [480, 720, DAY + 480]  # 08-12, 12-16, then the next day: not 16-20
    assert Slots(1, 5, hours).book(0.0, 600.0) == 480  # longer than a day's hours: at opening
    longer = Slots(1, 5, hours)
    assert [longer.book(0.0, 600.0) for _ in range(2)] == [480, DAY + 480]


HOLIDAY = """
    name: holiday
    horizon: 2w
    start: 2026-12-21
    calendars:
      office_hours: {mon-fri: "08:00-17:00", holidays: [2026-12-25]}
    customers: {arrivals: {cohort: 1}, journey: j}
    teams:
      office: {size: 1, calendar: office_hours}
    journeys:
      j:
        start: hold
        steps:
          hold: {type: wait, duration: 4d, owner: nobody, next: work}
          work: {type: task, team: office, duration: 1h}
"""


def test_a_team_is_not_staffed_on_its_holidays() -> None:
    run = Run(scenario(HOLIDAY))
    assert run.log(1) == [
        (0, None, "waiting"),
        (4 * DAY, None, "wait over"),  # Friday 25 December: nobody at the office
        (4 * DAY, "office", "owner"),
        (4 * DAY, "office", "task queued"),
        (7 * DAY + 540, "office", "task done"),  # Monday 08:00 + 1 h
        (7 * DAY + 540, None, "resolved"),
    ]
    office = run.world.teams["office"]
    # two weeks of 5 days × 9 h, less the holiday
    assert (office.capacity_area, office.overtime, office.busy_area) == (9 * 540, 0.0, 60.0)
