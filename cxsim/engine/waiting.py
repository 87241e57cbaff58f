"""How work waits for a team's people: higher priority first, then first come, first served.

A team's queue holds SimPy priority requests (a smaller `key` is served first: the
case's priority negated, then the time of the request). SimPy's own sorted queue sorts
the whole queue at every arrival; this one puts each request in its place, and a request
that sorts last — every request, when all priorities are equal — is simply appended.
"""

from __future__ import annotations

import bisect
import contextlib
from typing import Any

from simpy.resources.resource import PriorityRequest


def _key(request: Any) -> Any:
    return request.key


class WaitingLine(list[Any]):
    """The requests waiting for a team, in the order they will be granted."""

    def append(self, request: Any) -> None:
        """Put `request` behind every request of its priority or higher."""
        if self and request.key < self[-1].key:
            bisect.insort_right(self, request, key=_key)
        else:
            super().append(request)


class TeamRequest(PriorityRequest):
    """A request for one of a team's people, withdrawn as soon as it is not needed.

    A contact queued at two teams (overflow) withdraws its request at the team that did
    not answer at once; leaving the `with` block withdraws it again, harmlessly.
    """

    def cancel(self) -> None:
        """Leave the queue, if still in it."""
        if not self.triggered:
            with contextlib.suppress(ValueError):
                self.resource.put_queue.remove(self)
