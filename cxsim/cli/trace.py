"""`cxsim trace`: one simulated case told as a timeline."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cxsim.cli.common import (
    EXIT_FAILED,
    bad_input,
    load,
    set_option,
)
from cxsim.engine.runaway import RunawayCase
from cxsim.scenario import ScenarioError
from cxsim.trace import format_trace, trace


@click.command("trace")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--seed", type=click.IntRange(min=0), help="Base seed (default: the scenario's).")
@click.option(
    "--replication",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Which replication of the run to look into.",
)
@click.option("--case", "case_id", type=click.IntRange(min=1), help="Case number to tell.")
@click.option(
    "--worst",
    metavar="METRIC",
    help="Tell the case with the largest value of METRIC (default: time_to_resolution).",
)
@set_option("Override a value first.")
def trace_command(
    scenario: Path,
    seed: int | None,
    replication: int,
    case_id: int | None,
    worst: str | None,
    overrides: tuple[str, ...],
) -> None:
    """Tell one simulated case of SCENARIO as a timeline."""
    if case_id is not None and worst is not None:
        raise click.UsageError("give --case or --worst, not both")
    try:
        found = trace(load(scenario, overrides), seed, replication, case_id, worst)
    except ScenarioError as error:
        bad_input(error)
        return
    except RunawayCase as error:
        click.echo(f"replication {replication} failed:\n{error}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(format_trace(found))
