"""One traced case as a swimlane: who did what when, lanes in service-blueprint order.

Lanes run top to bottom as in a service blueprint: the customer, the front stage
(teams answering a channel), the back stage (the operator's teams with no channel) and
partners (other organizations); within a lane, one row per team in order of first
appearance. Every event is a dot on its row; promises are diamonds (green when kept),
broken promises and failures red crosses (a failure with its name), the resolution a
green star. A thin line follows the case
from row to row, so a case bouncing between teams reads as a zigzag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from cxsim.report.charts import BAD, GOOD, MUTED, PROCESS, chart, new_figure, time_unit

LANES = ("customer", "front", "back", "partner")
LANE_NAMES = {
    "customer": "customer",
    "front": "front stage",
    "back": "back stage",
    "partner": "partners",
}

PROMISES = ("promise", "booked")
BROKEN = ("promise broken", "failure", "wasted", "abandoned", "gave up", "gave_up")
RESOLVED = ("resolved",)


def _what(event: Mapping[str, Any]) -> str:
    return str(event.get("what", "")).replace("_", " ")


def rows(events: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(lane, who) of each row, lanes in blueprint order, teams by first appearance."""
    seen: dict[tuple[str, str], int] = {}
    for index, event in enumerate(events):
        key = (event.get("lane") or "customer", event.get("team") or event.get("org") or "")
        seen.setdefault(key, index)
    return sorted(seen, key=lambda key: (LANES.index(key[0]) if key[0] in LANES else 9, seen[key]))


def marker(event: Mapping[str, Any]) -> tuple[str, str, float]:
    """Marker, colour and size of an event on the swimlane."""
    what = _what(event)
    if what in RESOLVED:
        return "*", GOOD, 110.0
    if what in BROKEN:
        return "X", BAD, 60.0
    if what == "promise kept":
        return "D", GOOD, 40.0
    if what in PROMISES or what.startswith("promise"):
        return "D", PROCESS, 40.0
    return "o", MUTED, 22.0


@chart
def timeline_chart(timeline: Mapping[str, Any]) -> Figure:
    """The case's events on lanes customer / front / back / partner against time."""
    events = list(timeline.get("events") or [])
    lanes = rows(events)
    position = {key: index for index, key in enumerate(lanes)}
    start = events[0]["time"] if events else 0.0
    unit = time_unit([event["time"] - start for event in events])
    figure = new_figure(9.0, 1.5 + 0.42 * max(len(lanes), 2))
    axes = figure.add_subplot()
    xs = [unit.of(event["time"] - start) for event in events]
    ys = [
        position[(e.get("lane") or "customer", e.get("team") or e.get("org") or "")] for e in events
    ]
    axes.plot(xs, ys, color=MUTED, lw=0.8, alpha=0.6, zorder=1)
    for x, y, event in zip(xs, ys, events, strict=True):
        shape, colour, size = marker(event)
        axes.scatter([x], [y], marker=shape, color=colour, s=size, zorder=2)
        name = (event.get("details") or {}).get("name")
        if _what(event) == "failure" and name:  # which failure, as the trace names it
            axes.annotate(
                str(name),
                (x, y),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=7,
                color=BAD,
            )
    labels = [
        f"{LANE_NAMES.get(lane, lane)} · {who}" if who else LANE_NAMES.get(lane, lane)
        for lane, who in lanes
    ]
    axes.set_yticks(range(len(lanes)), labels)
    axes.set_ylim(len(lanes) - 0.5, -0.5)  # the customer on top, as in a blueprint
    for index in range(1, len(lanes)):
        if lanes[index][0] != lanes[index - 1][0]:  # line of visibility, of interaction…
            axes.axhline(index - 0.5, color="black", lw=0.8, linestyle=":")
    axes.grid(axis="y", visible=False)
    axes.set_xlim(left=min(xs, default=0.0) - 0.01 * (max(xs, default=1.0) or 1.0))
    axes.set_xlabel(f"time since the case arrived ({unit.name})")
    handles = [
        Line2D([], [], marker=m, color=c, markersize=s**0.5, linestyle="", label=label)
        for m, c, s, label in (
            ("o", MUTED, 22.0, "event"),
            ("D", PROCESS, 40.0, "promise"),
            ("D", GOOD, 40.0, "promise kept"),
            ("X", BAD, 60.0, "broken promise, failure, abandoned"),
            ("*", GOOD, 110.0, "resolved"),
        )
    ]
    figure.legend(handles=handles, loc="outside lower center", ncol=len(handles))
    journey = timeline.get("journey", "")
    axes.set_title(f"Case {timeline.get('case', '')} · journey {journey} · swimlane")
    return figure
