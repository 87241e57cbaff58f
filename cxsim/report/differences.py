"""A what-if comparison as a chart: each metric's difference (variant − base), 95 % interval.

One panel per kind of metric, so each reads in its own unit: times in the human unit
the largest difference reads best in, rates in percentage points, numbers as they are.
Counts (cases, contacts handled) are left out: their size follows the arrivals, not the
change. Each interval is coloured by its verdict, and zero is drawn, so "better",
"worse" and "no detectable difference" can be told apart at a glance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from cxsim.metrics import CASE_METRICS, TEAM_METRICS, Metric
from cxsim.report.charts import BAD, GOOD, MUTED, PROCESS, chart, new_figure, time_unit

NEUTRAL = "#333333"
"""A metric with no better direction (occupancy, handled): changed, neither good nor bad."""
VERDICT_COLOURS = {
    "better": GOOD,
    "worse": BAD,
    "negligible": MUTED,
    "no detectable difference": PROCESS,
    "no verdict": NEUTRAL,
}
_CASE = {m.name: m for m in CASE_METRICS}
_TEAM = {m.name: m for m in TEAM_METRICS}
KINDS = ("time", "rate", "number")


def rows(comparison: Mapping[str, Any]) -> list[tuple[str, Metric, Mapping[str, Any]]]:
    """(label, metric, difference) of every metric worth a line: case metrics, then teams'."""
    found = []
    for name, item in (comparison.get("metrics") or {}).items():
        if name in _CASE:
            found.append((name.replace("_", " "), _CASE[name], item))
    for team, metrics in (comparison.get("teams") or {}).items():
        for name, item in metrics.items():
            if name in _TEAM:
                found.append((f"{team}: {name.replace('_', ' ')}", _TEAM[name], item))
    return [row for row in found if row[1].kind in KINDS and row[2].get("difference") is not None]


@chart
def differences_chart(comparison: Mapping[str, Any]) -> Figure:
    """Horizontal intervals of variant − base, one panel per kind of metric."""
    found = rows(comparison)
    kinds = [kind for kind in KINDS if any(m.kind == kind for _, m, _ in found)] or ["number"]
    counts = [max(1, sum(m.kind == kind for _, m, _ in found)) for kind in kinds]
    figure = new_figure(8.0, 1.4 + 0.3 * sum(counts) + 0.6 * len(kinds))
    panels = figure.subplots(len(kinds), 1, height_ratios=counts, squeeze=False)[:, 0]
    for axes, kind in zip(panels, kinds, strict=True):
        mine = [(label, item) for label, metric, item in found if metric.kind == kind]
        values = [v for _, item in mine for v in (item["difference"], *item["ci95"])]
        unit = time_unit(values) if kind == "time" else None
        scale = 100.0 if kind == "rate" else 1.0 / unit.minutes if unit else 1.0
        for row, (_label, item) in enumerate(mine):
            low, high = item["ci95"]
            middle = item["difference"] * scale
            below = middle - low * scale if low is not None else 0.0
            above = high * scale - middle if high is not None else 0.0
            colour = VERDICT_COLOURS.get(item.get("verdict", ""), MUTED)
            axes.errorbar(
                [middle], [row], xerr=[[below], [above]], fmt="o", color=colour, capsize=3
            )
        axes.axvline(0, color="black", lw=0.8)
        axes.set_yticks(range(len(mine)), [label for label, _ in mine])
        axes.set_ylim(len(mine) - 0.5, -0.5)
        axes.grid(axis="y", visible=False)
        what = {"time": f"{unit.name if unit else 'minutes'}", "rate": "percentage points"}
        axes.set_xlabel(f"variant − base ({what.get(kind, 'per case')})")
    handles = [
        Line2D([], [], marker="o", color=colour, label=verdict)
        for verdict, colour in VERDICT_COLOURS.items()
    ]
    figure.legend(handles=handles, loc="outside lower center", ncol=5)
    base = (comparison.get("base") or {}).get("scenario", "base")
    variant = (comparison.get("variant") or {}).get("scenario", "variant")
    figure.suptitle(f"{base} → {variant}: difference with 95 % CI", fontweight="bold")
    return figure
