"""Numbers a designer can trust: one small scenario per defect, with exact expectations.

Give-ups for every arrival kind, busy time that stops when the work stops, promises kept
with their ETAs, giving up as a competing outcome in the percentiles, cases followed
past the horizon, per-case random numbers, and intervals that stay in their domain.
"""

from __future__ import annotations

import math

import pytest

from cxsim import run
from cxsim.assertions import judge, parse_assertion
from cxsim.measures import measure, parse_metric
from cxsim.metrics import replication_metrics
from cxsim.table import summary_table
from cxsim.trace import format_trace, trace
from tests.helpers import Run, scenario

SLOW_TECH = """
    name: slow-tech
    horizon: 2d
    customers:
      arrivals: {arrivals}
      journey: fix
      give_up_after: 1h
    teams:
      techs: {{size: 1}}
    journeys:
      fix:
        start: work
        steps:
          work: {{type: task, team: techs, duration: 10h}}
"""


@pytest.mark.parametrize(
    "arrivals", ["1/h", '{hourly: {"0-24": 1/h}}', "{cohort: 5}"], ids=["rate", "hourly", "cohort"]
)
def test_every_customer_gives_up_whatever_the_arrival_kind(arrivals: str) -> None:
    done = Run(scenario(SLOW_TECH.format(arrivals=arrivals)))
    values = replication_metrics(0, done.world.recorder.tally(), done.world.teams)
    assert values.metrics["gave_up_rate"] == 1.0  # ten hours of work, one hour of patience
    assert values.metrics["resolved_rate"] == 0.0
    assert values.metrics["orphan_time"] == 0.0  # the team held every case until it ended
    for case in done.cases.values():
        history = case.history or []
        assert history[-1].what == "gave_up"  # nothing of the case happens after it
        assert case.ended_at == pytest.approx(case.created + 60)
    occupancy = values.teams["techs"]["occupancy"]
    assert 0 <= occupancy <= 1


def test_busy_time_is_the_time_actually_worked() -> None:
    # one customer, ten hours of work, gives up after one: the tech worked one hour
    text = SLOW_TECH.format(arrivals="{cohort: 1}").replace("horizon: 2d", "horizon: 10h")
    done = Run(scenario(text))
    team = done.world.teams["techs"]
    assert team.busy_area == pytest.approx(60.0)
    assert team.busy_area / team.staffed_area == pytest.approx(60 / 600)


def test_a_give_up_while_queued_is_an_abandonment_and_nothing_follows() -> None:
    done = Run(scenario(SLOW_TECH.format(arrivals="{cohort: 3}")))
    team = done.world.teams["techs"]
    assert (team.offered, team.answered, team.abandoned) == (3, 1, 2)
    assert team.waiting() == 0
    assert [c.outcome for c in done.cases.values()] == ["gave_up"] * 3


CHILDREN = """
    name: damage
    horizon: 3d
    drain: 0
    customers:
      arrivals: {cohort: 1}
      journey: install
      give_up_after: 2h
    teams:
      fitters: {size: 1}
      plumbers: {size: 1}
    journeys:
      install:
        start: fit
        steps:
          fit: {type: task, team: fitters, duration: 30min}
      repair:
        start: mend
        steps:
          mend: {type: task, team: plumbers, duration: 10h}
    failures:
      - {name: drilled, at: fit, probability: 1, effect: {spawn: {journey: repair}}}
      - {name: late, at: fit, probability: 1, effect: {spawn: {journey: repair, after: 5h}}}
"""


def test_a_customer_who_gives_up_ends_the_child_cases_too() -> None:
    done = Run(scenario(CHILDREN))
    root = done.cases[1]
    # the root's own journey is done at 30 min; the child it opened gives up at
    # 30 min + 2 h, and the late child opens at 5 h 30 min and gives up 2 h later
    assert [child.outcome for child in root.children] == ["gave_up", "gave_up"]
    assert [child.ended_at for child in root.children] == [150.0, 330.0 + 120.0]
    plumbers = done.world.teams["plumbers"]
    assert plumbers.busy_area == pytest.approx(120.0 + 120.0)
    assert plumbers.busy_area <= plumbers.staffed_area


ETA = """
    name: eta
    horizon: 1d
    drain: 0
    customers:
      arrivals: {cohort: 1}
      journey: fix
    teams:
      back: {size: 1}
      desk: {size: 1, channels: [phone]}
    journeys:
      fix:
        start: look
        steps:
          look: {type: task, team: back, duration: 3h, promise: 1h, next: call}
          call: {type: contact, team: desk, channel: phone, handle_time: 10h}
    policies: {late_notification: eta, eta_margin: 30min}
"""


