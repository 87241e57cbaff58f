"""Per team, over the 168 hours of the week: how long contacts waited and how busy people were.

The upper panel is the mean wait of answered contacts (ASA) by the hour they were
offered, in the unit the longest wait reads best in; the lower one is occupancy (busy
time ÷ staffed time) in per cent. Hours when nobody was on duty have no occupancy and
are shaded, so a closed line reads as closed, not as idle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cxsim.report.charts import MUTED, PROCESS, chart, new_figure, percent_axis, time_unit

HOURS_IN_WEEK = 168
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _days(axes: Axes) -> None:
    """Day names between the day boundaries of an hour-of-week axis."""
    axes.set_xticks([24 * d for d in range(8)], minor=False)
    axes.set_xticks([24 * d + 12 for d in range(7)], DAY_NAMES, minor=True)
    axes.tick_params(axis="x", which="minor", length=0)
    axes.tick_params(axis="x", which="major", labelbottom=False)
    axes.set_xlim(0, HOURS_IN_WEEK)


def _closed(values: Sequence[float | None]) -> list[tuple[int, int]]:
    """Runs of hours (start, length) in which nobody was on duty."""
    runs: list[tuple[int, int]] = []
    for hour, value in enumerate(values):
        if value is None:
            if runs and sum(runs[-1]) == hour:
                runs[-1] = (runs[-1][0], runs[-1][1] + 1)
            else:
                runs.append((hour, 1))
    return runs


@chart
def team_chart(name: str, data: Mapping[str, Any]) -> Figure:
    """ASA and occupancy of one team by hour of the week."""
    week = data["hour_of_week"]
    asa: list[float | None] = list(week.get("asa") or [None] * HOURS_IN_WEEK)
    occupancy: list[float | None] = list(week.get("occupancy") or [None] * HOURS_IN_WEEK)
    unit = time_unit(asa)
    figure = new_figure(8.5, 4.4)
    upper, lower = figure.subplots(2, 1, sharex=True)
    hours = [h + 0.5 for h in range(HOURS_IN_WEEK)]
    upper.plot(
        hours, [float("nan") if v is None else unit.of(v) for v in asa], color=PROCESS, lw=1.2
    )
    upper.set_ylabel(f"ASA ({unit.name})")
    upper.set_ylim(bottom=0)
    upper.set_title("Mean wait of answered contacts (ASA), by hour offered")
    lower.plot(hours, [float("nan") if v is None else v for v in occupancy], color=PROCESS)
    lower.set_ylim(0, 1.05)
    percent_axis(lower)
    lower.set_ylabel("occupancy (%)")
    lower.set_title("Occupancy (busy ÷ staffed time)")
    lower.set_xlabel("hour of the week")
    if data.get("calendar"):
        for start, length in _closed(occupancy):
            for axes in (upper, lower):
                axes.axvspan(start, start + length, color=MUTED, alpha=0.15, lw=0)
    for axes in (upper, lower):
        _days(axes)
        axes.grid(axis="x", which="major", alpha=0.5)
    upper.tick_params(axis="x", which="minor", labelbottom=False)
    org = data.get("org")
    figure.suptitle(f"Team {name}" + (f" ({org})" if org else ""), fontweight="bold")
    return figure
