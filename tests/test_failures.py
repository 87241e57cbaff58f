"""Each failure effect and ownership policy on a tiny constant-duration scenario.

Probabilities are 0 or 1 and durations constant, so every history is exact.
"""

from __future__ import annotations

from tests.helpers import Run, scenario

BASE = """
    name: failures
    horizon: {horizon}
    drain: 0             # the horizon ends the story: what is open is censored there
    organizations: {{operator: {{}}, fixit: {{kind: subcontractor}}}}
    customers:
      arrivals: {{cohort: 1}}
      journey: order
    teams:
      desk: {{size: 1, channels: [phone], org: operator}}
      office: {{size: 1, org: operator}}
      field: {{size: 1, org: fixit}}
      relations: {{size: 1, org: operator}}
    journeys:
      order:
        start: sell
        steps:
          sell: {{type: task, team: desk, duration: 10min, next: connect}}
          connect: {{type: task, team: office, duration: 20min, provides: [line], next: install}}
          install: {{type: task, team: field, duration: 30min, requires: [line]}}
      repair:
        start: fix
        steps:
          fix: {{type: task, team: field, duration: 2h}}
    failures:
{failures}
    policies:
      orphan_after: 1h
{policies}
"""


def run(failures: str, policies: str = "", horizon: str = "1d") -> Run:
    text = BASE.format(horizon=horizon, failures=failures or "      []", policies=policies)
    return Run(scenario(text))


def lines(run: Run, case_id: int = 1) -> list[tuple[float, str | None, str]]:
    return [entry for entry in run.log(case_id) if entry[2] != "owner"]


def row(run: Run) -> dict[str, float]:
    arrays = run.world.recorder.arrays()
    return {name: float(values[0]) for name, values in arrays.items()}


def test_without_failures_the_journey_runs_straight_through() -> None:
    done = run("")
    assert lines(done)[-1] == (60, None, "resolved")
    assert row(done)["handoffs"] == 2
    assert row(done)["cross_org_handoffs"] == 1
    assert row(done)["orphaned"] == 0


def test_delay_holds_the_step_back() -> None:
    done = run("      - {name: late, at: install, probability: 1, effect: {delay: 45min}}")
    assert (30, "field", "failure") in lines(done)  # at the step's team
    assert (75, "field", "task queued") in lines(done)
    assert lines(done)[-1] == (105, None, "resolved")
    assert done.world.failure_counts["late"] == 1


def test_skip_leaves_the_condition_missing_and_the_visit_is_wasted() -> None:
    # the connection is never made: every installation is wasted and sends the case back
    done = run("      - {name: missed, at: connect, probability: 1, effect: skip}", horizon="3h")
    history = lines(done)
    assert (10, "office", "step skipped") in history
    assert (40, "field", "wasted") in history
    assert (70, "field", "wasted") in history
    assert row(done)["wasted_visits"] == 5  # installs at 10-40, 40-70, 70-100, 100-130, 130-160
    assert row(done)["resolved"] == 0
    assert done.world.failure_counts["missed"] == 6


def test_deny_stalls_the_case_with_no_owner_until_the_watchdog() -> None:
    done = run(
        "      - {name: not_ours, at: connect, probability: 1, effect: deny}",
        "      watchdog: {after: 3h, team: relations}",
        horizon="8h",
    )
    history = lines(done)
    assert (10, "desk", "let go") in history
    assert (190, "relations", "revived") in history  # 10 + 3 h
    assert (190, "relations", "let go") in history  # still not their problem
    case = done.cases[1]
    assert case.owner is None and case.holder is None
    values = row(done)
    # ownerless 10-190, 190-370 and 370-480 (open at the horizon): all longer than 1 h
    assert values["orphaned"] == 1
    assert values["orphan_time"] == 470


def test_single_owner_keeps_a_stalled_case_owned_and_chases_it() -> None:
    failure = "      - {name: silent, at: connect, probability: 1, effect: {drop: {after: 30min}}}"
    per_team = run(failure, horizon="8h")
    single = run(failure, "      ownership: single_owner\n      chase_after: 2h", horizon="8h")
    assert row(per_team)["orphaned"] == 1
    assert row(single)["orphaned"] == 0
    assert single.cases[1].owner is not None and single.cases[1].owner.name == "desk"
    history = lines(single)
    assert (40, "office", "let go") in history  # took it at 10, silent after 30 min
    assert (160, "desk", "revived") in history  # the owner chases 2 h later
    # the accountable owner never changes, but the work moves: desk → office at 10; the
    # owner revives it and the office retries at 160, 310 and 460 (two handoffs each)
    assert row(single)["handoffs"] == 7
    assert row(per_team)["handoffs"] == 1


def test_lose_context_makes_the_customer_tell_the_story_again() -> None:
    text = BASE.replace(
        "sell: {{type: task, team: desk, duration: 10min, next: connect}}",
        "sell: {{type: contact, team: desk, handle_time: 10min, next: again}}\n"
        "          again: {{type: contact, team: desk, handle_time: 5min, next: connect}}",
    )
    failure = "      - {name: crm_gap, at: again, probability: 1, effect: lose_context}"
    done = Run(scenario(text.format(horizon="1d", failures=failure, policies="")))
    assert (10, "desk", "repeat") in lines(done)
    assert row(done)["repeats"] == 1
    clean = Run(scenario(text.format(horizon="1d", failures="      []", policies="")))
    assert row(clean)["repeats"] == 0


def test_spawn_reported_adds_a_child_the_customer_waits_for() -> None:
    done = run(
        "      - {name: drilled, at: install, probability: 1,"
        " effect: {spawn: {journey: repair, reported: 1}}}"
    )
    values = row(done)
    assert values["process_time_to_resolution"] == 60  # "the fiber works"
    assert values["time_to_resolution"] == 60 + 120  # the leak repaired too
    assert values["resolved"] == 1
    assert done.cases[1].children[0].label == "1.1"


def test_spawn_unreported_leaves_an_orphaned_child() -> None:
    done = run(
        "      - {name: drilled, at: install, probability: 1,"
        " effect: {spawn: {journey: repair, reported: 0}}}",
        horizon="2d",
    )
    values = row(done)
    assert values["process_resolved"] == 1 and values["process_time_to_resolution"] == 60
    assert values["resolved"] == 0
    assert values["time_to_resolution"] == 2 * 1440  # censored at the horizon
    assert values["orphaned"] == 1
    assert values["orphan_time"] == 2 * 1440 - 60


def test_fail_fix_brings_the_problem_back_and_the_step_is_done_again() -> None:
    done = run(
        "      - {name: leaks_again, at: install, probability: 1, effect: {fail_fix: {after: 1d}}}",
        horizon="3d",
    )
    case = done.cases[1]
    assert [child.created for child in case.children] == [60 + 1440, 60 + 30 + 2 * 1440]
    assert row(done)["process_time_to_resolution"] == 60
    # fixed again at the horizon (the next leak comes after it): the customer waited 2 days more
    assert row(done)["resolved"] == 1
    assert row(done)["time_to_resolution"] == 60 + 30 + 2 * 1440 + 30
