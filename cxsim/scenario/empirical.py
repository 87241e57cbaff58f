"""Empirical durations: one column of a CSV file, read once when the scenario is loaded.

A scenario may come from someone else (a pull request a CI job runs), so the file is
read with care: it must be a regular file in the scenario's folder or below it, no
larger than `MAX_BYTES`; and a problem never shows more of its content than a column
header, cut short and made printable.
"""

from __future__ import annotations

import csv
from pathlib import Path

from cxsim.scenario.units import MINUTES_PER, parse_duration

MAX_BYTES = 64 * 1024 * 1024
"""The largest empirical file read (64 MiB)."""

SHOWN = 40
"""Characters of a column header or a cell shown in a problem, at most."""


def read_column(file: str, column: str, unit: str, base_dir: str | Path | None) -> list[float]:
    """The values of `column` in `file` as minutes; bare numbers are in `unit`."""
    return [values[0] for values in read_pairs(file, (column,), unit, base_dir)]


def read_pairs(
    file: str, columns: tuple[str, ...], unit: str, base_dir: str | Path | None
) -> list[tuple[float, ...]]:
    """The rows of `columns` in `file` as minutes, rows whose first column is blank left out.

    Bare numbers are in `unit`; the other columns must not be blank where the first is not.
    """
    path = _confined(file, base_dir)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            headers = reader.fieldnames or []
            for column in columns:
                if column not in headers:
                    shown = ", ".join(_shown(h) for h in headers[:20])
                    more = f" and {len(headers) - 20} more" if len(headers) > 20 else ""
                    raise ValueError(
                        f"expected a column {_shown(column)} in {file}, got columns {shown}{more}"
                    )
            rows = [
                tuple(_minutes(row[c] or "", unit, file, line) for c in columns)
                for line, row in enumerate(reader, start=2)
                if (row[columns[0]] or "").strip()
            ]
    except csv.Error:
        raise ValueError(f"expected a CSV file of durations, got a malformed {file}") from None
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
            f"expected a non-negative duration at {file} line {line}, got {_shown(text)}"
        ) from None


def _confined(file: str, base_dir: str | Path | None) -> Path:
    """The path of `file`, refused unless a regular file of reasonable size in the folder
    of the scenario (`base_dir`; the working folder when None) or below it."""
    base = Path(base_dir if base_dir is not None else ".").resolve()
    path = (base / file).resolve()
    if not path.is_relative_to(base):
        raise ValueError(
            f"expected a file in the scenario's folder or below it, got {file} outside it"
        )
    if not path.exists():
        raise ValueError(f"cannot read {file}: No such file or directory")
    if not path.is_file():
        raise ValueError(f"expected a regular file, got {file}, which is not one")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ValueError(
            f"expected a file of at most {MAX_BYTES // 2**20} MiB, "
            f"got {file} of {size / 2**20:.0f} MiB"
        )
    return path


def _shown(text: str) -> str:
    """A column header as a problem shows it: printable, and cut short when long."""
    printable = "".join(c if c.isprintable() else "?" for c in text)
    return repr(printable if len(printable) <= SHOWN else printable[:SHOWN] + "…")
