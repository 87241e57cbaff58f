"""Empirical durations: one column of a CSV file, read once when the scenario is loaded."""

from __future__ import annotations

import csv
from pathlib import Path

from cxsim.scenario.units import MINUTES_PER, parse_duration


def read_column(file: str, column: str, unit: str, base_dir: str | Path | None) -> list[float]:
    """The values of `column` in `file` as minutes; bare numbers are in `unit`."""
    return [values[0] for values in read_pairs(file, (column,), unit, base_dir)]


def read_pairs(
    file: str, columns: tuple[str, ...], unit: str, base_dir: str | Path | None
) -> list[tuple[float, ...]]:
    """The rows of `columns` in `file` as minutes, rows whose first column is blank left out.

    Bare numbers are in `unit`; the other columns must not be blank where the first is not.
    """
    path = Path(file)
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            headers = reader.fieldnames or []
            for column in columns:
                if column not in headers:
                    raise ValueError(
                        f"expected a column {column!r} in {file}, got columns {', '.join(headers)}"
                    )
            rows = [
                tuple(_minutes(row[c] or "", unit, file, line) for c in columns)
                for line, row in enumerate(reader, start=2)
                if (row[columns[0]] or "").strip()
            ]
    except OSError as error:
        raise ValueError(f"cannot read {file}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ValueError(f"expected a UTF-8 CSV file, got undecodable bytes in {file}") from None
    if not rows:
        raise ValueError(
            f"expected at least one value in column {columns[0]!r} of {file}, got none"
        )
    return rows


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