def test_an_eta_given_for_a_task_is_kept_when_the_task_is_done() -> None:
    done = Run(scenario(ETA))
    lines = [(e.time, e.what) for e in done.cases[1].history or [] if "promise" in e.what]
    assert lines == [
        (0, "promise"),
        (60, "promise broken"),  # the task takes 3 h, not 1
        (60, "promise"),  # the ETA: expected end at 3 h, plus 30 min
        (180, "promise kept"),  # the task done: the ETA is kept, not broken at 3 h 30
    ]
    values = replication_metrics(0, done.world.recorder.tally(), done.world.teams).metrics
    assert values["broken_promises"] == 1 and values["outbound"] == 1


GIVERS = """
    name: givers
    horizon: 1d
    seed: 3
    customers:
      arrivals: {cohort: 400}
      journey: fix
      segments:
        - {name: walkers, share: 0.2, give_up_after: 1min}
        - {name: stayers, share: 0.8}
    teams:
      desk: {size: 400}
    journeys:
      fix:
        start: work
        steps:
          work: {type: task, team: desk, duration: {uniform: {min: 2min, max: 3min}}}
"""


def test_a_percentile_fewer_cases_reach_is_beyond_reach() -> None:
    results = run(scenario(GIVERS), replications=5, jobs=1)
    summary = results.summary()["metrics"]["time_to_resolution"]
    assert 0.1 < results.summary()["metrics"]["gave_up_rate"]["mean"] < 0.3
    assert summary["p50"] is not None and 2 <= summary["p50"] <= 3
    assert summary["p90"] is None  # about 20 % never resolve: no time by which 90 % are
    p90 = parse_metric("time_to_resolution.p90", ["desk"])
    measured = measure(results.replications, p90)
    assert math.isinf(measured.value)  # type: ignore[arg-type]
    verdict = judge(parse_assertion("time_to_resolution.p90 < 1d", ["desk"]), measured)
    assert verdict.outcome == "fail"


LATE_WORK = """
    name: late-work
    horizon: {horizon}
    seed: 5
    customers: {{arrivals: 2/day, journey: fix}}
    teams:
      crew: {{size: 50}}
    journeys:
      fix:
        start: work
        steps:
          work: {{type: task, team: crew, duration: {{uniform: {{min: 1d, max: 9d}}}}}}
"""


def test_cases_arriving_late_are_followed_so_the_mean_does_not_depend_on_the_horizon() -> None:
    short = run(scenario(LATE_WORK.format(horizon="10d")), replications=20, jobs=1).summary()
    long = run(scenario(LATE_WORK.format(horizon="60d")), replications=20, jobs=1).summary()
    for summary in (short, long):
        metrics = summary["metrics"]
        assert metrics["resolved_rate"]["mean"] == 1.0  # every counted case followed to its fix
        low, high = metrics["time_to_resolution"]["ci95"]
        assert low <= 5 * 1440 <= high  # the mean of uniform(1 d, 9 d), whatever the horizon
    # without the drain the short run would see only cases that finished within 10 days
    cut = run(scenario(LATE_WORK.format(horizon="10d"), "drain=0"), 20, jobs=1).summary()
    assert cut["metrics"]["time_to_resolution"]["ci95"][1] < 5 * 1440


def test_team_figures_stay_measured_over_the_horizon() -> None:
    done = Run(scenario(LATE_WORK.format(horizon="10d")))
    crew = done.world.teams["crew"]
    assert done.world.env.now > 10 * 1440  # the run went on past the horizon
    assert crew.staffed_area == pytest.approx(50 * 10 * 1440)  # staffed time stops there
    assert crew.offered == crew.answered  # every task offered was taken up


QUEUE = """
    name: crn
    horizon: 8h
    seed: 9
    customers:
      arrivals: 9/min
      journey: call
      patience: {exponential: {mean: 1min}}
    teams:
      agents: {size: 10, channels: [phone]}
    journeys:
      call:
        start: talk
        steps:
          talk: {type: contact, team: agents, handle_time: {exponential: {mean: 1min}}}
"""


def _handle_times(done: Run) -> dict[int, float]:
    """Handling time of each served customer, by arrival index."""
    found = {}
    for case in done.cases.values():
        answered = [e.time for e in case.history or [] if e.what == "answered"]
        if answered and case.outcome == "resolved":
            assert case.ended_at is not None
            found[case.key] = case.ended_at - answered[0]
    return found


