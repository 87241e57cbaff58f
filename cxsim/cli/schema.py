"""`cxsim schema`: the JSON Schema of scenario files, for editors."""

from __future__ import annotations

import json
from typing import Any

import click

from cxsim.scenario.models import Scenario


@click.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of scenario files (for editors)."""
    schema: dict[str, Any] = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    click.echo(json.dumps(schema, indent=2))
