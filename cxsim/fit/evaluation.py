"""Fit quality end to end: simulate a fitted scenario, compare it with a log, write the figures.

`evaluate` is what `cxsim fit --evaluate` calls; `write_quality` leaves in a folder the
figures as JSON (`fit_quality.json`) and the chart of case durations
(`fit_durations.svg`), each written atomically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from cxsim.fit.chart import durations_chart
from cxsim.fit.distances import cycle_time_emd
from cxsim.fit.log import Log
from cxsim.fit.quality import Quality, case_facts, compare_logs
from cxsim.fit.simulated import simulated_log
from cxsim.output import atomic_write, to_json
from cxsim.report.charts import svg_bytes
from cxsim.scenario.models import Scenario

QUALITY_FILE = "fit_quality.json"
DURATIONS_FILE = "fit_durations.svg"


def evaluate(
    real: Log,
    scenario: Scenario,
    replications: int,
    seed: int,
    reference: bool = False,
    steps: Mapping[str, str] | None = None,
    training: Log | None = None,
) -> Quality:
    """Simulate `scenario` and measure how far its log is from `real`.

    With `reference`, the figures of `log-distance-measures` are added (see `compare_logs`).
    `steps` maps the real log's activities to the scenario's steps (a fitted scenario's
    `FittedScenario.steps`): the real log is read in step names, and simulated steps of
    no activity (waits a fit added) are left out. With the `training` log a scenario was
    fitted on, the naive yardstick is measured too: the cycle-time EMD between `real`
    and the training log's own case durations.
    """
    simulated = simulated_log(scenario, replications, seed)
    if steps is not None:
        real, simulated = in_steps(real, steps), in_steps(simulated, {s: s for s in steps.values()})
    quality = compare_logs(real, simulated, reference)
    if training is not None:
        hours = [case.hours for case in case_facts(training)]
        naive = cycle_time_emd(list(quality.real_hours), hours)
        quality = replace(quality, naive_cycle_time_emd_hours=naive)
    return quality


def in_steps(log: Log, steps: Mapping[str, str]) -> Log:
    """`log` with each activity renamed by `steps`, those not in it left out."""
    return Log.of(
        replace(activity, activity=steps[activity.activity])
        for activity in log.activities
        if activity.activity in steps
    )


def write_quality(quality: Quality, folder: Path) -> list[Path]:
    """Write the figures and the durations chart into `folder`; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    figures = folder / QUALITY_FILE
    atomic_write(figures, to_json(quality.to_dict()))
    chart = folder / DURATIONS_FILE
    atomic_write(chart, svg_bytes(durations_chart(quality)))
    return [figures, chart]