def test_the_same_customer_has_the_same_needs_in_a_base_and_a_variant() -> None:
    base = _handle_times(Run(scenario(QUEUE), seed=4))
    variant = _handle_times(Run(scenario(QUEUE, "teams.agents.size=11"), seed=4))
    both = base.keys() & variant.keys()
    assert len(both) > 3000
    same = sum(base[key] == pytest.approx(variant[key], abs=1e-9) for key in both)
    assert same / len(both) >= 0.95
    assert len(base) != len(variant)  # abandonment did differ between the two


def test_intervals_stay_in_their_domain() -> None:
    summary = run(scenario(QUEUE), replications=2, jobs=1).summary()
    for entry in (summary["teams"]["agents"]["asa"], summary["metrics"]["handoffs"]):
        assert entry["ci95"][0] >= 0
    for name in ("resolved_rate", "gave_up_rate", "first_contact_resolution"):
        low, high = summary["metrics"][name]["ci95"]
        assert 0 <= low <= high <= 1
    assert summary["warnings"] and "only 2 replications" in summary["warnings"][0]


def test_a_rate_never_seen_gets_an_honest_upper_bound() -> None:
    results = run(scenario(QUEUE, "customers.patience=null"), replications=5, jobs=1)
    gave_up = results.summary()["metrics"]["gave_up_rate"]
    cases = sum(r.metrics["cases"] for r in results.replications)
    assert gave_up["mean"] == 0
    low, high = gave_up["ci95"]
    assert low == 0 and high == pytest.approx(1 - 0.025 ** (1 / cases))  # exact binomial


def test_too_few_replications_make_assertions_inconclusive() -> None:
    results = run(scenario(QUEUE), replications=3, jobs=1)
    asa = measure(results.replications, parse_metric("teams.agents.asa", ["agents"]))
    verdict = judge(parse_assertion("teams.agents.asa < 1h", ["agents"]), asa)
    assert verdict.outcome == "inconclusive" and "too few" in verdict.reason


def test_giving_up_can_be_for_some_customers_only() -> None:
    text = SLOW_TECH.format(arrivals="{cohort: 400}").replace(
        "give_up_after: 1h", "give_up_after: {after: 1h, probability: 0.25}"
    )
    done = Run(scenario(text.replace("size: 1", "size: 400")))
    outcomes = [case.outcome for case in done.cases.values()]
    share = outcomes.count("gave_up") / len(outcomes)
    assert 0.15 < share < 0.35
    assert set(outcomes) == {"gave_up", "resolved"}  # the others wait the 10 h for the fix


RUSH = """
    name: rush
    horizon: 20h
    seed: 2
    customers:
      arrivals: {hourly: {"0-4": 3/min, "4-24": 0.5/min}}
      journey: call
    teams:
      agents: {size: 2, channels: [phone]}
    journeys:
      call:
        start: talk
        steps:
          talk: {type: contact, team: agents, handle_time: {exponential: {mean: 1min}}}
"""


def test_auto_warmup_counts_from_the_detected_time_and_says_so() -> None:
    # four hours of rush the two agents cannot keep up with, then a calm queue: the
    # backlog takes hours to clear, and the run should say so
    fixed = run(scenario(RUSH), replications=5, jobs=1).summary()
    suggested = fixed["warmup"]["suggested"]
    assert 4 * 60 < suggested <= 10 * 60  # after the rush, before the half of the horizon
    assert any("warm-up looks too short" in w for w in fixed["warnings"])
    auto = run(scenario(RUSH, "warmup=auto"), replications=5, jobs=1)
    assert {r.warmup for r in auto.replications} == {suggested}  # the same for every one
    summary = auto.summary()
    assert not any("warm-up" in w for w in summary["warnings"])
    calm = summary["teams"]["agents"]["asa"]["ci95"][1]
    assert calm < fixed["teams"]["agents"]["asa"]["mean"]  # the rush is no longer counted


def test_the_trace_of_a_case_given_up_ends_there() -> None:
    found = trace(scenario(SLOW_TECH.format(arrivals="1/h")), case_id=2)
    lines = format_trace(found).splitlines()
    assert lines[-2].endswith("gave up")  # the last event of the case
    assert lines[-1].startswith("end: customer view: gave up after 60.0 min")


def test_customers_arriving_by_rate_meet_their_failing_channels_too() -> None:
    text = """
        name: chat-down
        horizon: 4h
        drain: 0
        customers:
          arrivals: 1/h
          journey: ask
          channels: {chat: 1, phone: 1}
        teams:
          care: {size: 5, channels: [chat, phone]}
        journeys:
          ask:
            start: talk
            steps:
              talk: {type: contact, team: care, channel: chat, handle_time: 5min}
        failures:
          - {name: broken_link, probability: 1, effect: {channel_down: {channel: chat, lost: 3min}}}
    """
    done = Run(scenario(text))
    values = replication_metrics(0, done.world.recorder.tally(), done.world.teams).metrics
    assert values["cases"] >= 1
    assert values["contacts"] == 2  # the chat that fails, then the phone
    assert values["customer_effort"] == 3 + 5


