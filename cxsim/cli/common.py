"""What the commands share: exit codes, telling problems, progress, the recorded run."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from cxsim.eventlog import EventLog
from cxsim.metrics import Replication
from cxsim.montecarlo import Results, run
from cxsim.output import OutputError, RunWriter, writable_folder
from cxsim.scenario import Override, Problem, ScenarioError, load_scenario
from cxsim.scenario.models import Scenario

if TYPE_CHECKING:
    from cxsim.cluster import Cluster

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def bad_input(error: ScenarioError) -> None:
    """Tell every problem of the input, one line each, and exit 2."""
    for problem in error.problems:
        click.echo(str(problem), err=True)
    sys.exit(EXIT_BAD_INPUT)


def warn(warnings: Iterable[Problem]) -> None:
    """Tell the warnings about a scenario on stderr, one line each, each once."""
    for warning in dict.fromkeys(warnings):
        click.echo(str(warning), err=True)


def load(path: Path, overrides: Sequence[str | Override]) -> Scenario:
    """Load a scenario to run, telling its warnings first."""
    warnings: list[Problem] = []
    model = load_scenario(path, overrides, warnings)
    warn(warnings)
    return model


@contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[Replication], None]]:
    """On stderr when it is a terminal: replications done, their rate, the time left."""
    if not sys.stderr.isatty():
        yield lambda _: None
        return
    started = time.monotonic()

    def rate(done: int | None) -> str:
        elapsed = time.monotonic() - started
        if not done or elapsed <= 0:
            return "replications"
        return f"replications · {done / elapsed * 60:.1f}/min"

    with click.progressbar(
        length=total,
        label=label,
        file=sys.stderr,
        show_eta=True,
        show_pos=True,
        item_show_func=rate,
    ) as bar:
        count = 0

        def tick(_: Replication) -> None:
            nonlocal count
            count += 1
            bar.update(1, count)

        yield tick


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Ignore Ctrl-C for the short while the results are being saved."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def common_run_options(command: Callable[..., None]) -> Callable[..., None]:
    """-r, --seed, --jobs and --scheduler, as `cxsim run` has them."""
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
        click.option(
            "--scheduler",
            envvar="CXSIM_SCHEDULER",
            metavar="ADDRESS",
            callback=scheduler_connected,
            help="Run the replications on the dask cluster whose scheduler is at ADDRESS "
            "instead of --jobs local processes (needs cxsim[dask]; default: "
            "$CXSIM_SCHEDULER).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def scheduler_connected(
    ctx: click.Context, _param: click.Parameter, address: str | None
) -> Cluster | None:
    """The cluster `--scheduler` names, connected for the command; exit 2 if it cannot be."""
    if not address:
        return None
    # imported here: a run without a scheduler needs neither this module nor dask
    from cxsim.cluster import ClusterError, connect

    source = ctx.get_parameter_source("scheduler")
    where = "CXSIM_SCHEDULER" if source == ParameterSource.ENVIRONMENT else "--scheduler"
    try:
        cluster = connect(address)
    except ClusterError as error:
        click.echo(f"{where}={address}: {error}", err=True)
        ctx.exit(EXIT_BAD_INPUT)
    ctx.call_on_close(cluster.close)
    return cluster


def set_option(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """`--set PATH=VALUE`, repeatable, into the `overrides` parameter."""
    return click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=help_text)


def out_option(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """`--out DIR` (default `results`): where the command's folder goes."""
    return click.option(
        "--out",
        type=click.Path(path_type=Path),
        default=Path("results"),
        show_default=True,
        help=help_text,
    )


def writable(folder: Path, option: str) -> None:
    """Before a long run: make `folder` and try a file in it; exit 2 saying why if it fails."""
    try:
        writable_folder(folder)
    except OutputError as error:
        click.echo(f"{option}: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def tell_unsaved(lines: Iterable[str], printed: str) -> None:
    """Tell what a failed write of the results lost and kept, and that `printed` is whole."""
    for line in lines:
        click.echo(line, err=True)
    click.echo(f"{printed} printed above is whole; the files not kept are lost", err=True)


def report_failed(results: Iterable[Results]) -> int | None:
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


def run_recorded(
    model: Scenario,
    scenario: Path,
    count: int,
    seed: int | None,
    workers: int,
    out: Path,
    overrides: tuple[str, ...],
    events: tuple[str, ...] = (),
    worst: bool = True,
    scheduler: Cluster | None = None,
) -> tuple[Results, RunWriter]:
    """Run with a progress bar, checkpointing each finished replication as it comes.

    `events` names the event-log formats to write into the run folder; `worst`: tell
    the worst cases for a report; `scheduler`: the cluster to run on, if any.
    """
    try:  # made and tried before the run: a folder that takes no files fails now, not after it
        writer = RunWriter(out, model.name, scenario)
    except OutputError as error:
        click.echo(f"--out: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    log = EventLog(writer.directory, events) if events else None
    with progress(count, model.name) as tick:

        def done(replication: Replication) -> None:
            writer.replication_done(replication)
            tick(replication)

        results = run(
            model,
            count,
            seed,
            workers,
            on_replication=done,
            events=log,
            worst=worst,
            scheduler=scheduler,
        )
    if results.interrupted:  # what finished is saved next: another Ctrl-C must not cut it short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    results.overrides = list(overrides)
    return results, writer
