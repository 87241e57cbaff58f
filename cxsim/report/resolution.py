"""Time to resolution as a cumulative curve: the customer view and the process view on one chart.

Each curve is the share of all counted cases resolved within a time (cumulative
incidence: a case the customer gave up on never resolves, so a curve may stop short of
100 %). The gap between the two curves is what the process view does not see: child
cases and problems left after the root case was closed. A scenario's assertion on
`time_to_resolution` or `process_time_to_resolution` (mean or a percentile) is drawn as
its target line, with the share of cases that were resolved within it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from cxsim.assertions import parse_assertion
from cxsim.metrics import TIME_METRICS
from cxsim.report.charts import CUSTOMER, PROCESS, chart, new_figure, percent_axis, time_unit
from cxsim.scenario.units import format_duration

VIEWS = {"customer": "time_to_resolution", "process": "process_time_to_resolution"}
"""figures.json's names of the two views, and the metric each one is."""
COLOURS = {"customer": CUSTOMER, "process": PROCESS}


@dataclass(frozen=True)
class Target:
    """An assertion on a time to resolution: its text, the view it is on, its threshold."""

    text: str
    view: str
    minutes: float


def resolution_targets(scenario: Mapping[str, Any]) -> list[Target]:
    """The scenario's assertions on either time to resolution, as targets to draw."""
    teams = list(scenario.get("teams") or {})
    streams = list((scenario.get("customers") or {}).get("streams") or {})
    views = {metric: view for view, metric in VIEWS.items()}
    found = []
    for text in scenario.get("assertions") or []:
        try:
            assertion = parse_assertion(text, teams, streams)
        except ValueError:
            continue  # the loader told it when the scenario was read
        key = assertion.ref.key
        if key in TIME_METRICS:
            found.append(Target(assertion.text, views[key], assertion.threshold))
    return found


def share_within(curve: Mapping[str, Sequence[float]], minutes: float) -> float:
    """The share of cases resolved within `minutes`, read off a cumulative curve (a step)."""
    times = np.asarray(curve.get("minutes") or [], dtype=float)
    shares = np.asarray(curve.get("share") or [], dtype=float)
    index = int(np.searchsorted(times, minutes, side="right")) - 1
    return float(shares[index]) if index >= 0 else 0.0


@chart
def resolution_chart(data: Mapping[str, Any], targets: Sequence[Target] = ()) -> Figure:
    """Both views' cumulative share of cases resolved against time, with the targets."""
    curves = {view: data[view] for view in VIEWS if data.get(view)}
    unit = time_unit(
        [t for curve in curves.values() for t in curve["minutes"]]
        + [target.minutes for target in targets]
    )
    figure = new_figure(7.0, 4.0)
    axes = figure.add_subplot()
    for view, curve in curves.items():
        times = [unit.of(t) for t in curve["minutes"]]
        axes.step(times, curve["share"], where="post", color=COLOURS[view], label=f"{view} view")
    for target in targets:
        if target.view not in curves:
            continue
        share = share_within(curves[target.view], target.minutes)
        axes.axvline(unit.of(target.minutes), color=COLOURS[target.view], linestyle="--", lw=1)
        axes.annotate(
            f"{target.text}\n{share:.0%} of cases within {format_duration(target.minutes)}",
            (unit.of(target.minutes), share),
            xytext=(6, -24),
            textcoords="offset points",
            fontsize=8,
            color=COLOURS[target.view],
        )
    axes.set_ylim(0, 1.02)
    axes.set_xlim(left=0)
    percent_axis(axes)
    axes.set_xlabel(f"time since first contact ({unit.name})")
    axes.set_ylabel("cases resolved (% of all cases)")
    ending = []
    if data.get("gave_up"):
        ending.append(f"{data['gave_up']:.0%} gave up")
    if data.get("open"):
        ending.append(f"{data['open']:.0%} open at the longest time seen")
    suffix = f" ({', '.join(ending)})" if ending else ""
    axes.set_title(f"Time to resolution, customer and process view{suffix}")
    axes.legend(loc="lower right")
    return figure
