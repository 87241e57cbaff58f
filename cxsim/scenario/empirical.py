"""Empirical durations: one column of a CSV file, read once when the scenario is loaded."""

from __future__ import annotations

import csv
from pathlib import Path

from cxsim.scenario.units import MINUTES_PER, parse_duration


def read_column(file: str, column: str, unit: str, base_dir: str | Path | None) -> list[float]:
    """The values of `column` in `file` as minutes; bare numbers are in `unit`."""
    path = Path(file)
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            headers = reader.fieldnames or []
            if column not in headers:
                raise ValueError(
                    f"expected a column {column!r} in {file}, got columns {', '.join(headers)}"
                )
            values = [
                _minutes(row[column], unit, file, line)
                for line, row in enumerate(reader, start=2)
                if (row[column] or "").strip()
            ]
    except OSError as error:
        raise ValueError(f"cannot read {file}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ValueError(f"expected a UTF-8 CSV file, got undecodable bytes in {file}") from None
    if not values:
        raise ValueError(f"expected at least one value in column {column!r} of {file}, got none")
    return values


def _minutes(cell: str, unit: str, file: str, line: int) -> float:
    text = cell.strip()
    try:
        number = float(text)
    except ValueError:
        number = None
    try:
        return parse_duration(number * MINUTES_PER[unit] if number is not None else text)
    except ValueError:
        raise ValueError(
            f"expected a non-negative duration at {file} line {line}, got {text!r}"
        ) from None
