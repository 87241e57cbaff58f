"""Activities: the start and end of each step's work on a case, for event logs.

A case's history (`Case.note`) tells a story for people to read; an event log needs
less and needs it regular: for each step, when its work started and ended, and who did
it. Step blocks mark both ends with `started` and `completed`, only when the case keeps
histories. The work starts when it really begins — the contact is answered, the task
taken up, the technician on site, the wait begun, the visit booked — and a step whose
work never began (an abandoned contact, a skipped step) leaves no activity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cxsim.engine.case import Case

START, COMPLETE = "start", "complete"
"""The two lifecycle transitions an activity goes through (the XES names)."""


@dataclass(slots=True)
class Activity:
    """One end of one step's work on a case."""

    time: float
    step: str
    lifecycle: str
    team: str | None
    """The team doing the work, or holding the case during a wait; None for nobody."""
    seat: int | None = None
    """The person of `team` doing it (`Seats`); None when nobody in particular works."""
    window_start: float | None = None
    """For an appointment: the start of the window booked."""


def started(
    case: Case,
    time: float,
    step: str,
    team: str | None,
    seat: int | None = None,
    window_start: float | None = None,
) -> None:
    """The work of `step` starts on `case` (recorded only when it keeps histories)."""
    if case.activities is not None:
        case.activities.append(Activity(time, step, START, team, seat, window_start))


def completed(
    case: Case, time: float, step: str, team: str | None, seat: int | None = None
) -> None:
    """The work of `step` on `case` is over."""
    if case.activities is not None:
        case.activities.append(Activity(time, step, COMPLETE, team, seat))
