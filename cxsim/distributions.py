"""YAML distribution specs turned into samplers drawing from a replication's random streams.

Two kinds of sampler share the families' block functions. A `Sampler` is a
zero-argument callable handing out draws in order (arrival gaps). A `Draw` takes the
case the value is for: the n-th draw of a case from a stream depends only on the stream,
the case's arrival index, its lane (0 for the case itself, k for its k-th child case)
and n — not on what other cases drew before it. Draws come from numpy in blocks (never
a scipy call per draw). Families are a registry keyed by their YAML name.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

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

if TYPE_CHECKING:
    from collections.abc import Hashable

BLOCK = 512
"""Draws taken from the generator at a time."""

Sampler = Callable[[], float]
Block = Callable[[np.random.Generator, int], np.ndarray]


class Keyed(Protocol):
    """What a per-case draw needs to know of the case (a `Case` has it)."""

    key: int
    """Arrival index of the customer (of the root case)."""
    lane: int
    """0 for the case itself, k for the k-th child case of its root."""
    drawn: dict[Hashable, int]
    """How many values the case took from each stream so far."""


Draw = Callable[[Keyed], float]
"""A per-case draw: the same case asking for its n-th value gets the same one in any run."""


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


class CaseSampler:
    """Per-case draws: value n of a case is cell `key % BLOCK` of a block seeded by its position.

    The block holding a value is seeded by (stream, lane, n, key // BLOCK), so it can be
    drawn again whenever needed: only a few recent blocks are kept.
    """

    __slots__ = ("_block", "_cache", "_entropy", "_prefix")

    KEEP = 16
    """Blocks kept at a time; an older one is drawn again if a case still needs it."""

    def __init__(self, block: Block, seed: np.random.SeedSequence, key: tuple[int, ...]) -> None:
        self._block = block
        self._entropy = seed.entropy
        self._prefix = (*seed.spawn_key, *key)
        self._cache: dict[object, list[float]] = {}

    def __call__(self, case: Keyed) -> float:
        drawn = case.drawn
        n = drawn.get(self, 0)
        drawn[self] = n + 1
        index, lane = case.key, case.lane
        if n or lane:
            return self.at(index, lane, n)
        # the common case, kept lean: a customer's first value, from the main lane
        values = self._cache.get(index // BLOCK)
        if values is None:
            values = self._fill(index // BLOCK, 0, 0, index // BLOCK)
        return values[index % BLOCK]

    def at(self, index: int, lane: int = 0, n: int = 0) -> float:
        """Value `n` of lane `lane` of the customer with arrival index `index`."""
        block_index = index // BLOCK
        slot: object = block_index if not (lane or n) else (lane, n, block_index)
        values = self._cache.get(slot)
        if values is None:
            values = self._fill(slot, lane, n, block_index)
        return values[index % BLOCK]

    def _fill(self, slot: object, lane: int, n: int, block_index: int) -> list[float]:
        cache = self._cache
        if len(cache) >= self.KEEP:
            del cache[next(iter(cache))]  # the oldest block
        seed = np.random.SeedSequence(
            self._entropy, spawn_key=(*self._prefix, lane, n, block_index)
        )
        values = self._block(np.random.Generator(np.random.PCG64(seed)), BLOCK).tolist()
        cache[slot] = values
        return values


def _constant(value: float) -> Sampler:
    return lambda: value


def _constant_draw(value: float) -> Draw:
    return lambda case: value


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


def block_of(spec: float | Model) -> Block | float:
    """How to draw a validated distribution spec: a block function, or its constant value."""
    if isinstance(spec, int | float):
        return float(spec)
    made = FAMILIES[type(spec)](spec)
    return float(made) if isinstance(made, int | float) else made


def sampler(spec: float | Model, rng: np.random.Generator) -> Sampler:
    """A sampler handing out draws of a spec in order (a bare float is a constant)."""
    made = block_of(spec)
    if isinstance(made, float):
        return _constant(made)
    return BlockSampler(made, rng)


def case_sampler(spec: float | Model, seed: np.random.SeedSequence, key: tuple[int, ...]) -> Draw:
    """Per-case draws of a spec from the stream `key` under `seed` (a constant needs none)."""
    made = block_of(spec)
    if isinstance(made, float):
        return _constant_draw(made)
    return CaseSampler(made, seed, key)


def uniform_block(rng: np.random.Generator, n: int) -> np.ndarray:
    """Uniform numbers in [0, 1)."""
    return rng.random(n)
