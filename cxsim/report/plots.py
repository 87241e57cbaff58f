"""Which charts a run folder gets, drawn from its figures.json into `plots/*.svg`.

Each part of figures.json makes its charts only when it is there and not empty, so a
folder from an older cxsim (no figures.json) or a scenario without, say, handoffs gets
the charts it can have and no empty ones. Files are named after what they show, so a
rebuilt folder overwrites the same names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from matplotlib.figure import Figure

from cxsim.report.charts import write_svg
from cxsim.report.folder import RunFolder
from cxsim.report.handoffs import handoff_matrix_chart, handoffs_chart
from cxsim.report.orphans import orphans_chart
from cxsim.report.resolution import resolution_chart, resolution_targets
from cxsim.report.teams import team_chart
from cxsim.report.timeline import timeline_chart

PLOTS = "plots"
"""The folder of a run folder the charts go into."""


@dataclass(frozen=True)
class Plot:
    """A chart written to a file: which section of the report it belongs to, and its title."""

    section: str
    title: str
    path: Path


def _safe(name: str) -> str:
    """A name fit for a file name on any system."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


Draw = Callable[[], Figure]


def charts(run: RunFolder) -> list[tuple[str, str, str, Draw]]:
    """(section, title, file name, how to draw it) of every chart the folder's figures can make."""
    figures = run.figures
    found: list[tuple[str, str, str, Draw]] = []
    resolution = figures.get("time_to_resolution") or {}
    if resolution.get("customer") or resolution.get("process"):
        targets = resolution_targets(run.scenario)
        found.append(
            (
                "resolution",
                "Time to resolution",
                "time_to_resolution.svg",
                lambda: resolution_chart(resolution, targets),
            )
        )
    handoffs = figures.get("handoffs") or {}
    if handoffs.get("counts"):
        draw = partial(handoffs_chart, handoffs)
        found.append(("handoffs", "Handoffs per case", "handoffs.svg", draw))
    matrix = figures.get("handoff_matrix") or {}
    if any(matrix.values()):
        draw = partial(handoff_matrix_chart, matrix, figures.get("holders") or {})
        found.append(("handoffs", "Handoff matrix", "handoff_matrix.svg", draw))
    orphans = figures.get("orphans") or {}
    if orphans.get("rate") or orphans.get("per_replication"):
        found.append(("orphans", "Orphaned cases", "orphans.svg", partial(orphans_chart, orphans)))
    for name, team in (figures.get("teams") or {}).items():
        if (team or {}).get("hour_of_week"):
            draw = partial(team_chart, name, team)
            found.append(("teams", f"Team {name}", f"team-{_safe(name)}.svg", draw))
    for rank, timeline in enumerate(figures.get("timelines") or [], start=1):
        if timeline.get("events"):
            draw = partial(timeline_chart, timeline)
            found.append(
                ("timelines", f"Case {timeline.get('case')}", f"timeline-{rank}.svg", draw)
            )
    return found


def write_plots(run: RunFolder) -> tuple[list[Plot], list[str]]:
    """Draw the folder's charts into its `plots/` folder: the plots, in report order, and
    what could not be drawn and why.

    A part of figures.json that does not read as expected (written by another version of
    cxsim, say) costs its chart, not the report.
    """
    folder = run.path / PLOTS
    written, problems = [], []
    for section, title, name, draw in charts(run):
        try:
            figure = draw()
        except (KeyError, IndexError, TypeError, ValueError) as error:
            problems.append(
                f"{title}: left out, figures.json does not read as expected ({error!r})"
            )
            continue
        folder.mkdir(exist_ok=True)
        written.append(Plot(section, title, write_svg(figure, folder / name)))
    return written, problems
