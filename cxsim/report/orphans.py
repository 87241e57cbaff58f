"""Orphaned cases: how many, for how long, and after which step nobody held them any more.

The title says how many (share of cases and cases per replication); the left panel is
the distribution (ECDF) of the time each orphaned case spent with no owner; the right
panel counts orphaned cases per replication by the journey step they were left after
(their first orphaning spell), the place to look for the missing handoff.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matplotlib.figure import Figure

from cxsim.report.charts import BAD, chart, new_figure, percent_axis, time_unit

MOST_STEPS = 12
"""Steps shown in the after-step panel; the rest are summed into one bar."""


@chart
def orphans_chart(data: Mapping[str, Any]) -> Figure:
    """Share and count of orphaned cases, ECDF of orphan time, and the step they were left after."""
    figure = new_figure(8.5, 3.6)
    left, right = figure.subplots(1, 2, width_ratios=[1, 1.1])
    curve = data.get("time") or {}
    minutes = list(curve.get("minutes") or [])
    unit = time_unit(minutes)
    left.step([unit.of(m) for m in minutes], curve.get("share") or [], where="post", color=BAD)
    left.set_ylim(0, 1.02)
    left.set_xlim(left=0)
    percent_axis(left)
    left.set_xlabel(f"time orphaned ({unit.name})")
    left.set_ylabel("orphaned cases (% within)")
    left.set_title("How long")
    steps = sorted((data.get("after_step") or {}).items(), key=lambda item: (-item[1], item[0]))
    if len(steps) > MOST_STEPS:
        rest = sum(value for _, value in steps[MOST_STEPS - 1 :])
        steps = [*steps[: MOST_STEPS - 1], ("other steps", rest)]
    names = [name for name, _ in steps][::-1]  # largest on top
    values = [value for _, value in steps][::-1]
    bars = right.barh(range(len(names)), values, color=BAD)
    right.bar_label(bars, labels=[_count(v) for v in values], fontsize=8, padding=2)
    right.set_yticks(range(len(names)), names)
    right.set_xlabel("orphaned cases per replication")
    right.set_ylabel("left after step (journey.step)")
    right.grid(axis="y", visible=False)
    right.set_title("After which step")
    rate, count = data.get("rate"), data.get("per_replication")
    how_many = []
    if rate is not None:
        how_many.append(f"{rate:.1%} of cases")
    if count is not None:
        how_many.append(f"{_count(count)} per replication")
    figure.suptitle(
        "Orphaned cases" + (f": {', '.join(how_many)}" if how_many else ""), fontweight="bold"
    )
    return figure


def _count(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"
