"""A run folder read back: the files `cxsim run` and `cxsim check` write, each as plain data.

summary.json and scenario.json must be there — without them a folder is not a run
folder, and `NotARunFolder` says which file is missing or unreadable. manifest.json,
check.json and figures.json are optional: a folder written by an older cxsim has no
figures.json, and a report of it shows what the summary alone can tell.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REQUIRED = ("summary.json", "scenario.json")
OPTIONAL = ("manifest.json", "check.json", "figures.json")


class NotARunFolder(Exception):
    """A folder that is not a run folder of `cxsim run`, or one whose files do not read."""


@dataclass(frozen=True)
class RunFolder:
    """The data of one run folder; optional files are empty dicts when missing."""

    path: Path
    summary: dict[str, Any]
    scenario: dict[str, Any]
    manifest: dict[str, Any]
    check: dict[str, Any]
    figures: dict[str, Any]


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise NotARunFolder(f"{path}: cannot read: {error}") from None
    except json.JSONDecodeError as error:
        raise NotARunFolder(f"{path}:{error.lineno}:{error.colno}: {error.msg}") from None
    if not isinstance(data, dict):
        raise NotARunFolder(f"{path}: expected a JSON object, got {type(data).__name__}")
    return data


def read_run_folder(path: str | Path) -> RunFolder:
    """Read a run folder; NotARunFolder says why it cannot be one."""
    folder = Path(path)
    if not folder.is_dir():
        raise NotARunFolder(f"{folder}: not a folder")
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if missing:
        raise NotARunFolder(
            f"{folder}: not a run folder of `cxsim run`: no {' and no '.join(missing)}"
        )
    found = {name: _read(folder / name) for name in REQUIRED}
    for name in OPTIONAL:
        found[name] = _read(folder / name) if (folder / name).is_file() else {}
    if not isinstance(found["summary.json"].get("metrics"), dict):
        raise NotARunFolder(f"{folder / 'summary.json'}: expected the summary of a run, no metrics")
    return RunFolder(
        folder,
        found["summary.json"],
        found["scenario.json"],
        found["manifest.json"],
        found["check.json"],
        found["figures.json"],
    )
