"""A baseline for `cxsim check --baseline`: the summary.json of an earlier run, read with care.

A baseline comes from outside the run — a file kept in a repository, edited by hand, or
changed in a pull request — so it is read as untrusted input: a regular file of at most
`MOST_BYTES`, nested at most `MOST_DEPTH` deep, then checked against the shape
`cxsim run` writes before any number in it is used. Every number must be finite (a
summary writes NaN and infinities as null) and of a size no run produces; metric entries
need a mean; the teams must be the scenario's. Whatever is wrong is a `BadBaseline` of
one line, `FILE: dotted.path: expected …, got …` (`FILE:LINE:COL` for what is wrong
with the JSON itself), so a broken baseline is bad input, never a silent "no regression".
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cxsim.metrics import CASE_METRICS, TEAM_METRICS, Metric

MOST_BYTES = 64 * 2**20
"""Largest baseline file read: a summary of 10,000 replications of 20 teams is ~30 MiB."""
MOST_DEPTH = 32
"""Deepest nesting of objects and lists read; a summary nests 5 deep."""
LARGEST = 1e15
"""Largest size of a metric value: far beyond any run, small enough for sums of squares."""
SHOWN = 40
"""Characters of a name from the file shown in a message, at most."""

PERCENTILES = ("p50", "p90", "p99")


class BadBaseline(Exception):
    """A baseline file that is not a summary.json of `cxsim run`: one line, with the place."""


@dataclass(frozen=True)
class _Odd:
    """What the file held where a number should be that JSON reads but a run never writes."""

    what: str


def _odd_int(text: str) -> int | _Odd:
    try:
        return int(text)
    except ValueError:  # beyond Python's 4300 digits
        return _Odd(f"a number of {len(text.lstrip('-'))} digits")


def _odd_float(text: str) -> float | _Odd:
    value = float(text)
    return value if math.isfinite(value) else _Odd(f"{_cut(text)}, beyond a float")


def _odd_constant(text: str) -> _Odd:
    return _Odd(text)  # NaN, Infinity, -Infinity: Python's JSON extensions


def _cut(text: str) -> str:
    """A piece of the file as a message shows it: printable, and cut short when long."""
    printable = "".join(c if c.isprintable() else "?" for c in text)
    return printable if len(printable) <= SHOWN else printable[:SHOWN] + "…"


def _name(key: str) -> str:
    """A key as a segment of a dotted path."""
    plain = re.fullmatch(r"[A-Za-z0-9_-]{1,40}", key)
    return key if plain else repr(_cut(key))


def _join(path: str, key: str | int) -> str:
    segment = str(key) if isinstance(key, int) else _name(key)
    return f"{path}.{segment}" if path else segment


def _kind(value: Any) -> str:
    """What a JSON value is, for a message."""
    if isinstance(value, _Odd):
        return value.what
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value) if abs(value) < 10**20 else f"a number of {len(str(abs(value)))} digits"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return f"the text {_cut(value)!r}"
    if isinstance(value, list):
        return f"a list of {len(value)} value{'' if len(value) == 1 else 's'}"
    return "an object"


class _Wrong(Exception):
    """A place in the document and what is wrong there."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)


def _expected(path: str, what: str, value: Any) -> _Wrong:
    return _Wrong(path, f"expected {what}, got {_kind(value)}")


# --- reading -------------------------------------------------------------------------------


