"""Seeded mutants of every shipped scenario run as a user would run them: none may end in a
traceback, a hang, a memory blow-up or a non-finite number in its summary.

A few dozen here (about a minute on two cores); `python bench/fuzz.py` runs hundreds.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from cxsim.scenario import ScenarioError, parse_scenario
from tests.fuzzing import DEFECTS, SCENARIOS, judge, mutants, wrong_types

SEED = 2026
COUNT = 4 * len(SCENARIOS)


@pytest.mark.skipif(not SCENARIOS, reason="no shipped scenarios")
def test_mutants_of_the_shipped_scenarios_run_or_are_refused_cleanly() -> None:
    made = mutants(SEED, COUNT)
    with ThreadPoolExecutor(2) as pool:  # each mutant runs in a process of its own
        verdicts = list(pool.map(judge, made))
    defects = [
        f"{verdict}: {mutant.scenario}: {mutant.mutation}"
        for mutant, verdict in zip(made, verdicts, strict=True)
        if verdict in DEFECTS or verdict.startswith("exit")
    ]
    assert not defects, "\n".join(defects)
    assert set(verdicts) >= {"rejected", "ran"}  # the mutants reach both sides


def test_the_mutants_are_the_same_for_the_same_seed() -> None:
    first, again = mutants(SEED, 12), mutants(SEED, 12)
    assert [m.text() for m in first] == [m.text() for m in again]
    assert len({m.mutation for m in first}) > 1


def test_a_value_of_any_type_anywhere_is_a_problem_at_its_place_not_a_traceback() -> None:
    # in this process, validation only: hundreds of places of the shipped scenarios, each
    # given a value of another type (a long run over every place and type is clean too);
    # anything but a ScenarioError fails the test with its traceback
    refused = 0
    for mutant in wrong_types(SEED, 300):
        try:
            parse_scenario(mutant.text(), "<mutant>", base_dir=str(SCENARIOS[0].parent))
        except ScenarioError as error:
            refused += 1
            unplaced = [p for p in error.problems if not p.where.startswith("<mutant>:")]
            assert not unplaced, f"{mutant.mutation}: {unplaced}"
    assert refused > 150  # most wrong types are wrong
