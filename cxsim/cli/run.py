"""`cxsim run`: run a scenario's replications, write the run folder, print the summary."""

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
    load,
    out_option,
    run_recorded,
    set_option,
    tell_unsaved,
)
from cxsim.eventlog import FORMATS
from cxsim.montecarlo import default_jobs
from cxsim.output import to_json
from cxsim.scenario import ScenarioError
from cxsim.scenario.problems import did_you_mean, one_of
from cxsim.table import summary_table

if TYPE_CHECKING:
    from cxsim.cluster import Cluster


@click.command("run")
@click.argument("scenario", type=click.Path(path_type=Path))
@common_run_options
@set_option("Override a scenario value (YAML), e.g. teams.agents.size=12. Repeatable.")
@out_option("Folder the run's results go under.")
@click.option(
    "--events",
    "events",
    multiple=True,
    metavar="FORMAT",
    callback=lambda _ctx, _param, value: event_formats(value),
    help=f"Write an event log: {', '.join(FORMATS)} (a comma list, or repeated).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the summary as JSON instead of a table."
)
@click.option(
    "--no-plots", is_flag=True, help="Write no plots/*.svg and no report.html into the run folder."
)
def run_command(
    scenario: Path,
    replications: int | None,
    seed: int | None,
    jobs: int | None,
    scheduler: Cluster | None,
    overrides: tuple[str, ...],
    out: Path,
    events: tuple[str, ...],
    as_json: bool,
    no_plots: bool,
) -> None:
    """Run SCENARIO's replications and summarize them."""
    if events and scheduler is not None:
        # a cluster's workers would write their parts of the log on their own machines
        raise click.UsageError("--events writes the log from this machine: not with --scheduler")
    try:
        model = load(scenario, overrides)
    except ScenarioError as error:
        bad_input(error)
        return
    count = replications or model.replications
    workers = jobs or default_jobs()
    results, writer = run_recorded(
        model,
        scenario,
        count,
        seed,
        workers,
        out,
        overrides,
        events,
        worst=not no_plots,
        scheduler=scheduler,
    )
    if not results.replications:
        writer.discard()
        for index, error in results.failed:
            click.echo(f"replication {index} failed:\n{error}", err=True)
        click.echo("no replication finished; nothing written", err=True)
        sys.exit(EXIT_INTERRUPTED if results.interrupted else EXIT_FAILED)
    unsaved: list[str] = []
    with interrupts_held():  # a second Ctrl-C must not cut the saving of the first one short
        summary = results.summary()
        try:
            folder = writer.finish(results, summary, workers)
            if not no_plots:
                # imported here: matplotlib costs a second of start-up that --no-plots need not pay
                from cxsim.report import write_report

                write_report(folder)
        except OSError as error:  # a full disk, say: the numbers are still printed below
            unsaved = writer.unsaved(error)
    click.echo(to_json(summary).rstrip() if as_json else summary_table(summary, model))
    if unsaved:
        tell_unsaved(unsaved, "the summary")
    else:
        click.echo(f"results: {folder}", err=True)
    for index, error in results.failed:
        click.echo(f"replication {index} failed:\n{error}", err=True)
    if results.interrupted:
        click.echo(
            f"interrupted: {len(results.replications)} of {count} replications kept", err=True
        )
        sys.exit(EXIT_INTERRUPTED)
    if results.failed or unsaved:
        sys.exit(EXIT_FAILED)


def event_formats(values: tuple[str, ...]) -> tuple[str, ...]:
    """The formats `--events` asks for, each once, in the order of `FORMATS`."""
    asked = {name.strip().lower() for value in values for name in value.split(",") if name.strip()}
    unknown = sorted(asked - set(FORMATS))
    if unknown:
        hint = did_you_mean(unknown[0], FORMATS)
        raise click.BadParameter(
            f"expected one of {one_of(FORMATS)}, got {unknown[0]!r}{hint}", param_hint="--events"
        )
    return tuple(name for name in FORMATS if name in asked)
