"""`cxsim compare`: a base and a variant on common random numbers."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cxsim.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    bad_input,
    common_run_options,
    interrupts_held,
    out_option,
    report_failed,
    set_option,
    tell_unsaved,
    warn,
    writable,
)
from cxsim.compare import compare, format_comparison, parse_min_effects
from cxsim.montecarlo import default_jobs
from cxsim.output import reason, to_json
from cxsim.scenario import Problem, ScenarioError, load_scenario

if TYPE_CHECKING:
    from cxsim.cluster import Cluster


def _named_set_both(
    error: ScenarioError, both: tuple[str, ...], overrides: tuple[str, ...]
) -> ScenarioError:
    """The problems of a --set-both value said as such (the loader calls every value --set)."""
    shared = {f"--set {text}": f"--set-both {text}" for text in both if text not in overrides}
    return ScenarioError(replace(p, where=shared.get(p.where, p.where)) for p in error.problems)


@click.command("compare")
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("variant", required=False, type=click.Path(path_type=Path))
@common_run_options
@set_option("Change the variant only (VARIANT, or BASE when no VARIANT is given). Repeatable.")
@click.option(
    "--set-both",
    "both",
    multiple=True,
    metavar="PATH=VALUE",
    help="Change base and variant alike, e.g. horizon=1d (before --set). Repeatable.",
)
@click.option(
    "--min-effect",
    "min_effects",
    multiple=True,
    metavar="METRIC=VALUE",
    help="Smallest difference worth reporting, e.g. asa=10s, orphan_rate=0.5%, "
    "teams.phone.handled=20 (default: 1 % of the base mean, at least 1 s for times; "
    "0.1 pp for rates). Repeatable.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@out_option("Folder the comparison's JSON, chart and report go under.")
def compare_command(
    base: Path,
    variant: Path | None,
    replications: int | None,
    seed: int | None,
    jobs: int | None,
    scheduler: Cluster | None,
    overrides: tuple[str, ...],
    both: tuple[str, ...],
    min_effects: tuple[str, ...],
    as_json: bool,
    out: Path,
) -> None:
    """Compare BASE with VARIANT (or with BASE changed by --set) on common random numbers.

    Both run with BASE's seed and replications; each metric gets the paired difference
    (variant - base) with a 95 % interval and a verdict: negligible (the whole interval
    within the min effect), better, worse or no detectable difference. comparison.json,
    a chart of the differences and report.html go to OUT/<base>/compare-<run-id>/.
    """
    warnings: list[Problem] = []
    try:
        first = load_scenario(base, both, warnings)
        second = load_scenario(variant or base, [*both, *overrides], warnings)
    except ScenarioError as error:
        bad_input(_named_set_both(error, both, overrides))
        return
    warn(_named_set_both(ScenarioError(warnings), both, overrides).problems)
    try:
        chosen = parse_min_effects(min_effects, first.teams)
    except ValueError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_BAD_INPUT)
    writable(out, "--out")  # before the runs: a folder that takes no files fails now
    comparison = compare(
        first, second, replications, seed, jobs or default_jobs(), chosen, scheduler
    )
    comparison.set_both = list(both)
    comparison.base.overrides = list(both)
    comparison.variant.overrides = [*both, *overrides]
    code = report_failed([comparison.base, comparison.variant])
    if not any(d.pairs for d in comparison.differences):
        click.echo("no replication finished in both runs; nothing to compare", err=True)
        sys.exit(code or EXIT_FAILED)
    # imported here: matplotlib costs a second of start-up that other commands need not pay
    from cxsim.report.comparison import write_comparison

    unsaved: list[str] = []
    with interrupts_held():
        try:
            folder = write_comparison(comparison, out)
        except OSError as error:  # a full disk, say: the comparison is still printed below
            unsaved = [f"{error.filename or out}: cannot save the comparison: {reason(error)}"]
    if as_json:
        click.echo(to_json(comparison.to_dict()).rstrip())
    else:
        click.echo(format_comparison(comparison))
    if unsaved:
        tell_unsaved(unsaved, "the comparison")
    else:
        click.echo(f"results: {folder}", err=True)
    if code is not None:
        sys.exit(code)
    if unsaved:
        sys.exit(EXIT_FAILED)
