"""The `cxsim` command line: parse, call the library, print. Exit 0 ok, 1 failed, 2 bad input.

One module per verb; `common` holds what they share. A verb's module is imported only
when that verb runs (or help lists it): `cxsim run` does not pay for `fit`'s scipy.
"""

from __future__ import annotations

import importlib

import click

COMMANDS = {
    "run": "run",
    "trace": "trace",
    "validate": "validate",
    "schema": "schema",
    "compare": "compare",
    "check": "check",
    "sweep": "sweep",
    "report": "report",
    "fit": "fit",
}
"""Each verb and the module of `cxsim.cli` that holds its `<verb>_command`."""


class Verbs(click.Group):
    """A group whose verbs are imported when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        command = getattr(importlib.import_module(f"cxsim.cli.{module}"), f"{module}_command")
        assert isinstance(command, click.Command)
        return command


@click.group(cls=Verbs, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cxsim", prog_name="cxsim")
def main() -> None:
    """Stress-test a customer-service process before it goes live."""
