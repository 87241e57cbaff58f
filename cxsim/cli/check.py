"""`cxsim check`: judge a run's assertions and regressions; exit 1 on a failure."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cxsim.baseline import BadBaseline, load_baseline
from cxsim.check import DEFAULT_TOLERANCE, check, format_report, tolerance_problem
from cxsim.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    bad_input,
    common_run_options,
    interrupts_held,
    load,
    out_option,
    report_failed,
    run_recorded,
    set_option,
    tell_unsaved,
    writable,
)
from cxsim.junit import write_junit
from cxsim.montecarlo import default_jobs
from cxsim.output import atomic_write, reason, to_json
from cxsim.scenario import ScenarioError

if TYPE_CHECKING:
    from cxsim.cluster import Cluster


@click.command("check")
@click.argument("scenario", type=click.Path(path_type=Path))
@common_run_options
@set_option("Override a scenario value (YAML) first. Repeatable.")
@click.option(
    "--junit",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the results as JUnit XML to this file.",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
    metavar="SUMMARY.json",
    help="summary.json of an earlier run: a metric worse than it beyond the tolerance "
    "(one-sided t-tests, Holm at 5 % over all metrics) is a regression.",
)
@click.option(
    "--tolerance",
    type=float,
    callback=lambda _ctx, _param, value: tolerance(value),
    default=DEFAULT_TOLERANCE,
    show_default=True,
    help="Worsening against the baseline that is still accepted, relative to its mean.",
)
@click.option("--strict", is_flag=True, help="Count inconclusive assertions as failures.")
@out_option("Folder the run's results go under.")
def check_command(
    scenario: Path,
    replications: int | None,
    seed: int | None,
    jobs: int | None,
    scheduler: Cluster | None,
    overrides: tuple[str, ...],
    junit: Path | None,
    baseline: Path | None,
    tolerance: float,
    strict: bool,
    out: Path,
) -> None:
    """Run SCENARIO and judge its assertions; exit 1 on a failure or a regression.

    Each assertion is judged on the 95 % interval of its value: pass (wholly on the
    promised side), fail (wholly on the other side) or inconclusive (it straddles the
    threshold; --strict fails it). With --baseline, each metric is tested one-sided
    for a worsening beyond the tolerance: paired on the same seed, Welch otherwise.
    """
    try:
        model = load(scenario, overrides)
        stored = load_baseline(baseline, model.teams) if baseline is not None else None
    except ScenarioError as error:
        bad_input(error)
        return
    except BadBaseline as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_BAD_INPUT)
    if not model.assertions and stored is None:
        click.echo(f"{scenario}: nothing to check: no assertions and no --baseline", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if junit is not None:
        writable(junit.parent, "--junit")
    count = replications or model.replications
    workers = jobs or default_jobs()
    results, writer = run_recorded(
        model, scenario, count, seed, workers, out, overrides, worst=False, scheduler=scheduler
    )
    code = report_failed([results])
    if not results.replications:
        writer.discard()
        click.echo("no replication finished; nothing checked", err=True)
        sys.exit(code or EXIT_FAILED)
    report = check(results, strict, baseline, tolerance, stored)
    unsaved: list[str] = []
    with interrupts_held():
        try:
            folder = writer.finish(results, results.summary(), workers)
            atomic_write(folder / "check.json", to_json(report.to_dict()))
        except OSError as error:  # a full disk, say: the verdicts are still printed below
            unsaved = writer.unsaved(error)
        if junit is not None:
            try:
                write_junit(report, junit)
            except OSError as error:
                why = reason(error, error.filename)
                unsaved.append(f"--junit: {error.filename}: cannot write: {why}")
    click.echo(format_report(report))
    if unsaved:
        tell_unsaved(unsaved, "the check")
    else:
        click.echo(f"results: {folder}", err=True)
    if code is not None:
        sys.exit(code)
    sys.exit(EXIT_OK if report.ok and not unsaved else EXIT_FAILED)


def tolerance(value: float) -> float:
    """`--tolerance`: a share from 0 to MOST_TOLERANCE (click's FloatRange lets NaN through)."""
    problem = tolerance_problem(value)
    if problem is not None:
        raise click.BadParameter(problem, param_hint="--tolerance")
    return value
