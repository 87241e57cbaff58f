"""YAML distribution specs turned into samplers drawing from a replication's random streams.

Two kinds of sampler share the families' block functions. A `Sampler` is a
zero-argument callable handing out draws in order (arrival gaps). A `Draw` takes the
case the value is for: the n-th draw of a case from a stream depends only on the stream,
the case's arrival index, its lane (0 for the case itself, k for its k-th child case)
and n — not on what other cases drew before it (`CaseSampler`). Draws come from numpy
in blocks (never a scipy call per draw). Families are a registry keyed by their YAML
name.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
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
    own: dict[Hashable, tuple[int, list[float]]]
    """The block of its own values the case holds for each stream (`CaseSampler`)."""


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
    """Per-case draws, independent of the order in which cases ask for them.

    A customer's first value from the stream is cell `key % BLOCK` of a block shared by
    the customers `key // BLOCK` (seeded by the stream and that block number, so it can
    be drawn again whenever needed: only a few recent blocks are kept). Its further
    values, and every value of a child case, come from blocks of `OWN` seeded by the
    stream, the lane, the customer's arrival index and the block number, kept on the
    case itself while it lives.
    """

    __slots__ = ("_block", "_cache", "_entropy", "_prefix")

    KEEP = 16
    """Shared blocks kept at a time; an older one is drawn again if a case still needs it."""
    OWN = 16
    """Values in a block of one case's own values."""

    def __init__(self, block: Block, seed: np.random.SeedSequence, key: tuple[int, ...]) -> None:
        self._block = block
        self._entropy = seed.entropy
        self._prefix = (*seed.spawn_key, *key)
        self._cache: dict[int, list[float]] = {}

    def __call__(self, case: Keyed) -> float:
        drawn = case.drawn
        n = drawn.get(self, 0)
        drawn[self] = n + 1
        if n or case.lane:
            return self._own(case, n)
        index = case.key  # the common case: `first`, inlined to spare a call per draw
        values = self._cache.get(index // BLOCK)
        if values is None:
            values = self._shared(index // BLOCK)
        return values[index % BLOCK]

    def first(self, index: int) -> float:
        """The first value of the customer with arrival index `index`."""
        values = self._cache.get(index // BLOCK)
        if values is None:
            values = self._shared(index // BLOCK)
        return values[index % BLOCK]

    def _shared(self, number: int) -> list[float]:
        cache = self._cache
        if len(cache) >= self.KEEP:
            del cache[next(iter(cache))]  # the oldest block
        values = self._draw(BLOCK, (0, number))
        cache[number] = values
        return values

    def _own(self, case: Keyed, n: int) -> float:
        # a root case's values count from 1 here: its first came from the shared block
        position = n - 1 if not case.lane else n
        number, cell = divmod(position, self.OWN)
        held = case.own.get(self)
        if held is None or held[0] != number:
            held = (number, self._draw(self.OWN, (1, case.lane, case.key, number)))
            case.own[self] = held
        return held[1][cell]

    def _draw(self, size: int, where: tuple[int, ...]) -> list[float]:
        seed = np.random.SeedSequence(self._entropy, spawn_key=(*self._prefix, *where))
        return self._block(np.random.Generator(np.random.PCG64(seed)), size).tolist()


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


class ByAge:
    """Per-case waits that depend on the case's age, from waits observed with their ages.

    The observations are sorted by the age they began at. A draw takes the case's next
    uniform number from its stream and picks with it one of the `neighbours` observations
    whose ages are nearest `age` (a window of that many in age order, around where `age`
    falls), or one of all those seen at exactly `age` when there are more of them; the
    case then waits until it is as old as that one was when its wait ended (not at all
    if it is already older).
    """

    __slots__ = ("_ages", "_ends", "_neighbours", "_uniform")

    def __init__(self, spec: Empirical, seed: np.random.SeedSequence, key: tuple[int, ...]) -> None:
        params = spec.empirical
        seen = sorted(zip(params.ages, params.values, strict=True), key=lambda pair: pair[0])
        self._ages = [age for age, _ in seen]
        self._ends = [age + wait for age, wait in seen]
        self._neighbours = min(params.neighbours, len(seen))
        self._uniform = CaseSampler(uniform_block, seed, key)

    def __call__(self, case: Keyed, age: float = 0.0) -> float:
        low, high = bisect_left(self._ages, age), bisect_right(self._ages, age)
        width = self._neighbours
        if high - low >= width:
            first, width = low, high - low
        else:
            first = min(max((low + high - width) // 2, 0), len(self._ages) - width)
        return max(self._ends[first + int(self._uniform(case) * width)] - age, 0.0)


def case_sampler(spec: float | Model, seed: np.random.SeedSequence, key: tuple[int, ...]) -> Draw:
    """Per-case draws of a spec from the stream `key` under `seed` (a constant needs none).

    An empirical spec `by_age` gives a `ByAge`, which a wait step calls with the case's age.
    """
    if isinstance(spec, Empirical) and spec.empirical.by_age is not None:
        return ByAge(spec, seed, key)
    made = block_of(spec)
    if isinstance(made, float):
        return _constant_draw(made)
    return CaseSampler(made, seed, key)


def uniform_block(rng: np.random.Generator, n: int) -> np.ndarray:
    """Uniform numbers in [0, 1)."""
    return rng.random(n)
