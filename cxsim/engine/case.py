"""A case: one customer problem moving through a journey, with its owner, context and history.

The case is the unit every metric is about. It carries who owns it now (the team
holding a pending action, or none), which teams know its story, the promises made to
the customer, the counters of handoffs, repeats and contacts, and — only when a trace
or an event log asks for it — the history of everything that happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cxsim.scenario.types import DIGITAL_CHANNELS

if TYPE_CHECKING:
    from cxsim.engine.activities import Activity
    from cxsim.engine.world import CustomerSegment, Team


@dataclass(slots=True)
class Promise:
    """A commitment to the customer with a deadline: a window, a callback, an ETA."""

    kind: str
    made_at: float
    due: float
    by: str
    kept: bool | None = None
    """None while open; True when kept by its deadline, False once broken."""
    window: float = 0.0
    """For an appointment: the length of the window the customer waits in."""
    about: str | None = None
    """The step whose completion fulfils the promise (an ETA inherits it from the promise
    it replaces); None for an appointment, which the visit keeps."""


@dataclass(slots=True)
class Event:
    """One line of a case's history."""

    time: float
    team: str | None
    channel: str | None
    what: str
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Ownership:
    """The policies that decide who owns a case, shared by every case of a replication."""

    orphan_after: float = 1440.0
    """An ownerless spell longer than this (minutes) makes the case orphaned."""
    single_owner: bool = False
    """The first team to take the case stays accountable for it to the end."""


PER_TEAM = Ownership()
"""The default: a team owns a case while it holds a pending action; orphaned after 1 day."""


