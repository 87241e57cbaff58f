"""Which charts a run folder gets, drawn from its figures.json into `plots/*.svg`.

Each part of figures.json makes its charts only when it is there and not empty, so a
folder from an older cxsim (no figures.json) or a scenario without, say, handoffs gets
the charts it can have and no empty ones. Files are named after what they show, so a
rebuilt folder overwrites the same names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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


def charts(run: RunFolder) -> list[tuple[str, str, str, Figure]]:
    """(section, title, file name, figure) of every chart the folder's figures can make."""
    figures = run.figures
    found: list[tuple[str, str, str, Figure]] = []
    resolution = figures.get("time_to_resolution") or {}
    if resolution.get("customer") or resolution.get("process"):
        figure = resolution_chart(resolution, resolution_targets(run.scenario))
        found.append(("resolution", "Time to resolution", "time_to_resolution.svg", figure))
    handoffs = figures.get("handoffs") or {}
    if handoffs.get("counts"):
        found.append(("handoffs", "Handoffs per case", "handoffs.svg", handoffs_chart(handoffs)))
    matrix = figures.get("handoff_matrix") or {}
    if any(matrix.values()):
        figure = handoff_matrix_chart(matrix, figures.get("holders") or {})
        found.append(("handoffs", "Handoff matrix", "handoff_matrix.svg", figure))
    orphans = figures.get("orphans") or {}
    if orphans.get("rate") or orphans.get("per_replication"):
        found.append(("orphans", "Orphaned cases", "orphans.svg", orphans_chart(orphans)))
    for name, team in (figures.get("teams") or {}).items():
        if (team or {}).get("hour_of_week"):
            figure = team_chart(name, team)
            found.append(("teams", f"Team {name}", f"team-{_safe(name)}.svg", figure))
    for rank, timeline in enumerate(figures.get("timelines") or [], start=1):
        if timeline.get("events"):
            title = f"Case {timeline.get('case')}"
            figure = timeline_chart(timeline)
            found.append(("timelines", title, f"timeline-{rank}.svg", figure))
    return found


def write_plots(run: RunFolder) -> list[Plot]:
    """Draw the folder's charts into its `plots/` folder; the plots written, in report order."""
    folder = run.path / PLOTS
    written = []
    for section, title, name, figure in charts(run):
        folder.mkdir(exist_ok=True)
        written.append(Plot(section, title, write_svg(figure, folder / name)))
    return written
