"""The `cxsim` command line: parse, call the library, print. Exit 0 ok, 1 failed, 2 bad input.

One module per verb; `common` holds what they share.
"""

from __future__ import annotations

import click

from cxsim.cli.check import check_command
from cxsim.cli.compare import compare_command
from cxsim.cli.fit import fit_command
from cxsim.cli.report import report_command
from cxsim.cli.run import run_command
from cxsim.cli.schema import schema_command
from cxsim.cli.sweep import sweep_command
from cxsim.cli.trace import trace_command
from cxsim.cli.validate import validate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cxsim", prog_name="cxsim")
def main() -> None:
    """Stress-test a customer-service process before it goes live."""


for command in (
    run_command,
    trace_command,
    validate_command,
    schema_command,
    compare_command,
    check_command,
    sweep_command,
    report_command,
    fit_command,
):
    main.add_command(command)
