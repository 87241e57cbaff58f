"""Small helpers shared by the tests: run one replication of YAML text and read it back."""

from __future__ import annotations

import textwrap

import numpy as np

from cxsim.engine import build_world, run_world
from cxsim.engine.case import Case
from cxsim.engine.world import World
from cxsim.metrics import Recorder
from cxsim.scenario import Scenario, parse_scenario


def scenario(text: str, *overrides: str) -> Scenario:
    """A scenario from (indented) YAML text."""
    return parse_scenario(textwrap.dedent(text), "<test>", overrides)


class Run:
    """One replication run with histories and rows kept, and every case it opened."""

    def __init__(self, model: Scenario, seed: int = 1) -> None:
        self.world: World = build_world(model, np.random.SeedSequence(seed), history=True)
        self.cases: dict[int, Case] = {}
        recorder = self.world.recorder = Recorder(keep_rows=True)
        closed = recorder.case_closed

        def keep(case: Case, until: float | None = None) -> None:
            self.cases[case.id] = case
            closed(case, until)

        recorder.case_closed = keep  # type: ignore[method-assign]
        run_world(self.world)

    def log(self, case_id: int) -> list[tuple[float, str | None, str]]:
        """(time, team, what) of each history line of a case."""
        history = self.cases[case_id].history or []
        return [(round(e.time, 9), e.team, e.what) for e in history]


def small_queue(replications: int, seed: int) -> str:
    """YAML of a 3 h M/M/10 phone queue (team `phone`), quick enough for CLI tests."""
    return f"""\
name: queue
horizon: 3h
warmup: 20min
replications: {replications}
seed: {seed}
customers: {{arrivals: 9/min, journey: support}}
teams:
  phone: {{size: 10, channels: [phone]}}
journeys:
  support:
    start: call
    steps:
      call: {{type: contact, team: phone, handle_time: {{exponential: {{mean: 1min}}}}}}
"""
