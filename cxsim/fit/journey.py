"""Discovering a journey from a log: one step per activity, routed by observed transitions.

Each case's activities in time order are a walk; every activity followed by another
(itself too: a rework loop) or by the end of the case counts once toward the routing
shares of that activity. So the journey is a first-order chain: where a case goes next
depends on the step it is at, not on the path it took there. The start is the first
activity of the cases; when they begin with different ones, the shares of each.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TypeVar

from cxsim.fit.log import Log

T = TypeVar("T")

END = "end"
"""The name the language gives to resolving a case, in outcomes."""


@dataclass
class Routing:
    """Counts of first activities and of directly-follows transitions (None: the case ended)."""

    starts: Counter[str] = field(default_factory=Counter)
    follows: dict[str, Counter[str | None]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    """Instances of each activity."""
    positions: Counter[str] = field(default_factory=Counter)
    """Sum over cases of the place where each activity first happened (0: first)."""
    cases: Counter[str] = field(default_factory=Counter)
    """Cases in which each activity happened."""

    @property
    def activities(self) -> list[str]:
        """The activities in the order cases usually meet them (ties by name)."""
        return sorted(self.counts, key=lambda name: (self.positions[name] / self.cases[name], name))

    def shares(self, activity: str) -> dict[str | None, float]:
        """Where a case goes after `activity`: each next activity (None: end) and its share."""
        return _shares(self.follows[activity])

    def start_shares(self) -> dict[str, float]:
        """How cases begin: each first activity and its share."""
        return {name: share for name, share in _shares(self.starts).items() if name is not None}


def discover_routing(log: Log) -> Routing:
    """The routing counts of `log`, each case's activities in the order they ended."""
    routing = Routing()
    for activities in log.cases().values():
        names = [a.activity for a in activities]
        routing.starts[names[0]] += 1
        routing.counts.update(names)
        firsts: dict[str, int] = {}
        for place, name in enumerate(names):
            firsts.setdefault(name, place)
        routing.positions.update(firsts)
        routing.cases.update(firsts.keys())
        for here, there in zip(names, [*names[1:], None], strict=True):
            routing.follows.setdefault(here, Counter())[there] += 1
    return routing


def _shares(counts: Counter[T]) -> dict[T, float]:
    """Shares of `counts`, rounded to 4 decimals and adding up to exactly 1, largest first."""
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    shares = {key: round(count / total, 4) for key, count in ordered}
    shares = {key: share for key, share in shares.items() if share > 0}
    largest = next(iter(shares))
    shares[largest] = round(1 - sum(s for k, s in shares.items() if k != largest), 4)
    return shares


_NOT_NAME = re.compile(r"[^a-z0-9]+")


def step_names(
    activities: list[str], reserved: frozenset[str] = frozenset({END})
) -> dict[str, str]:
    """A YAML-friendly step name for each activity (`Take in charge` → `take_in_charge`), unique.

    Names are lowercase words joined by `_`, so `--set journeys.J.steps.NAME…` paths
    work; a name the language reserves or one already taken gets a number.
    """
    names: dict[str, str] = {}
    taken = set(reserved)
    for activity in activities:
        base = _NOT_NAME.sub("_", activity.lower()).strip("_") or "step"
        if base[0].isdigit():
            base = f"step_{base}"
        name, number = base, 2
        while name in taken:
            name, number = f"{base}_{number}", number + 1
        taken.add(name)
        names[activity] = name
    return names
