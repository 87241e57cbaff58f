"""Customers keep hours: a real-time channel found closed is tried again after it opens.

A customer about to call (or chat, video call, walk in) while the team answering that
channel is closed does not queue through the night. With probability
`switch_when_closed` they use another channel instead — one the team answers (for a
follow-up: any team's), that they use, and that is open now or takes messages (email,
social, sms, web, app: queued, and answered once its team is open). Otherwise they come
back `return_after` after the channel opens (or, if it has closed again by then, at its
next opening). Messages are sent at any time. A contact step, a redial after abandoning
and a follow-up all go through `keep_hours`, and a closed channel is not a contact.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from cxsim.scenario.types import REAL_TIME_CHANNELS

if TYPE_CHECKING:
    import simpy

    from cxsim.engine.case import Case
    from cxsim.engine.world import Team


def closed(team: Team, channel: str, now: float) -> bool:
    """Whether a customer finds `channel` of `team` closed at `now` (messages never are)."""
    hours = team.hours
    return hours is not None and channel in REAL_TIME_CHANNELS and not hours.is_open(now)


def keep_hours(
    env: simpy.Environment, case: Case, teams: dict[str, Team], channel: str, fixed: bool
) -> Generator[Any, Any, str]:
    """The channel the customer contacts `teams` on, once it is open; they wait till then.

    `teams` maps each channel the customer may use to the team answering it; `fixed`
    keeps the customer on `channel` (the step says which).
    """
    team = teams[channel]
    now = env.now
    if not closed(team, channel, now):
        return channel
    segment = case.segment
    switch = segment.switch_draw
    if not fixed and switch is not None and switch(case) < segment.switch_when_closed:
        other = _open_instead(case, teams, channel, now)
        if other is not None:
            if case.history is not None:
                case.note(now, team.name, channel, "closed", instead=other)
            return other
    assert team.hours is not None and segment.return_after is not None
    back = team.hours.next_open(team.hours.next_open(now) + segment.return_after(case))
    if case.history is not None:
        case.note(now, team.name, channel, "closed", back=back)
    busy, case.busy = case.busy, True  # about to call: no follow-up on top of it
    yield env.timeout(back - now)
    case.busy = busy
    return channel


def _open_instead(case: Case, teams: dict[str, Team], closed_one: str, now: float) -> str | None:
    """The customer's most preferred other channel they use that is open or takes messages."""
    weights = dict(zip(case.segment.channels, case.segment.weights, strict=True))
    others = [
        c for c in teams if c != closed_one and case.usable(c) and not closed(teams[c], c, now)
    ]
    others.sort(key=lambda c: -weights.get(c, 0.0))  # stable: the team's order among equals
    return others[0] if others else None
