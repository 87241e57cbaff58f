"""Fit quality end to end: simulate a fitted scenario, compare it with a log, write the figures.

`evaluate` is what `cxsim fit --evaluate` calls; `write_quality` leaves in a folder the
figures as JSON (`fit_quality.json`) and the chart of case durations
(`fit_durations.svg`), each written atomically.
"""

from __future__ import annotations

from pathlib import Path

from cxsim.fit.chart import durations_chart
from cxsim.fit.log import Log
from cxsim.fit.quality import Quality, compare_logs
from cxsim.fit.simulated import simulated_log
from cxsim.output import atomic_write, to_json
from cxsim.report.charts import svg_bytes
from cxsim.scenario.models import Scenario

QUALITY_FILE = "fit_quality.json"
DURATIONS_FILE = "fit_durations.svg"


def evaluate(
    real: Log, scenario: Scenario, replications: int, seed: int, reference: bool = False
) -> Quality:
    """Simulate `scenario` and measure how far its log is from `real`.

    With `reference`, the figures of `log-distance-measures` are added (see `compare_logs`).
    """
    return compare_logs(real, simulated_log(scenario, replications, seed), reference)


def write_quality(quality: Quality, folder: Path) -> list[Path]:
    """Write the figures and the durations chart into `folder`; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    figures = folder / QUALITY_FILE
    atomic_write(figures, to_json(quality.to_dict()))
    chart = folder / DURATIONS_FILE
    atomic_write(chart, svg_bytes(durations_chart(quality)))
    return [figures, chart]
