"""YAML distribution specs turned into samplers drawing from a replication's random streams.

A sampler is a zero-argument callable returning one duration in minutes. Draws come
from a numpy Generator in blocks (never a scipy call per draw), so the cost per draw is
a list pop. Families are a registry keyed by their YAML name.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from cxsim.scenario.types import (
    Constant,
    Empirical,
    Exponential,
    Gamma,
    Lognormal,
    Model,
    Triangular,
    Uniform,
)

BLOCK = 512
"""Draws taken from the generator at a time."""

Sampler = Callable[[], float]
Block = Callable[[np.random.Generator, int], np.ndarray]


class BlockSampler:
    """Hands out draws one by one from blocks drawn at once."""

    __slots__ = ("_block", "_rng", "_values")

    def __init__(self, block: Block, rng: np.random.Generator) -> None:
        self._block = block
        self._rng = rng
        self._values: list[float] = []

    def __call__(self) -> float:
        values = self._values
        if not values:
            # reversed so that pop() hands them out in the order they were drawn
            values.extend(self._block(self._rng, BLOCK)[::-1].tolist())
        return values.pop()


def _constant(value: float) -> Sampler:
    return lambda: value


def _exponential(spec: Exponential) -> Block:
    mean = spec.exponential.mean
    return lambda rng, n: rng.exponential(mean, n)


def _lognormal(spec: Lognormal) -> Block | float:
    mean, sd = spec.lognormal.mean, spec.lognormal.sd
    if sd == 0:
        return mean
    sigma2 = math.log1p((sd / mean) ** 2)
    mu = math.log(mean) - sigma2 / 2
    sigma = math.sqrt(sigma2)
    return lambda rng, n: rng.lognormal(mu, sigma, n)


def _gamma(spec: Gamma) -> Block | float:
    mean, sd = spec.gamma.mean, spec.gamma.sd
    if sd == 0:
        return mean
    shape, scale = (mean / sd) ** 2, sd**2 / mean
    return lambda rng, n: rng.gamma(shape, scale, n)


def _triangular(spec: Triangular) -> Block:
    p = spec.triangular
    return lambda rng, n: rng.triangular(p.min, p.mode, p.max, n)


def _uniform(spec: Uniform) -> Block | float:
    p = spec.uniform
    if p.min == p.max:
        return p.min
    return lambda rng, n: rng.uniform(p.min, p.max, n)


def _empirical(spec: Empirical) -> Block | float:
    values = np.asarray(spec.empirical.values, dtype=float)
    if len(values) == 1:
        return float(values[0])
    return lambda rng, n: rng.choice(values, n)


FAMILIES: dict[type[Model], Callable[..., Block | float]] = {
    Exponential: _exponential,
    Lognormal: _lognormal,
    Gamma: _gamma,
    Triangular: _triangular,
    Uniform: _uniform,
    Constant: lambda spec: spec.constant,
    Empirical: _empirical,
}
"""How to draw each distribution family: a block function, or a float when constant."""


def sampler(spec: float | Model, rng: np.random.Generator) -> Sampler:
    """A sampler for a validated distribution spec (a bare float is a constant)."""
    if isinstance(spec, int | float):
        return _constant(float(spec))
    made = FAMILIES[type(spec)](spec)
    if isinstance(made, int | float):
        return _constant(float(made))
    return BlockSampler(made, rng)
