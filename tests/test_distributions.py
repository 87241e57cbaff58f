"""Distribution specs draw what they say: means and spreads checked on large samples."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import TypeAdapter

from cxsim.distributions import case_sampler, sampler
from cxsim.scenario.types import Distribution

SPEC = TypeAdapter(Distribution)


def draws(spec: object, n: int = 40_000, context: dict | None = None) -> np.ndarray:
    draw = sampler(SPEC.validate_python(spec, context=context), np.random.default_rng(4))
    return np.array([draw() for _ in range(n)])


def within(sample: np.ndarray, expected_mean: float) -> bool:
    """The true mean lies within 4 standard errors of the sample mean."""
    half = 4 * sample.std(ddof=1) / np.sqrt(len(sample))
    return abs(sample.mean() - expected_mean) <= half


@pytest.mark.parametrize(
    ("spec", "mean", "sd"),
    [
        ({"exponential": {"mean": "2min"}}, 2.0, 2.0),
        ({"lognormal": {"mean": "10min", "sd": "4min"}}, 10.0, 4.0),
        ({"gamma": {"mean": "1h", "sd": "30min"}}, 60.0, 30.0),
        ({"uniform": {"min": "1min", "max": "3min"}}, 2.0, 2 / np.sqrt(12)),
        ({"triangular": {"min": 0, "mode": 3, "max": 6}}, 3.0, np.sqrt(36 / 24)),
    ],
)
def test_families_have_the_mean_and_sd_they_are_given(spec: object, mean: float, sd: float) -> None:
    sample = draws(spec)
    assert within(sample, mean)
    assert sample.std(ddof=1) == pytest.approx(sd, rel=0.05)
    assert sample.min() >= 0


def test_bare_duration_and_constant_are_constant() -> None:
    assert set(draws("45s", 10)) == {0.75}
    assert set(draws({"constant": "2h"}, 10)) == {120.0}
    assert set(draws({"gamma": {"mean": 5, "sd": 0}}, 10)) == {5.0}


def test_empirical_draws_the_values_of_a_csv_column(tmp_path: Path) -> None:
    (tmp_path / "times.csv").write_text("case,minutes\na,1\nb,2\nc,30s\n")
    spec = {"empirical": {"file": "times.csv", "column": "minutes"}}
    sample = draws(spec, 3000, context={"base_dir": str(tmp_path)})
    assert set(sample) == {1.0, 2.0, 0.5}
    assert within(sample, 3.5 / 3)


def test_draws_come_in_the_order_of_the_generator() -> None:
    spec = SPEC.validate_python({"exponential": {"mean": 1}})
    draw = sampler(spec, np.random.default_rng(9))
    expected = np.random.default_rng(9).exponential(1.0, 1000)
    np.testing.assert_array_equal([draw() for _ in range(1000)], expected)


class Customer:
    """What a per-case draw needs of a case."""

    def __init__(self, key: int, lane: int = 0) -> None:
        self.key, self.lane = key, lane
        self.drawn: dict[object, int] = {}
        self.own: dict[object, tuple[int, list[float]]] = {}


def test_a_case_draws_the_same_values_whatever_others_drew_before() -> None:
    spec = SPEC.validate_python({"exponential": {"mean": 3}})
    seed = np.random.SeedSequence(11)
    first, second = case_sampler(spec, seed, (1, 2)), case_sampler(spec, seed, (1, 2))
    customers = [Customer(key) for key in range(2000)]
    forward = {c.key: (first(c), first(c)) for c in customers}
    again = [Customer(key) for key in range(2000)]
    # the other way round, and after many more blocks than are kept: drawn anew, the same
    backward = {c.key: (second(c), second(c)) for c in reversed(again)}
    assert forward == backward
    assert all(a != b for a, b in forward.values())  # a second value is a new draw
    child = Customer(5, lane=1)
    assert case_sampler(spec, seed, (1, 2))(child) != forward[5][0]  # a child has its own
    other = case_sampler(spec, seed, (1, 3))(Customer(5))
    assert other != forward[5][0]  # another stream, another value


def test_per_case_draws_follow_their_distribution() -> None:
    spec = SPEC.validate_python({"gamma": {"mean": 4, "sd": 2}})
    draw = case_sampler(spec, np.random.SeedSequence(3), (0,))
    values = np.array([draw(Customer(key)) for key in range(40_000)])
    assert within(values, 4.0)
    assert values.std() == pytest.approx(2.0, rel=0.05)
    assert case_sampler(7.5, np.random.SeedSequence(3), (0,))(Customer(1)) == 7.5
