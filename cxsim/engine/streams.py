"""Named random streams of one replication, so a what-if compares on common random numbers.

Each source of randomness (arrivals, handling, patience, routing, …) and each consumer
within it (a step, a segment) gets its own numpy Generator, derived from the
replication's `SeedSequence` by a fixed key. Adding a step or a team to a scenario does
not shift the draws of the others.
"""

from __future__ import annotations

import zlib

import numpy as np

from cxsim.distributions import Sampler, sampler
from cxsim.scenario.types import Model

SOURCES = (
    "arrivals",
    "segments",
    "handling",
    "patience",
    "routing",
    "channels",
    "failures",
    "behaviour",
)
"""Sources of randomness; new ones go at the end so existing streams keep their seeds."""


class Streams:
    """The random streams of one replication."""

    def __init__(self, seed: np.random.SeedSequence) -> None:
        self.seed = seed

    def generator(self, source: str, key: str = "") -> np.random.Generator:
        """The generator of `source` for consumer `key`, the same for the same seed and key."""
        spawn_key = (*self.seed.spawn_key, SOURCES.index(source), zlib.crc32(key.encode()))
        child = np.random.SeedSequence(self.seed.entropy, spawn_key=spawn_key)
        return np.random.Generator(np.random.PCG64(child))

    def sampler(self, source: str, key: str, spec: float | Model) -> Sampler:
        """A sampler of `spec` drawing from its own stream of `source`."""
        return sampler(spec, self.generator(source, key))

    def uniform(self, source: str, key: str = "") -> Sampler:
        """Uniform numbers in [0, 1) from their own stream, drawn in blocks."""
        rng = self.generator(source, key)
        values: list[float] = []

        def draw() -> float:
            if not values:
                values.extend(rng.random(512)[::-1].tolist())
            return values.pop()

        return draw
