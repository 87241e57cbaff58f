"""Simulated against real case durations: two cumulative curves on one axis, as SVG.

Each curve is the share of a log's cases that ended within a time of their start,
read off the durations at 201 evenly spaced shares (0 %, 0.5 %, … 100 %), so the chart
stays small for a log of any size and is the same bytes for the same figures. Time is
shown in the unit the longest duration reads best in (minutes, hours or days).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from cxsim.fit.quality import Quality
from cxsim.report.charts import MUTED, PROCESS, chart, new_figure, percent_axis, time_unit

SHARES = np.linspace(0.0, 1.0, 201)
"""The shares of cases each curve is drawn at."""


def curve(hours: Sequence[float]) -> np.ndarray:
    """The durations (hours) within which each share of `SHARES` of the cases ended."""
    return np.quantile(np.asarray(hours, dtype=float), SHARES)


@chart
def durations_chart(quality: Quality) -> Figure:
    """The cumulative share of cases against their duration, for the real and simulated logs."""
    logs = {
        f"real ({quality.real_cases} cases)": (quality.real_hours, MUTED),
        f"simulated ({quality.simulated_cases} cases)": (quality.simulated_hours, PROCESS),
    }
    curves = {label: curve(hours) for label, (hours, _) in logs.items() if hours}
    unit = time_unit([float(c[-1]) * 60 for c in curves.values()])
    figure = new_figure(7.0, 4.0)
    axes = figure.add_subplot()
    for label, values in curves.items():
        colour = logs[label][1]
        axes.step(values * 60 / unit.minutes, SHARES, where="post", color=colour, label=label)
    axes.set_ylim(0, 1.02)
    axes.set_xlim(left=0)
    percent_axis(axes)
    axes.set_xlabel(f"case duration ({unit.name})")
    axes.set_ylabel("cases ended within (% of cases)")
    emd = unit.of(quality.cycle_time_emd_hours * 60)
    axes.set_title(f"Case durations, simulated and real (EMD {emd:.3g} {unit.name})")
    axes.legend(loc="lower right")
    return figure
