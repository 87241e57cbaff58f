"""A case: one customer problem moving through a journey, with its owner, context and history.

The case is the unit every metric is about. It carries who owns it now (the team
holding a pending action, or none), which teams know its story, the promises made to
the customer, the counters of handoffs, repeats and contacts, and — only when a trace
or an event log asks for it — the history of everything that happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cxsim.engine.world import CustomerSegment, Team


@dataclass(slots=True)
class Promise:
    """A commitment to the customer with a deadline: a window, a callback, an ETA."""

    kind: str
    made_at: float
    due: float
    by: str
    kept: bool | None = None


@dataclass(slots=True)
class Event:
    """One line of a case's history."""

    time: float
    team: str | None
    channel: str | None
    what: str
    details: dict[str, Any]


class Case:
    """One customer problem flowing through a journey."""

    __slots__ = (
        "channel",
        "children",
        "contacts",
        "counted",
        "created",
        "cross_org_handoffs",
        "effort",
        "ended_at",
        "handoffs",
        "history",
        "id",
        "journey",
        "known_by",
        "outbound",
        "outcome",
        "owner",
        "owner_since",
        "parent",
        "promises",
        "repeats",
        "segment",
        "step",
    )

    def __init__(
        self,
        case_id: int,
        segment: CustomerSegment,
        journey: str,
        created: float,
        counted: bool,
        history: bool = False,
        parent: Case | None = None,
    ) -> None:
        self.id = case_id
        self.segment = segment
        self.journey = journey
        self.created = created
        self.counted = counted
        self.parent = parent
        self.children: list[Case] = []
        self.step: str | None = None
        self.channel: str | None = None
        self.owner: Team | None = None
        self.owner_since = created
        self.known_by: set[str] = set()
        self.promises: list[Promise] = []
        self.history: list[Event] | None = [] if history else None
        self.handoffs = 0
        self.cross_org_handoffs = 0
        self.repeats = 0
        self.contacts = 0
        self.outbound = 0
        self.effort = 0.0
        self.ended_at: float | None = None
        self.outcome: str | None = None

    def note(
        self, time: float, team: str | None, channel: str | None, what: str, **details: Any
    ) -> None:
        """Add a line to the history, when one is kept."""
        if self.history is not None:
            self.history.append(Event(time, team, channel, what, details))

    def take(self, team: Team, time: float) -> None:
        """`team` now holds the pending action; a move from another team is a handoff."""
        owner = self.owner
        if owner is team:
            return
        if owner is not None:
            self.handoffs += 1
            if owner.org != team.org:
                self.cross_org_handoffs += 1
        self.owner = team
        self.owner_since = time
        if self.history is not None:
            self.note(time, team.name, None, "owner", previous=owner.name if owner else None)

    def tell(self, team: Team, time: float) -> None:
        """The customer reaches `team`: without the context, they repeat the story."""
        known_by = self.known_by
        if team.name in known_by:
            return
        if known_by:
            self.repeats += 1
            if self.history is not None:
                self.note(time, team.name, self.channel, "repeat", count=self.repeats)
        known_by.add(team.name)

    def end(self, time: float, outcome: str) -> None:
        """The case leaves the journey: `resolved`, or `gave_up`."""
        self.ended_at = time
        self.outcome = outcome
        self.owner = None
        if self.history is not None:
            self.note(time, None, None, outcome)

    @property
    def resolved(self) -> bool:
        """Whether every problem of the case, children included, is fixed."""
        if self.outcome != "resolved":
            return False
        return not self.children or all(child.resolved for child in self.children)