class Case:
    """One customer problem flowing through a journey.

    `holder` is the team holding the pending action now; `owner` the team accountable
    for the case: the holder itself under `per_team` ownership, the first team to take
    the case under `single_owner`. A case with neither, and not resolved, sits in an
    ownerless spell; a spell longer than `orphan_after` makes it orphaned.
    """

    __slots__ = (
        "activities",
        "alarm",
        "answered_by",
        "appointment",
        "broken",
        "busy",
        "channel",
        "children",
        "conditions",
        "contacts",
        "counted",
        "created",
        "cross_org_handoffs",
        "digital",
        "down",
        "drawn",
        "effort",
        "ended_at",
        "expected",
        "fruitless",
        "handoffs",
        "history",
        "holder",
        "id",
        "journey",
        "key",
        "known_by",
        "lane",
        "last_holder",
        "left_at",
        "missed",
        "nudge",
        "orphan_since",
        "orphan_time",
        "orphaned",
        "orphaned_after",
        "outbound",
        "outcome",
        "own",
        "owner",
        "owner_since",
        "ownership",
        "parent",
        "pending_children",
        "process",
        "progress_at",
        "promises",
        "repeats",
        "revival",
        "segment",
        "step",
        "stream",
        "told",
        "visits",
        "wasted",
    )

    def __init__(
        self,
        case_id: int,
        key: int,
        segment: CustomerSegment,
        journey: str,
        created: float,
        counted: bool,
        history: bool = False,
        parent: Case | None = None,
        ownership: Ownership | None = None,
    ) -> None:
        self.id = case_id
        self.key = key
        """Arrival index of the customer: what the case's random draws are keyed by."""
        self.lane = 0
        """0 for a root case; k for the k-th child case of its root."""
        self.stream = parent.stream if parent is not None else 0
        """Number of the stream of work the case came in by (its root's, for a child)."""
        self.drawn: dict[object, int] = {}
        """Values taken so far from each per-case stream."""
        self.own: dict[object, tuple[int, list[float]]] = {}
        """Blocks of the case's own values, by stream (`distributions.CaseSampler`)."""
        self.segment = segment
        self.journey = journey
        self.created = created
        self.counted = counted
        self.parent = parent
        self.ownership = ownership or PER_TEAM
        self.children: list[Case] = []
        self.pending_children = 0
        self.step: str | None = None
        self.channel: str | None = None
        self.holder: Team | None = None
        self.last_holder: Team | None = None
        self.owner: Team | None = None
        self.answered_by: Team | None = None
        """The team whose person answered the customer's last contact (after an overflow,
        another than the one contacted)."""
        self.owner_since = created
        self.orphan_since: float | None = None
        self.orphan_time = 0.0
        self.orphaned = False
        self.left_at: str | None = None
        """The step the case was at when its current ownerless spell began."""
        self.orphaned_after: str | None = None
        """The step the case was left at when it was first orphaned."""
        self.revival: Any = None
        self.known_by: set[str] = set()
        self.told = False
        self.conditions: set[str] = set()
        self.promises: list[Promise] = []
        self.history: list[Event] | None = [] if history else None
        self.activities: list[Activity] | None = [] if history else None
        """Start and end of each step's work, for event logs (`cxsim.engine.activities`)."""
        self.handoffs = 0
        self.cross_org_handoffs = 0
        self.repeats = 0
        self.contacts = 0
        self.outbound = 0
        self.wasted = 0
        self.visits = 0
        self.missed = 0
        self.broken = 0
        self.effort = 0.0
        self.progress_at = created
        """When the customer last saw something happen on the case."""
        self.busy = False
        """The customer is on the line (in a contact) right now."""
        self.expected: float | None = None
        """When the pending action is expected to be done, where the process knows it."""
        self.appointment: Promise | None = None
        self.alarm = False
        """A promise broke unannounced: the customer will chase."""
        self.nudge: Any = None
        """Event the customer waits on, triggered when a promise breaks."""
        self.fruitless = 0
        """Follow-up contacts in a row that changed nothing."""
        self.down: dict[str, float] = {}
        """Channels that fail for this customer, with the minutes each try costs them."""
        self.digital = True
        """Whether the customer uses digital channels."""
        self.process: Any = None
        """The SimPy process moving the case through its journey."""
        self.ended_at: float | None = None
        self.outcome: str | None = None

    def usable(self, channel: str) -> bool:
        """Whether the customer can and will use `channel`."""
        if channel in self.down:
            return False
        return self.digital or channel not in DIGITAL_CHANNELS

    @property
    def label(self) -> str:
        """`1742`, or `1742.1` for the first child of case 1742."""
        if self.parent is None:
            return str(self.id)
        return f"{self.parent.label}.{self.parent.children.index(self) + 1}"

    def note(
        self, time: float, team: str | None, channel: str | None, what: str, **details: Any
    ) -> None:
        """Add a line to the history, when one is kept."""
        if self.history is not None:
            self.history.append(Event(time, team, channel, what, details))

    def take(self, team: Team, time: float) -> None:
        """`team` now holds the pending action.

        The work moving to another team than the last one to hold it is a handoff, also
        across a spell with nobody holding it, and under either ownership policy. Who
        owns the case follows the policy: the holder (per team), or the first team to
        take it (single owner).
        """
        last = self.last_holder
        self.holder = team
        if last is not team:
            if last is not None:
                self.handoffs += 1
                if self.counted:
                    last.handed[team.name] = last.handed.get(team.name, 0) + 1
                if last.org != team.org:
                    self.cross_org_handoffs += 1
            self.last_holder = team
        if self.orphan_since is not None:
            self._close_spell(time)
        owner = self.owner
        if owner is team or (owner is not None and self.ownership.single_owner):
            return
        self.owner = team
        self.owner_since = time
        if self.history is not None:
            self.note(time, team.name, None, "owner", previous=owner.name if owner else None)

    def release(self, time: float) -> None:
        """The holder lets go; under per-team ownership nobody owns the case any more."""
        self.holder = None
        if self.ownership.single_owner and self.owner is not None:
            return  # the accountable owner still answers for it
        if self.owner is not None and self.history is not None:
            self.note(time, None, None, "owner", previous=self.owner.name)
        self.owner = None
        if self.orphan_since is None:
            self.orphan_since = time
            self.left_at = self.step

    def _close_spell(self, time: float) -> None:
        since = self.orphan_since
        assert since is not None
        self.orphan_since = None
        if time - since > self.ownership.orphan_after:
            if not self.orphaned:
                self.orphaned_after = self.left_at
            self.orphaned = True
            self.orphan_time += time - since

    def orphan_state(self, time: float) -> tuple[bool, float]:
        """Whether the case was orphaned by `time`, and for how long in all."""
        since = self.orphan_since
        if since is not None and time - since > self.ownership.orphan_after:
            return True, self.orphan_time + (time - since)
        return self.orphaned, self.orphan_time

    def orphaned_at(self, time: float) -> str | None:
        """The step the case was left at when first orphaned (by `time`); None if never."""
        if self.orphaned:
            return self.orphaned_after
        since = self.orphan_since
        if since is not None and time - since > self.ownership.orphan_after:
            return self.left_at
        return None

    def tell(self, team: Team, time: float) -> None:
        """The customer reaches `team`: without the context, they repeat the story."""
        if team.name in self.known_by and team.keeps_context:
            return
        if self.told:
            self.repeats += 1
            if self.history is not None:
                self.note(time, team.name, self.channel, "repeat", count=self.repeats)
        self.told = True
        self.known_by.add(team.name)

    def end(self, time: float, outcome: str) -> None:
        """The case leaves the journey: `resolved`, or `gave_up`."""
        if self.orphan_since is not None:
            self._close_spell(time)
        self.ended_at = time
        self.outcome = outcome
        self.holder = None
        if not self.ownership.single_owner:
            self.owner = None  # a single owner stays accountable, for child cases to come
        if self.history is not None:
            self.note(time, None, None, outcome)

    @property
    def done(self) -> bool:
        """The case and every child it opened (or will open) have left their journeys."""
        if self.ended_at is None or self.pending_children:
            return False
        return all(child.ended_at is not None for child in self.children)

    @property
    def resolved(self) -> bool:
        """Whether every problem of the case, children included, is fixed."""
        if self.outcome != "resolved":
            return False
        return not self.children or all(child.resolved for child in self.children)
