"""Step blocks on small deterministic scenarios, checked against exact histories."""

from __future__ import annotations

from tests.helpers import Run, scenario

ONE_AGENT = """
    name: one-agent
    horizon: 1h
    customers:
      arrivals: {cohort: 3}
      journey: support
      patience: 7min
    teams:
      desk: {size: 1, channels: [phone]}
    journeys:
      support:
        start: call
        steps:
          call: {type: contact, team: desk, channel: phone, handle_time: 5min}
"""


def test_contact_queues_serves_and_abandons_in_order() -> None:
    run = Run(scenario(ONE_AGENT))
    assert run.log(1) == [
        (0, "desk", "contact"),
        (0, "desk", "owner"),
        (0, "desk", "answered"),
        (5, None, "resolved"),
    ]
    assert run.log(2) == [
        (0, "desk", "contact"),
        (5, "desk", "owner"),
        (5, "desk", "answered"),
        (10, None, "resolved"),
    ]
    # the third waits behind two 5-minute calls but gives up after 7 minutes
    assert run.log(3) == [(0, "desk", "contact"), (7, "desk", "abandoned"), (7, None, "gave_up")]
    desk = run.world.teams["desk"]
    assert (desk.offered, desk.answered, desk.abandoned) == (3, 2, 1)
    assert desk.wait_sum == 5
    assert [run.cases[i].effort for i in (1, 2, 3)] == [5, 10, 7]


def test_contact_without_patience_waits_for_ever() -> None:
    run = Run(scenario(ONE_AGENT.replace("      patience: 7min\n", "")))
    assert run.log(3)[-1] == (15, None, "resolved")
    assert run.world.teams["desk"].abandoned == 0


TWO_TEAMS = """
    name: two-teams
    horizon: 1d
    organizations: {operator: {}, partner_co: {kind: partner}}
    customers:
      arrivals: {cohort: 1}
      journey: support
    teams:
      front: {size: 1, channels: [phone], org: operator}
      experts: {size: 1, channels: [phone], org: partner_co}
      office: {size: 1, org: operator}
    journeys:
      support:
        start: call
        steps:
          call: {type: contact, team: front, channel: phone, handle_time: 4min, next: pass_on}
          pass_on: {type: transfer, team: experts, mode: cold, handle_time: 6min, next: paperwork}
          paperwork: {type: task, team: office, duration: 30min}
"""


def test_cold_transfer_is_a_handoff_and_a_repeat_then_a_task_takes_ownership() -> None:
    run = Run(scenario(TWO_TEAMS))
    case = run.cases[1]
    assert run.log(1) == [
        (0, "front", "contact"),
        (0, "front", "owner"),
        (0, "front", "answered"),
        (4, "experts", "cold transfer"),
        (4, "experts", "transfer"),
        (4, "experts", "owner"),
        (4, "experts", "repeat"),
        (4, "experts", "answered"),
        (10, "office", "owner"),
        (10, "office", "task queued"),
        (40, "office", "task done"),
        (40, None, "resolved"),
    ]
    assert (case.handoffs, case.cross_org_handoffs, case.repeats, case.contacts) == (2, 2, 1, 1)
    assert case.effort == 10  # on the line for the two calls, not for the back-office task


def test_warm_transfer_brings_the_context_along() -> None:
    run = Run(scenario(TWO_TEAMS.replace("mode: cold", "mode: warm")))
    case = run.cases[1]
    assert case.repeats == 0
    assert case.handoffs == 2
    assert (4, "experts", "warm transfer") in run.log(1)


def test_outcomes_route_by_probability_and_end_resolves() -> None:
    text = TWO_TEAMS.replace("next: pass_on}", "outcomes: {pass_on: 0.0, end: 1.0}}")
    run = Run(scenario(text))
    assert run.log(1)[-1] == (4, None, "resolved")
    assert run.cases[1].handoffs == 0


