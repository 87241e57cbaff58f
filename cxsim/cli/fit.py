"""`cxsim fit`: build a scenario from an event log (CSV or XES) and write it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from cxsim.cli.common import EXIT_BAD_INPUT
from cxsim.fit.log import Log
from cxsim.fit.reading import Columns, LogError, read_log
from cxsim.fit.scenario import FittedScenario, fit_scenario


def _column(option: str, what: str) -> click.Option:
    return click.option(option, default=None, metavar="NAME", help=f"Column (attribute) of {what}.")


@click.command("fit")
@click.argument("log", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="Scenario file to write."
)
@_column("--case-id", "the case id (default: guessed, e.g. case:concept:name, case_id)")
@_column("--activity", "the activity (default: guessed, e.g. concept:name, activity)")
@_column("--timestamp", "the end time (default: guessed, e.g. time:timestamp, timestamp)")
@_column("--start-timestamp", "the start time, if the log has one (default: guessed)")
@_column("--resource", "the person who did it (default: guessed, e.g. org:resource)")
@_column("--team", "the team who did it (default: guessed, e.g. org:group, team)")
@_column("--lifecycle", "start/complete transitions (default: guessed, e.g. lifecycle)")
@click.option("--name", default=None, help="Scenario name (default: from the log's file name).")
@click.option(
    "--evaluate",
    "test_log",
    type=click.Path(path_type=Path),
    help="Simulate the fitted scenario and compare it with this log (the same columns), "
    "e.g. the cases held out of LOG; figures on stdout, fit_quality.json and "
    "fit_durations.svg next to the scenario.",
)
@click.option(
    "--holdout",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=None,
    metavar="SHARE",
    help="Hold out the last SHARE of LOG's cases (by when they began, e.g. 0.2), fit the "
    "rest, and evaluate the fit on those held out, as --evaluate does.",
)
@click.option(
    "-r",
    "--replications",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Replications simulated for --evaluate.",
)
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True)
def fit_command(
    log: Path,
    output: Path,
    case_id: str | None,
    activity: str | None,
    timestamp: str | None,
    start_timestamp: str | None,
    resource: str | None,
    team: str | None,
    lifecycle: str | None,
    name: str | None,
    test_log: Path | None,
    holdout: float | None,
    replications: int,
    seed: int,
) -> None:
    """Fit a scenario to the event LOG (CSV or XES): journey, arrivals, durations, teams."""
    if holdout is not None and test_log is not None:
        click.echo("--holdout and --evaluate: give one test log, not both", err=True)
        sys.exit(EXIT_BAD_INPUT)
    columns = Columns(case_id, activity, timestamp, start_timestamp, resource, team, lifecycle)
    try:
        events = read_log(log, columns)
        test = read_log(test_log, columns) if test_log is not None else None
    except LogError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(EXIT_BAD_INPUT)
    if holdout is not None:
        events, test = events.split(holdout)
        if not events.activities or not test.activities:
            click.echo(f"--holdout {holdout}: {log} has too few cases to split", err=True)
            sys.exit(EXIT_BAD_INPUT)
        click.echo(
            f"fitting {len(events.cases())} cases, holding out {len(test.cases())}", err=True
        )
    fitted = fit_scenario(
        events, name or scenario_name(log), log.name, waits_file=f"{output.stem}.waits.csv"
    )
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        written = fitted.write(output)
    except OSError as error:
        click.echo(f"{output}: cannot write the scenario: {error.strerror}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    for line in fitted.summary:
        click.echo(line, err=True)
    click.echo(f"scenario: {output} (review its header comment)", err=True)
    for path in written[1:]:
        click.echo(f"observed waits: {path}", err=True)
    if test is not None:
        _evaluate(fitted, output, test, events, replications, seed)


def _evaluate(
    fitted: FittedScenario, output: Path, test: Log, training: Log, replications: int, seed: int
) -> None:
    """Simulate the written scenario, compare it with `test`, print and write the figures."""
    # imported here: simulation and charts cost start-up that fitting alone need not pay
    from cxsim.fit.evaluation import evaluate, write_quality
    from cxsim.fit.quality import format_quality
    from cxsim.scenario import load_scenario

    model = load_scenario(output)
    quality = evaluate(test, model, replications, seed, steps=fitted.steps, training=training)
    click.echo(format_quality(quality))
    for path in write_quality(quality, output.parent):
        click.echo(f"fit quality: {path}", err=True)


def scenario_name(log: Path) -> str:
    """A scenario name from a log's file name: `helpdesk_events.csv` → `helpdesk-events`."""
    stem = log.name.split(".")[0]
    return re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-") or "fitted"
