"""`cxsim validate`: check scenario files without running them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cxsim.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    set_option,
    warn,
)
from cxsim.scenario import Problem, ScenarioError, load_scenario


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@set_option("Override a value first.")
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
            warn(warnings)
        else:
            warn(warnings)
            count = len(warnings)
            told = f" ({count} warning{'s' if count != 1 else ''})" if count else ""
            click.echo(f"{file}: ok{told}")
    sys.exit(EXIT_BAD_INPUT if bad else EXIT_OK)
