"""Seats: which person of a team does a piece of work, for event logs that name people.

A team is a count of people to SimPy; an event log wants a name per person (`agents-3`).
`Seats` hands out the lowest free seat number and takes it back when the work is done,
so the same seat is never busy twice at once and the numbers stay small and stable. A
team only has seats when histories are kept: the ordinary run never pays for them.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cxsim.engine.world import Team


class Seats:
    """A free-list of seat numbers (1, 2, …) of one team."""

    __slots__ = ("_free", "_next")

    def __init__(self) -> None:
        self._free: list[int] = []
        self._next = 1

    def take(self) -> int:
        """The lowest free seat, now busy."""
        if self._free:
            return heapq.heappop(self._free)
        seat = self._next
        self._next += 1
        return seat

    def give(self, seat: int) -> None:
        """`seat` is free again."""
        heapq.heappush(self._free, seat)


def take_seat(team: Team) -> int | None:
    """The person of `team` who takes a piece of work up; None when it keeps no seats."""
    return team.seats.take() if team.seats is not None else None


def give_seat(team: Team, seat: int | None) -> None:
    """The person in `seat` is done with their piece of work."""
    if seat is not None and team.seats is not None:
        team.seats.give(seat)
