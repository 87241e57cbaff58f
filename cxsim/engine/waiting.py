"""How work waits for a team's people: higher priority first, then first come, first served.

A team's people are a count on duty (`capacity`, which its calendar changes) and a count
at work (`busy`). A request for one of them is a SimPy event, triggered when a person is
granted: at once when one is free and nobody waits (then it is processed already, and
yielding it costs no step of the event queue), otherwise when one is given back or comes
on duty. Waiting requests are kept in the order they will be granted (a smaller
`key` first: the case's priority negated, then the time of the request); a request that
sorts last — every request, when all priorities are equal — is simply appended.

This does what `simpy.PriorityResource` does, with less: giving a person back is not an
event of its own, and the person goes straight to the first request waiting, so a
request made at the same instant cannot take the person ahead of it.
"""

from __future__ import annotations

import bisect
import contextlib
from typing import Any

import simpy
from simpy.events import PENDING


def _key(request: TeamRequest) -> tuple[float, float]:
    return request.key


class WaitingLine(list["TeamRequest"]):
    """The requests waiting for a team, in the order they will be granted."""

    def append(self, request: TeamRequest) -> None:
        """Put `request` behind every request of its priority or higher."""
        if self and request.key < self[-1].key:
            bisect.insort_right(self, request, key=_key)
        else:
            super().append(request)


class People:
    """A team's people: how many are on duty, how many are at work, who waits for one."""

    __slots__ = ("busy", "capacity", "env", "waiting")

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        self.env = env
        self.capacity = capacity
        self.busy = 0
        self.waiting = WaitingLine()

    def request(self, priority: float = 0) -> TeamRequest:
        """Ask for a person; a smaller `priority` is served first."""
        return TeamRequest(self, priority)

    def release(self, request: TeamRequest) -> None:
        """Give back the person `request` was granted, or withdraw it if it still waits."""
        if request.holding:
            request.holding = False
            self.busy -= 1
            self._grant()
        else:
            request.cancel()

    def set_capacity(self, capacity: int) -> None:
        """Change the number of people on duty; waiting requests are granted as places free.

        People at work when fewer come on duty finish their work first.
        """
        self.capacity = capacity
        self._grant()

    def _grant(self) -> None:
        waiting = self.waiting
        while waiting and self.busy < self.capacity:
            waiting.pop(0).grant()


class TeamRequest(simpy.Event):
    """A request for one of a team's people: an event, triggered when a person is granted.

    Used as a context manager, leaving the block gives the person back, or withdraws the
    request if no person was granted. A contact queued at two teams (overflow) withdraws
    its request at the team that did not answer; withdrawing again is harmless.
    """

    def __init__(self, people: People, priority: float = 0) -> None:
        env = people.env
        self.env = env
        self.callbacks = []
        self._value = PENDING
        self.people = people
        self.priority = priority
        self.key = (priority, env.now)
        self.holding = False
        """Whether the request holds a person now."""
        self.proc = env.active_process
        """The process (a case's) that asked."""
        if people.busy < people.capacity and not people.waiting:
            # granted at once: the event is born processed, so the case yielding it goes
            # on in the same step, with no trip through the event queue
            self.holding = True
            people.busy += 1
            self._ok = True
            self._value = None
            self.callbacks = None  # type: ignore[assignment]
        else:
            people.waiting.append(self)

    def grant(self) -> None:
        """Give the request a person."""
        self.holding = True
        self.people.busy += 1
        self._ok = True
        self._value = None
        self.env.schedule(self)

    def cancel(self) -> None:
        """Leave the queue, if still in it."""
        if self._value is PENDING:
            with contextlib.suppress(ValueError):
                self.people.waiting.remove(self)

    def __enter__(self) -> TeamRequest:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.people.release(self)
