"""`cxsim report`: rebuild a run folder's plots and report.html from the folder alone."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cxsim.cli.common import EXIT_BAD_INPUT, EXIT_FAILED
from cxsim.output import reason


@click.command("report")
@click.argument("run_dir", type=click.Path(path_type=Path))
def report_command(run_dir: Path) -> None:
    """Write RUN_DIR's plots/*.svg and report.html from its summary, scenario and figures."""
    # imported here: matplotlib costs a second of start-up that other commands need not pay
    from cxsim.report import NotARunFolder, write_report

    try:
        path = write_report(run_dir)
    except NotARunFolder as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except OSError as error:  # a read-only folder or a full disk: what was there is untouched
        where = error.filename or run_dir
        click.echo(f"{where}: cannot write the report: {reason(error, where)}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(str(path))