def _read(path: Path) -> str:
    """The file's text: a regular file of at most MOST_BYTES, UTF-8."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "no regular file"
            raise BadBaseline(f"{path}: expected a summary.json file, got {kind}")
        if info.st_size > MOST_BYTES:
            raise BadBaseline(_too_big(path, info.st_size))
        with open(path, "rb") as handle:
            data = handle.read(MOST_BYTES + 1)
    except OSError as error:
        raise BadBaseline(f"{path}: cannot read: {error.strerror or error}") from None
    if len(data) > MOST_BYTES:  # grew since it was looked at
        raise BadBaseline(_too_big(path, len(data)))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadBaseline(
            f"{path}: expected UTF-8 JSON, got binary content at byte {error.start}"
        ) from None


def _too_big(path: Path, size: int) -> str:
    return (
        f"{path}: expected a summary.json of at most {MOST_BYTES // 2**20} MiB, "
        f"got {size / 2**20:.0f} MiB"
    )


_STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def _too_deep(text: str) -> int | None:
    """Where the JSON text nests deeper than MOST_DEPTH (an offset), or None."""
    depth = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MOST_DEPTH:
                return match.start()
        elif token in "]}":
            depth -= 1
    return None


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - text.rfind(chr(10), 0, offset)}"


def _parse(path: Path, text: str) -> Any:
    deep = _too_deep(text)
    if deep is not None:
        where = f"{path}:{_position(text, deep)}"
        raise BadBaseline(f"{where}: expected JSON nested at most {MOST_DEPTH} deep")
    try:
        return json.loads(
            text, parse_int=_odd_int, parse_float=_odd_float, parse_constant=_odd_constant
        )
    except json.JSONDecodeError as error:
        where = f"{path}:{error.lineno}:{error.colno}"
        raise BadBaseline(f"{where}: invalid JSON: {error.msg}") from None
    except RecursionError:  # MOST_DEPTH keeps far below it; kept should the two ever cross
        raise BadBaseline(f"{path}: expected JSON nested at most {MOST_DEPTH} deep") from None


# --- the shape of a summary ----------------------------------------------------------------


def _odd(value: Any, path: str) -> None:
    """Refuse NaN, infinities and numbers beyond a float anywhere in the document."""
    if isinstance(value, _Odd):
        raise _expected(path, "a finite number", value)
    if isinstance(value, dict):
        for key, item in value.items():
            _odd(item, _join(path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _odd(item, _join(path, index))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: Any, path: str) -> None:
    """A metric value: a number of a sane size, or null (not measured)."""
    if value is None:
        return
    if not _is_number(value):
        raise _expected(path, "a number or null", value)
    if abs(value) > LARGEST:
        raise _expected(path, f"a number from {-LARGEST:g} to {LARGEST:g}", value)


def _object(value: Any, path: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _expected(path, what, value)
    return value


def _entry(entry: Any, path: str) -> None:
    """A metric of the summary: {mean, ci95, p50, p90, p99}, mean required."""
    entry = _object(entry, path, "an object with 'mean'")
    if "mean" not in entry:
        raise _Wrong(path, "expected an object with 'mean', got none")
    _number(entry["mean"], _join(path, "mean"))
    if "ci95" in entry:
        ci = entry["ci95"]
        if not isinstance(ci, list) or len(ci) != 2:
            raise _expected(_join(path, "ci95"), "a list of 2 numbers or nulls", ci)
        for index, value in enumerate(ci):
            _number(value, _join(_join(path, "ci95"), index))
    for name in PERCENTILES:
        if name in entry:
            _number(entry[name], _join(path, name))


def _metrics(values: dict[str, Any], path: str, known: Iterable[Metric]) -> int:
    """Check the known metrics of an object of metrics; how many can be compared."""
    comparable = 0
    for metric in known:
        if metric.name in values:
            entry = values[metric.name]
            _entry(entry, _join(path, metric.name))
            comparable += metric.better != "neither" and entry["mean"] is not None
    return comparable


def _int(value: Any, path: str, what: str = "a whole number ≥ 0") -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _expected(path, what, value)


def _columns(values: Any, path: str, count: int) -> None:
    """Per-replication columns: one number or null per replication."""
    for name, column in _object(values, path, "an object of metrics").items():
        where = _join(path, name)
        if not isinstance(column, list) or len(column) != count:
            raise _expected(where, f"a list of {count} values, one per index", column)
        for index, value in enumerate(column):
            _number(value, _join(where, index))


def _per_replication(stored: Any, teams: dict[str, Any]) -> None:
    """The summary's per-replication values (absent in summaries of older versions)."""
    path = "per_replication"
    stored = _object(stored, path, "an object with 'index', 'metrics' and 'teams'")
    index = stored.get("index")
    if not isinstance(index, list):
        raise _expected(_join(path, "index"), "a list of replication numbers", index)
    for position, value in enumerate(index):
        _int(value, _join(_join(path, "index"), position), "a replication number")
    if len(set(index)) != len(index):
        raise _Wrong(_join(path, "index"), "expected each replication once, got one twice")
    _columns(stored.get("metrics"), _join(path, "metrics"), len(index))
    kept = _object(stored.get("teams", {}), _join(path, "teams"), "an object of teams")
    if set(kept) - set(teams):
        extra = sorted(set(kept) - set(teams))
        raise _Wrong(
            _join(path, "teams"), f"expected the teams of 'teams', got {_names(extra)} too"
        )
    for team, values in kept.items():
        _columns(values, _join(_join(path, "teams"), team), len(index))
    streams = _object(stored.get("streams", {}), _join(path, "streams"), "an object of streams")
    for stream, values in streams.items():
        _columns(values, _join(_join(path, "streams"), stream), len(index))


def _names(names: Iterable[str]) -> str:
    """`'a', 'b'` for the names found in the file; `none` for none."""
    return ", ".join(repr(_cut(name)) for name in sorted(names)) or "none"


def _check(data: Any, teams: Iterable[str] | None) -> None:
    """Raise _Wrong at the first place the document is not a summary of a run."""
    _odd(data, "")
    data = _object(data, "", "an object (the summary.json of a cxsim run)")
    if "scenario" in data and not isinstance(data["scenario"], str):
        raise _expected("scenario", "the scenario's name", data["scenario"])
    for key in ("seed", "replications"):
        if key in data:
            _int(data[key], key)
    if "metrics" not in data:
        raise _Wrong("", "expected the summary.json of a cxsim run, with 'metrics', got none")
    metrics = _object(data["metrics"], "metrics", "an object of metrics")
    comparable = _metrics(metrics, "metrics", CASE_METRICS)
    stored = _object(data.get("teams", {}), "teams", "an object of teams")
    for team, values in stored.items():
        where = _join("teams", team)
        comparable += _metrics(_object(values, where, "an object of metrics"), where, TEAM_METRICS)
    if teams is not None and set(teams) != set(stored):
        raise _Wrong(
            "teams",
            f"expected the scenario's teams {_names(teams)}, got {_names(stored)}",
        )
    if not comparable:
        raise _Wrong(
            "metrics", "expected the mean of at least one metric to compare with, got none"
        )
    if data.get("per_replication") is not None:
        _per_replication(data["per_replication"], stored)


def load_baseline(path: str | Path, teams: Iterable[str] | None = None) -> dict[str, Any]:
    """Read and check a summary.json of `cxsim run`; BadBaseline says what is wrong, and where.

    With `teams` (the scenario's), the baseline must have exactly those teams.
    """
    path = Path(path)
    data = _parse(path, _read(path))
    try:
        _check(data, None if teams is None else list(teams))
    except _Wrong as wrong:
        raise BadBaseline(f"{path}: {wrong}") from None
    return data
