"""Named random streams of one replication, so a what-if compares on common random numbers.

Each source of randomness (arrivals, handling, patience, routing, …) and each consumer
within it (a step, a segment) has its own stream, derived from the replication's
`SeedSequence` by a fixed key: adding a step or a team to a scenario does not shift the
draws of the others.

Everything a case needs — its segment, handling times, routing, patience, failures,
channel choice, behaviour — is drawn per case (`distributions.CaseSampler`): the n-th
value a customer takes from a stream depends on the customer's arrival index, not on
the order events happened in. The same customer has the same needs in a base and a
variant even when a change makes others abandon, redial or take another route. Only
the arrival times themselves are drawn in sequence.
"""

from __future__ import annotations

import zlib

import numpy as np

from cxsim.distributions import CaseSampler, Draw, Sampler, case_sampler, sampler, uniform_block
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

    def _key(self, source: str, key: str) -> tuple[int, int]:
        return SOURCES.index(source), zlib.crc32(key.encode())

    def generator(self, source: str, key: str = "") -> np.random.Generator:
        """The generator of `source` for consumer `key`, the same for the same seed and key."""
        spawn_key = (*self.seed.spawn_key, *self._key(source, key))
        child = np.random.SeedSequence(self.seed.entropy, spawn_key=spawn_key)
        return np.random.Generator(np.random.PCG64(child))

    def sequence(self, source: str, key: str, spec: float | Model) -> Sampler:
        """Draws of `spec` handed out in order, from their own stream (arrival gaps)."""
        return sampler(spec, self.generator(source, key))

    def sampler(self, source: str, key: str, spec: float | Model) -> Draw:
        """Per-case draws of `spec` from their own stream of `source`."""
        return case_sampler(spec, self.seed, self._key(source, key))

    def uniform(self, source: str, key: str = "") -> CaseSampler:
        """Per-case uniform numbers in [0, 1) from their own stream."""
        return CaseSampler(uniform_block, self.seed, self._key(source, key))
