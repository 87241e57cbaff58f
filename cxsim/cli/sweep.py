"""`cxsim sweep`: run a scenario over a grid of values."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cxsim.cli.common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    bad_input,
    common_run_options,
    interrupts_held,
    out_option,
    progress,
    set_option,
    tell_unsaved,
    warn,
    writable,
)
from cxsim.montecarlo import default_jobs
from cxsim.output import reason
from cxsim.scenario import Problem, ScenarioError, load_scenario
from cxsim.sweep import format_sweep, plan, sweep, write_sweep

if TYPE_CHECKING:
    from cxsim.cluster import Cluster


@click.command("sweep")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option(
    "--vary",
    "varies",
    multiple=True,
    required=True,
    metavar="PATH=V1,V2,…",
    help="A scenario value and the values (YAML) to try. Repeatable: the grid of all.",
)
@click.option(
    "--metric",
    "metrics",
    multiple=True,
    metavar="NAME",
    help="Metric to follow, e.g. teams.agents.asa or time_to_resolution.p90. Repeatable "
    "(default: time_to_resolution, resolved_rate, each team's asa and occupancy).",
)
@common_run_options
@set_option("Override a scenario value (YAML) at every point. Repeatable.")
@out_option("Folder the sweep's CSV and plots go under.")
def sweep_command(
    scenario: Path,
    varies: tuple[str, ...],
    metrics: tuple[str, ...],
    replications: int | None,
    seed: int | None,
    jobs: int | None,
    scheduler: Cluster | None,
    overrides: tuple[str, ...],
    out: Path,
) -> None:
    """Run SCENARIO over a grid of values; table, CSV and a plot per metric."""
    try:
        warnings: list[Problem] = []
        _, grid, _ = plan(scenario, varies, overrides, warnings)
        warn(warnings)
        model = load_scenario(scenario, overrides)
        writable(out, "--out")  # before the runs: a folder that takes no files fails now
        count = replications or model.replications
        with progress(count * len(grid), model.name) as tick:
            result = sweep(
                scenario,
                varies,
                metrics,
                overrides,
                count,
                seed,
                jobs or default_jobs(),
                tick,
                scheduler,
            )
    except ScenarioError as error:
        bad_input(error)
        return
    code = None
    for point in result.points:
        for index, error in point.failed:
            values = " ".join(o.text for o in point.overrides)
            click.echo(f"{values}: replication {index} failed:\n{error}", err=True)
            code = EXIT_FAILED
    if not any(point.replications for point in result.points):
        click.echo("no replication finished; nothing written", err=True)
        sys.exit(EXIT_INTERRUPTED if result.interrupted else EXIT_FAILED)
    unsaved: list[str] = []
    with interrupts_held():
        try:
            folder = write_sweep(result, out)
        except OSError as error:  # a full disk, say: the table is still printed below
            unsaved = [f"{error.filename or out}: cannot save the sweep: {reason(error)}"]
    click.echo(format_sweep(result))
    if unsaved:
        tell_unsaved(unsaved, "the table")
        code = code or EXIT_FAILED
    else:
        click.echo(f"results: {folder}", err=True)
    if result.interrupted:
        click.echo(f"interrupted: {len(result.points)} of {len(grid)} points run", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if code is not None:
        sys.exit(code)