def test_back_office_team_closed_until_its_calendar_opens() -> None:
    text = """
        name: calendar
        horizon: 2d
        calendars:
          office_hours: {mon-fri: "08:00-17:00"}
        customers:
          arrivals: {cohort: 2}
          journey: work
        teams:
          office: {size: 1, calendar: office_hours}
        journeys:
          work:
            start: file
            steps:
              file: {type: task, team: office, duration: 8h}
    """
    run = Run(scenario(text))
    # opens Monday 08:00 (480 min); the second task starts after the first, at 16:00,
    # and the person finishes it after closing time
    assert run.log(1)[-1] == (480 + 480, None, "resolved")
    assert run.log(2)[-1] == (480 + 960, None, "resolved")
    office = run.world.teams["office"]
    # staffed 9 h a day plus 7 h of overtime on Monday, busy 16 h: occupancy stays <= 1
    assert office.busy_area == 960
    assert office.staffed_area == 2 * 540 + 420


WAITS = """
    name: waits
    horizon: 30d
    organizations: {builder: {}, city: {kind: partner}}
    policies: {orphan_after: 5d}
    customers:
      arrivals: {cohort: 1}
      journey: permit
      channels: {phone: 1}
      follow_up_after: 4d
    teams:
      desk: {size: 1, channels: [phone], org: builder, handle_time: 10min}
      clerks: {size: 1, org: city}
    journeys:
      permit:
        start: apply
        steps:
          apply: {type: contact, team: desk, channel: phone, handle_time: 20min, next: review}
          review: {type: wait, duration: 10d, owner: nobody, promise: 8d, next: cooling}
          cooling: {type: wait, duration: 2d, owner: city, next: stamp}
          stamp: {type: wait, duration: 1d, owner: clerks}
"""


def test_waits_are_held_by_nobody_an_organization_or_a_team_without_work() -> None:
    run = Run(scenario(WAITS))
    day = 1440
    assert run.log(1) == [
        (0, "desk", "contact"),
        (0, "desk", "owner"),
        (0, "desk", "answered"),
        (20, "—", "promise"),
        (20, None, "owner"),  # nobody holds the case while the review runs
        (20, None, "waiting"),
        (8 * day + 20, "—", "promise broken"),
        (8 * day + 20, "desk", "follows up"),  # the customer chases during the wait
        (8 * day + 20, "desk", "answered"),
        (8 * day + 30, "desk", "nothing moves"),
        (10 * day + 20, None, "wait over"),
        (10 * day + 20, "city", "owner"),
        (10 * day + 20, "city", "waiting"),
        (12 * day + 20, "city", "wait over"),
        (12 * day + 20, "clerks", "owner"),
        (12 * day + 20, "clerks", "waiting"),
        (13 * day + 20, "clerks", "wait over"),
        (13 * day + 20, None, "resolved"),
    ]
    case = run.cases[1]
    assert case.history is not None
    waiting = {"step": "review", "until": 10 * day + 20, "held_by": "nobody"}
    assert case.history[5].details == waiting
    # ten days with nobody, more than orphan_after; desk → city → clerks: two handoffs
    assert (case.orphaned, case.orphan_time) == (True, 10 * day)
    assert (case.handoffs, case.cross_org_handoffs) == (2, 1)
    clerks = run.world.teams["clerks"]
    assert (clerks.offered, clerks.answered, clerks.busy_area) == (0, 0, 0.0)


def test_a_wait_sets_when_the_case_is_expected_to_move_for_an_eta() -> None:
    text = WAITS.replace("policies: {orphan_after: 5d}", "policies: {late_notification: eta}")
    run = Run(scenario(text))
    day = 1440
    told = [e for e in run.cases[1].history or [] if e.what == "told"]
    # broken at day 8: the new time is the end of the wait plus the 1h margin
    assert [(e.time, e.details["due"]) for e in told] == [(8 * day + 20, 10 * day + 80)]
