"""The `cxsim` command line: parse, call the library, print. Exit 0 ok, 1 failed, 2 bad input."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from cxsim.check import DEFAULT_TOLERANCE, BadBaseline, check, format_report, load_baseline
from cxsim.compare import compare, format_comparison, parse_min_effects
from cxsim.engine.runaway import RunawayCase
from cxsim.junit import write_junit
from cxsim.metrics import Replication
from cxsim.montecarlo import Results, default_jobs, run
from cxsim.output import RunWriter, atomic_write, to_json
from cxsim.scenario import Override, Problem, ScenarioError, load_scenario
from cxsim.scenario.models import Scenario
from cxsim.sweep import format_sweep, plan, sweep, write_sweep
from cxsim.table import summary_table
from cxsim.trace import format_trace, trace

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def _bad_input(error: ScenarioError) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)
    sys.exit(EXIT_BAD_INPUT)


def _warn(warnings: Iterable[Problem]) -> None:
    """Tell the warnings about a scenario on stderr, one line each, each once."""
    for warning in dict.fromkeys(warnings):
        click.echo(str(warning), err=True)


def _load(path: Path, overrides: Sequence[str | Override]) -> Scenario:
    """Load a scenario to run, telling its warnings first."""
    warnings: list[Problem] = []
    model = load_scenario(path, overrides, warnings)
    _warn(warnings)
    return model


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[Replication], None]]:
    """A progress bar on stderr when it is a terminal; a no-op otherwise."""
    if not sys.stderr.isatty():
        yield lambda _: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr, show_eta=True) as bar:
        yield lambda _: bar.update(1)


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ignore Ctrl-C for the short while the results are being saved."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cxsim", prog_name="cxsim")
def main() -> None:
    """Stress-test a customer-service process before it goes live."""


@main.command("run")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option(
    "-r",
    "--replications",
    type=click.IntRange(min=1),
    help="Replications (default: the scenario's).",
)
@click.option("--seed", type=click.IntRange(min=0), help="Base seed (default: the scenario's).")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Processes to run replications on (default: all cores).",
)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="PATH=VALUE",
    help="Override a scenario value (YAML), e.g. teams.agents.size=12. Repeatable.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("results"),
    show_default=True,
    help="Folder the run's results go under.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the summary as JSON instead of a table."
)
def run_command(
    scenario: Path,
    replications: int | None,
    seed: int | None,
    jobs: int | None,
    overrides: tuple[str, ...],
    out: Path,
    as_json: bool,
) -> None:
    """Run SCENARIO's replications and summarize them."""
    try:
        model = _load(scenario, overrides)
    except ScenarioError as error:
        _bad_input(error)
        return
    count = replications or model.replications
    workers = jobs or default_jobs()
    results, writer = _run_recorded(model, scenario, count, seed, workers, out, overrides)
    if not results.replications:
        writer.discard()
        for index, error in results.failed:
            click.echo(f"replication {index} failed:\n{error}", err=True)
        click.echo("no replication finished; nothing written", err=True)
        sys.exit(EXIT_INTERRUPTED if results.interrupted else EXIT_FAILED)
    with _interrupts_held():  # a second Ctrl-C must not cut the saving of the first one short
        summary = results.summary()
        folder = writer.finish(results, summary, workers)
    click.echo(to_json(summary).rstrip() if as_json else summary_table(summary))
    click.echo(f"results: {folder}", err=True)
    for index, error in results.failed:
        click.echo(f"replication {index} failed:\n{error}", err=True)
    if results.interrupted:
        click.echo(
            f"interrupted: {len(results.replications)} of {count} replications kept", err=True
        )
        sys.exit(EXIT_INTERRUPTED)
    if results.failed:
        sys.exit(EXIT_FAILED)