def test_auto_warmup_is_the_same_whatever_the_number_of_processes() -> None:
    one = run(scenario(RUSH, "warmup=auto"), replications=4, jobs=1)
    two = run(scenario(RUSH, "warmup=auto"), replications=4, jobs=2)
    assert [r.warmup for r in one.replications] == [r.warmup for r in two.replications]
    assert one.summary()["metrics"] == two.summary()["metrics"]


def test_a_give_up_on_a_child_case_counts_as_giving_up() -> None:
    done = Run(scenario(CHILDREN))
    values = replication_metrics(0, done.world.recorder.tally(), done.world.teams).metrics
    assert (values["resolved_rate"], values["gave_up_rate"]) == (0.0, 1.0)


def test_a_customer_gives_up_even_while_on_a_follow_up_call() -> None:
    text = """
        name: long-call
        horizon: 1d
        drain: 0
        customers:
          arrivals: {cohort: 1}
          journey: fix
          channels: {phone: 1}
          follow_up_after: 10min
          give_up_after: 1h
        teams:
          back: {size: 1}
          desk: {size: 1, channels: [phone], handle_time: 2h}
        journeys:
          fix:
            start: work
            steps:
              work: {type: task, team: back, duration: 10h}
    """
    done = Run(scenario(text))
    case = done.cases[1]
    assert case.outcome == "gave_up" and case.ended_at == 60  # not when the call ends
    desk = done.world.teams["desk"]
    assert desk.busy_area == pytest.approx(50.0)  # the call from 10 min to 60 min


def test_leaving_a_queue_for_good_ends_the_child_cases_too() -> None:
    text = """
        name: hang-up
        horizon: 1d
        drain: 0
        customers:
          patience: 1min
          streams:
            installs: {arrivals: {cohort: 1}, journey: install}
            other: {arrivals: {cohort: 1}, journey: hold}   # keeps the desk busy all day
        teams:
          fitters: {size: 1}
          plumbers: {size: 1}
          desk: {size: 1, channels: [phone]}
        journeys:
          hold:
            start: busy
            steps:
              busy: {type: task, team: desk, duration: 1d}
          install:
            start: fit
            steps:
              fit: {type: task, team: fitters, duration: 30min, next: call}
              call: {type: contact, team: desk, channel: phone, handle_time: 5min}
          repair:
            start: mend
            steps:
              mend: {type: task, team: plumbers, duration: 10h}
        failures:
          - {name: drilled, at: fit, probability: 1, effect: {spawn: {journey: repair}}}
    """
    done = Run(scenario(text))
    root = done.cases[1]
    assert root.outcome == "gave_up" and root.ended_at == 31  # nobody answers the call
    assert [(child.outcome, child.ended_at) for child in root.children] == [("gave_up", 31)]
    assert done.world.teams["plumbers"].busy_area == pytest.approx(1.0)


def test_auto_warmup_leaves_a_cohort_whole() -> None:
    text = """
        name: cohort
        horizon: 2d
        warmup: auto
        customers: {arrivals: {cohort: 300}, journey: fix}
        teams:
          a: {size: 20}
          b: {size: 3}
        journeys:
          fix:
            start: one
            steps:
              one: {type: task, team: a, duration: {exponential: {mean: 30min}}, next: two}
              two: {type: task, team: b, duration: {exponential: {mean: 5min}}}
    """
    results = run(scenario(text), replications=5, jobs=1)
    assert all(r.warmup == 0 and r.metrics["cases"] == 300 for r in results.replications)
    assert results.summary()["warnings"] == []


def test_the_suggested_warmup_is_never_shorter_than_the_one_detected() -> None:
    fixed = run(scenario(RUSH), replications=5, jobs=1).summary()
    (warning,) = [w for w in fixed["warnings"] if "warm-up looks too short" in w]
    advice = warning.split("set warmup: ")[1].split(" ")[0]
    again = run(scenario(RUSH, f"warmup={advice}"), replications=5, jobs=1).summary()
    assert not any("warm-up" in w for w in again["warnings"])


def test_the_table_heads_with_what_makes_the_numbers_shaky() -> None:
    summary = run(scenario(QUEUE), replications=2, jobs=1).summary()
    lines = summary_table(summary).splitlines()
    assert lines[2].startswith("warning: only 2 replications")
