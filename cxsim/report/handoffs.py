"""Handoffs: how many each case suffers (bars), and between whom they happen (a heat map).

The bars are the share of cases with 0, 1, 2, … handoffs (customer view: child cases
included; the last bar is "that many or more"). The heat map counts handoffs per
replication from the holder that let the case go (rows) to the one that took it
(columns); holders of another organization than the operator are marked with it, and
the organization boundaries are drawn, because a handoff across them is where context
is most often lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from cxsim.report.charts import PROCESS, chart, new_figure, percent_axis


@chart
def handoffs_chart(data: Mapping[str, Any]) -> Figure:
    """Bars: the share of cases with each number of handoffs."""
    counts = list(data["counts"])
    labels = [str(c) for c in counts]
    if labels:
        labels[-1] += "+"  # the last bucket holds that many or more
    figure = new_figure(5.5, 3.4)
    axes = figure.add_subplot()
    bars = axes.bar(range(len(counts)), data["share"], color=PROCESS)
    axes.bar_label(bars, labels=[f"{s:.0%}" for s in data["share"]], fontsize=8)
    axes.set_xticks(range(len(counts)), labels)
    axes.set_xlabel("handoffs per case (customer view, child cases included)")
    axes.set_ylabel("cases (% of all cases)")
    percent_axis(axes)
    axes.grid(axis="x", visible=False)
    axes.set_title("Handoffs per case")
    return figure


def _org(name: str, holders: Mapping[str, Any]) -> str | None:
    return (holders.get(name) or {}).get("org")


def holder_label(name: str, holders: Mapping[str, Any]) -> str:
    """A holder as shown: `installers (messyco)` for another organization's team."""
    info = holders.get(name) or {}
    org = info.get("org")
    if info.get("kind") == "organization" or org is None or org == name:
        return name if org is None else f"{name} (org)"
    return f"{name} ({org})"


@chart
def handoff_matrix_chart(
    matrix: Mapping[str, Mapping[str, float]], holders: Mapping[str, Any]
) -> Figure:
    """Heat map of handoffs per replication, from holder (rows) to holder (columns)."""
    names = sorted(
        {*matrix, *(to for row in matrix.values() for to in row)},
        key=lambda n: (_org(n, holders) is not None, _org(n, holders) or "", n),
    )
    values = np.array([[matrix.get(a, {}).get(b, 0.0) for b in names] for a in names])
    size = max(3.6, 1.2 + 0.55 * len(names))
    figure = new_figure(size + 1.6, size)
    axes = figure.add_subplot()
    image = axes.imshow(values, cmap="Blues", vmin=0)
    labels = [holder_label(n, holders) for n in names]
    axes.set_xticks(range(len(names)), labels, rotation=35, ha="right")
    axes.set_yticks(range(len(names)), labels)
    axes.grid(False)
    peak = values.max() if values.size else 0.0
    for (row, column), value in np.ndenumerate(values):
        if value:
            text = f"{value:,.0f}" if value >= 10 else f"{value:.1f}"
            colour = "white" if value > peak / 2 else "black"
            axes.text(column, row, text, ha="center", va="center", fontsize=8, color=colour)
    orgs = [_org(n, holders) for n in names]
    for index in range(1, len(names)):
        if orgs[index] != orgs[index - 1]:  # an organization boundary
            axes.axhline(index - 0.5, color="black", lw=1.2)
            axes.axvline(index - 0.5, color="black", lw=1.2)
    axes.set_xlabel("to (took the case)")
    axes.set_ylabel("from (let the case go)")
    axes.set_title("Handoffs per replication, from → to")
    figure.colorbar(image, ax=axes, label="handoffs per replication", shrink=0.8)
    return figure