@main.command("trace")
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
@click.option(
    "--set", "overrides", multiple=True, metavar="PATH=VALUE", help="Override a value first."
)
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
        found = trace(_load(scenario, overrides), seed, replication, case_id, worst)
    except ScenarioError as error:
        _bad_input(error)
        return
    except RunawayCase as error:
        click.echo(f"replication {replication} failed:\n{error}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(format_trace(found))


@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--set", "overrides", multiple=True, metavar="PATH=VALUE", help="Override a value first."
)
def validate_command(files: tuple[Path, ...], overrides: tuple[str, ...]) -> None:
    """Check scenario FILES without running them: every problem, one line each.

    Errors (what cannot work) make the exit code 2; warnings (what is probably wrong)
    are told but leave it alone.
    """
    bad = False
    for file in files:
        warnings: list[Problem] = []
        try:
            load_scenario(file, overrides, warnings)
        except ScenarioError as error:
            bad = True
            for problem in error.problems:
                click.echo(str(problem), err=True)
            _warn(warnings)
        else:
            _warn(warnings)
            count = len(warnings)
            told = f" ({count} warning{'s' if count != 1 else ''})" if count else ""
            click.echo(f"{file}: ok{told}")
    sys.exit(EXIT_BAD_INPUT if bad else EXIT_OK)


