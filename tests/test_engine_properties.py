"""Properties that hold for any small queueing scenario (hypothesis draws the scenarios)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cxsim.metrics import replication_metrics
from tests.helpers import Run, scenario

TEMPLATE = """
    name: drawn
    horizon: {horizon}min
    drain: 0
    customers:
      arrivals: {rate}/min
      journey: support
      channels: {{phone: 1, chat: 1}}
      {patience}
      {give_up}
      {priority}
    teams:
      desk: {{size: {size}, channels: [phone, chat]{overflow}}}
      back: {{size: {back}}}
      help: {{size: {help}, channels: [phone]}}
    journeys:
      support:
        start: call
        steps:
          call: {{type: contact, team: desk, handle_time: {{exponential: {{mean: {handle}min}}}},
                  outcomes: {{file: {p_task}, end: {p_end}}}}}
          file: {{type: task, team: back, duration: {{gamma: {{mean: {handle}min, sd: 1min}}}}}}
    failures:
      - {{name: damage, at: file, probability: {p_child}, effect: {{spawn: {{journey: support}}}}}}
"""

drawn = st.fixed_dictionaries(
    {
        "horizon": st.integers(30, 400),
        "rate": st.floats(0.1, 4.0).map(lambda x: round(x, 3)),
        "size": st.integers(1, 4),
        "back": st.integers(1, 3),
        "handle": st.floats(0.2, 3.0).map(lambda x: round(x, 3)),
        "patience": st.one_of(
            st.just(""),
            st.floats(0.1, 5.0).map(lambda m: f"patience: {{exponential: {{mean: {m:.3f}min}}}}"),
        ),
        "p_task": st.sampled_from([0.0, 0.3, 1.0]),
        "give_up": st.one_of(
            st.just(""), st.floats(0.5, 20.0).map(lambda m: f"give_up_after: {m:.3f}min")
        ),
        "p_child": st.sampled_from([0.0, 0.2, 0.6]),
        "overflow": st.one_of(
            st.just(""),
            st.floats(0.0, 3.0).map(lambda a: f", overflow: {{team: help, after: {a:.3f}min}}"),
        ),
        "help": st.integers(0, 2),
        "priority": st.one_of(
            st.just(""),
            st.sampled_from([0, 1]).map(
                lambda p: (
                    f"segments: [{{name: a, share: 0.5, priority: {p}}}, {{name: b, share: 0.5}}]"
                )
            ),
        ),
    }
)


def build(params: dict, seed: int) -> Run:
    text = TEMPLATE.format(**params, p_end=round(1 - params["p_task"], 10))
    return Run(scenario(text), seed)


@settings(max_examples=30, deadline=None)
@given(drawn, st.integers(0, 2**32 - 1))
def test_every_offered_contact_is_handled_abandoned_or_waiting(params: dict, seed: int) -> None:
    world = build(params, seed).world
    teams = world.teams.values()
    for team in teams:
        # the run stops at the horizon (no drain): what is still queued was offered before it;
        # a contact that overflowed to the team waits there too, but is its own team's
        overflowed = {r.proc for t in teams if t.overflow is team for r in t.resource.waiting}
        own = [r for r in team.resource.waiting if r.proc not in overflowed]
        assert team.offered == team.answered + team.abandoned + len(own)
    # every contact answered is taken up by one team's people, once
    assert sum(team.handled() for team in teams) == sum(team.answered for team in teams)


@settings(max_examples=30, deadline=None)
@given(drawn, st.integers(0, 2**32 - 1))
def test_waits_are_never_negative_and_occupancy_is_a_fraction(params: dict, seed: int) -> None:
    built = build(params, seed)
    world = built.world
    roots = list(built.cases.values())
    cases = roots + [child for root in roots for child in root.children]
    assert len(cases) == world.next_id() - 1  # every case opened is seen, children included
    waits = [
        e.details["waited"] for case in cases for e in case.history or [] if "waited" in e.details
    ]
    assert all(w >= 0 for w in waits)
    replication = replication_metrics(0, world.recorder.tally(), world.teams)
    for values in replication.teams.values():
        occupancy = values["occupancy"]
        assert np.isnan(occupancy) or 0 <= occupancy <= 1 + 1e-12
        assert np.isnan(values["asa"]) or values["asa"] >= 0
    assert np.all(world.recorder.arrays()["customer_effort"] >= 0)


@settings(max_examples=15, deadline=None)
@given(drawn, st.integers(0, 2**32 - 1))
def test_same_seed_gives_the_same_records(params: dict, seed: int) -> None:
    first, second = (
        build(params, seed).world.recorder.arrays(),
        build(params, seed).world.recorder.arrays(),
    )
    assert first.keys() == second.keys()
    for name in first:
        np.testing.assert_array_equal(first[name], second[name])
