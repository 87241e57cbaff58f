"""An event log in memory: what `cxsim fit` reads and what fit quality compares.

A log is a list of activity instances, each with its case, its activity, when it ended
(and, when the log says, when it started), and who did it. Timestamps are naive
datetimes on the log's own clock. Both the reader of real logs and the reader of
cxsim's own event logs produce this one shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Activity:
    """One activity instance of a case."""

    case: str
    activity: str
    end: datetime
    start: datetime | None = None
    """When the work began; None when the log records completions only."""
    resource: str | None = None
    team: str | None = None


@dataclass
class Log:
    """Activity instances, ordered by case, then by end (then start) time."""

    activities: list[Activity] = field(default_factory=list)

    @classmethod
    def of(cls, activities: Iterable[Activity]) -> Log:
        """A log of `activities` in any order."""
        ordered = sorted(activities, key=lambda a: (a.case, a.end, a.start or a.end, a.activity))
        return cls(ordered)

    def cases(self) -> dict[str, list[Activity]]:
        """Each case's activity instances in time order, cases in order of their first event."""
        found: dict[str, list[Activity]] = {}
        for activity in self.activities:
            found.setdefault(activity.case, []).append(activity)
        return dict(sorted(found.items(), key=lambda item: min(a.start or a.end for a in item[1])))

    def split(self, held_out: float) -> tuple[Log, Log]:
        """The earlier cases and the last `held_out` share of them, by when they began."""
        if not 0 < held_out < 1:
            raise ValueError(f"expected a share between 0 and 1 to hold out, got {held_out}")
        cases = list(self.cases())
        kept = set(cases[: round(len(cases) * (1 - held_out))])
        return (
            Log([a for a in self.activities if a.case in kept]),
            Log([a for a in self.activities if a.case not in kept]),
        )
