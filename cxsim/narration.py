"""How a case's events are told in words: who acted, and what happened.

One telling for `cxsim trace` and the report's worst cases alike, from an event's plain
parts (team, organization, channel, what, details), so a case reads the same wherever
it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxsim.scenario.units import UNDEFINED, format_duration
from cxsim.scenario.weekly import clock

DURATION_DETAILS = ("waited", "travel", "lost")
"""History details that are durations, told in human units."""
TIME_DETAILS = ("due", "window_start", "until", "back")
"""History details that are clock times."""


def who(team: str | None, org: str | None, channel: str | None) -> str:
    """`installers (messyco, on_site)`: the team, with its organization and channel."""
    if team is None:
        return UNDEFINED
    parts = [p for p in (org, channel) if p and p != team]  # an organization is its own org
    return f"{team} ({', '.join(parts)})" if parts else team


def what(happened: str, details: Mapping[str, Any], weekday: int) -> str:
    """`answered  waited=3.2 min`: what happened, durations and clock times for people."""
    told = dict(details)
    for key in DURATION_DETAILS:
        if isinstance(told.get(key), int | float):
            told[key] = format_duration(told[key])
    for key in TIME_DETAILS:
        if isinstance(told.get(key), int | float):
            told[key] = clock(told[key], weekday).replace("  ", " ")
    extra = "  ".join(f"{key}={value}" for key, value in told.items() if value is not None)
    return f"{happened.replace('_', ' ')}  {extra}".rstrip()