@main.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of scenario files (for editors)."""
    schema: dict[str, Any] = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    click.echo(json.dumps(schema, indent=2))


def _common_run_options(command: Callable[..., None]) -> Callable[..., None]:
    """-r, --seed, --jobs and --set, as `cxsim run` has them."""
    options = [
        click.option(
            "-r",
            "--replications",
            type=click.IntRange(min=1),
            help="Replications (default: the scenario's).",
        ),
        click.option(
            "--seed", type=click.IntRange(min=0), help="Base seed (default: the scenario's)."
        ),
        click.option(
            "--jobs",
            type=click.IntRange(min=1),
            help="Processes to run replications on (default: all cores).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _report_failed(results: Iterable[Results]) -> int | None:
    """Tell failed and interrupted replications on stderr; the exit code they call for."""
    code = None
    for run_results in results:
        for index, error in run_results.failed:
            click.echo(
                f"{run_results.scenario.name}: replication {index} failed:\n{error}", err=True
            )
            code = EXIT_FAILED
        if run_results.interrupted:
            return EXIT_INTERRUPTED
    return code


def _named_set_both(
    error: ScenarioError, both: tuple[str, ...], overrides: tuple[str, ...]
) -> ScenarioError:
    """The problems of a --set-both value said as such (the loader calls every value --set)."""
    shared = {f"--set {text}": f"--set-both {text}" for text in both if text not in overrides}
    return ScenarioError(replace(p, where=shared.get(p.where, p.where)) for p in error.problems)


@main.command("compare")
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("variant", required=False, type=click.Path(path_type=Path))
@_common_run_options
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="PATH=VALUE",
    help="Change the variant only (VARIANT, or BASE when no VARIANT is given). Repeatable.",
)
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
def compare_command(
    base: Path,
    variant: Path | None,
    replications: int | None,
    seed: int | None,
    jobs: int | None,
    overrides: tuple[str, ...],
    both: tuple[str, ...],
    min_effects: tuple[str, ...],
    as_json: bool,
) -> None:
    """Compare BASE with VARIANT (or with BASE changed by --set) on common random numbers.

    Both run with BASE's seed and replications; each metric gets the paired difference
    (variant - base) with a 95 % interval and a verdict: negligible (the whole interval
    within the min effect), better, worse or no detectable difference.
    """
    warnings: list[Problem] = []
    try:
        first = load_scenario(base, both, warnings)
        second = load_scenario(variant or base, [*both, *overrides], warnings)
    except ScenarioError as error:
        _bad_input(_named_set_both(error, both, overrides))
        return
    _warn(_named_set_both(ScenarioError(warnings), both, overrides).problems)
    try:
        chosen = parse_min_effects(min_effects, first.teams)
    except ValueError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_BAD_INPUT)
    comparison = compare(first, second, replications, seed, jobs or default_jobs(), chosen)
    comparison.set_both = list(both)
    comparison.base.overrides = list(both)
    comparison.variant.overrides = [*both, *overrides]
    code = _report_failed([comparison.base, comparison.variant])
    if not any(d.pairs for d in comparison.differences):
        click.echo("no replication finished in both runs; nothing to compare", err=True)
        sys.exit(code or EXIT_FAILED)
    if as_json:
        click.echo(to_json(comparison.to_dict()).rstrip())
    else:
        click.echo(format_comparison(comparison))
    if code is not None:
        sys.exit(code)


@main.command("check")
@click.argument("scenario", type=click.Path(path_type=Path))
@_common_run_options
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="PATH=VALUE",
    help="Override a scenario value (YAML) first. Repeatable.",
)
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
    type=click.FloatRange(min=0),
    default=DEFAULT_TOLERANCE,
    show_default=True,
    help="Worsening against the baseline that is still accepted, relative to its mean.",
)
@click.option("--strict", is_flag=True, help="Count inconclusive assertions as failures.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("results"),
    show_default=True,
    help="Folder the run's results go under.",
)
def check_command(
    scenario: Path,
    replications: int | None,
    seed: int | None,
    jobs: int | None,
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
        model = _load(scenario, overrides)
        stored = load_baseline(baseline) if baseline is not None else None
    except ScenarioError as error:
        _bad_input(error)
        return
    except BadBaseline as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_BAD_INPUT)
    if not model.assertions and stored is None:
        click.echo(f"{scenario}: nothing to check: no assertions and no --baseline", err=True)
        sys.exit(EXIT_BAD_INPUT)
    count = replications or model.replications
    workers = jobs or default_jobs()
    results, writer = _run_recorded(model, scenario, count, seed, workers, out, overrides)
    code = _report_failed([results])
    if not results.replications:
        writer.discard()
        click.echo("no replication finished; nothing checked", err=True)
        sys.exit(code or EXIT_FAILED)
    report = check(results, strict, baseline, tolerance)
    with _interrupts_held():
        folder = writer.finish(results, results.summary(), workers)
        atomic_write(folder / "check.json", to_json(report.to_dict()))
        if junit is not None:
            write_junit(report, junit)
    click.echo(format_report(report))
    click.echo(f"results: {folder}", err=True)
    if code is not None:
        sys.exit(code)
    sys.exit(EXIT_OK if report.ok else EXIT_FAILED)


@main.command("sweep")
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
@_common_run_options
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="PATH=VALUE",
    help="Override a scenario value (YAML) at every point. Repeatable.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("results"),
    show_default=True,
    help="Folder the sweep's CSV and plots go under.",
)
def sweep_command(
    scenario: Path,
    varies: tuple[str, ...],
    metrics: tuple[str, ...],
    replications: int | None,
    seed: int | None,
    jobs: int | None,
    overrides: tuple[str, ...],
    out: Path,
) -> None:
    """Run SCENARIO over a grid of values; table, CSV and a plot per metric."""
    try:
        warnings: list[Problem] = []
        _, grid, _ = plan(scenario, varies, overrides, warnings)
        _warn(warnings)
        model = load_scenario(scenario, overrides)
        count = replications or model.replications
        with _progress(count * len(grid), model.name) as tick:
            result = sweep(
                scenario, varies, metrics, overrides, count, seed, jobs or default_jobs(), tick
            )
    except ScenarioError as error:
        _bad_input(error)
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
    with _interrupts_held():
        folder = write_sweep(result, out)
    click.echo(format_sweep(result))
    click.echo(f"results: {folder}", err=True)
    if result.interrupted:
        click.echo(f"interrupted: {len(result.points)} of {len(grid)} points run", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if code is not None:
        sys.exit(code)


if __name__ == "__main__":
    main()


def _run_recorded(
    model: Scenario,
    scenario: Path,
    count: int,
    seed: int | None,
    workers: int,
    out: Path,
    overrides: tuple[str, ...],
) -> tuple[Results, RunWriter]:
    """Run with a progress bar, checkpointing each finished replication as it comes."""
    writer = RunWriter(out, model.name, scenario)
    with _progress(count, model.name) as tick:

        def done(replication: Replication) -> None:
            writer.replication_done(replication)
            tick(replication)

        results = run(model, count, seed, workers, on_replication=done)
    results.overrides = list(overrides)
    return results, writer
