"""Reading a real event log (CSV or XES) into a `Log`, with one-line errors for bad input.

Columns are named by the designer (`--case-id`, `--activity`, …) or guessed from the
names process-mining tools and ticketing exports use, case-insensitively. When the log
has a lifecycle column, `start` and `complete` rows of the same case and activity are
paired, first start with first complete, into one activity instance; other transitions
(schedule, suspend, …) are ignored. Timestamps keep the log's own wall clock: an offset,
when given, is dropped, because working hours are read from the clock the people saw.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ElementTree
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

from cxsim.fit.log import Activity, Log
from cxsim.scenario.problems import Problem

GUESSES: dict[str, tuple[str, ...]] = {
    "case": ("case:concept:name", "case_id", "case", "ticket", "ticket_id"),
    "activity": ("concept:name", "activity", "activity_name", "activity_id", "event", "task"),
    "timestamp": (
        "time:timestamp",
        "timestamp",
        "complete_timestamp",
        "end_timestamp",
        "end_time",
        "end",
        "time",
    ),
    "start": ("start_timestamp", "start_time", "start"),
    "resource": ("org:resource", "resource", "user", "agent", "performer"),
    "team": ("org:group", "team", "group", "role", "org:role", "department"),
    "lifecycle": ("lifecycle:transition", "lifecycle", "transition", "event type"),
}
"""Column names tried, in order, for each field the options do not name.

A column matches a guess when they read alike in lowercase letters and digits alone, so
`case_id` also finds `Case ID` and `CaseID`, and `complete_timestamp` finds
`Complete Timestamp` and `CompleteTimestamp`.
"""

OPTIONS = {
    "case": "--case-id",
    "activity": "--activity",
    "timestamp": "--timestamp",
    "start": "--start-timestamp",
    "resource": "--resource",
    "team": "--team",
    "lifecycle": "--lifecycle",
}
"""The command-line option naming each field's column."""

REQUIRED = ("case", "activity", "timestamp")

TIME_FORMATS = (
    "%Y/%m/%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
)
"""Timestamp spellings tried after ISO 8601 (which `datetime.fromisoformat` reads)."""

MAX_PROBLEMS = 10
"""Bad rows told one by one before the rest are only counted."""


class LogError(Exception):
    """Bad input: a log that cannot be read. Carries every problem found, one line each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Columns:
    """Which column (CSV) or attribute (XES) holds each field; None: guess it."""

    case: str | None = None
    activity: str | None = None
    timestamp: str | None = None
    start: str | None = None
    resource: str | None = None
    team: str | None = None
    lifecycle: str | None = None


def read_log(path: Path, columns: Columns | None = None) -> Log:
    """The log in `path`, a CSV or XES file (by its suffix); LogError when it cannot be read."""
    columns = columns or Columns()
    if not path.is_file():
        raise LogError([Problem(str(path), "", "expected an event log file, found none")])
    reader = _read_xes if path.suffix.lower() in (".xes", ".xml") else _read_csv
    log = reader(path, columns)
    if not log.activities:
        raise LogError(
            [Problem(str(path), "", "expected at least one completed activity, got none")]
        )
    return log


def parse_time(text: str) -> datetime:
    """A timestamp on the log's wall clock; ValueError when no known spelling fits."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for spelling in TIME_FORMATS:
            try:
                moment = datetime.strptime(text, spelling)
                break
            except ValueError:
                continue
        else:
            raise ValueError(text) from None
    return moment.replace(tzinfo=None)


# --- CSV ---------------------------------------------------------------------------------


def _read_csv(path: Path, columns: Columns) -> Log:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(65536)
        handle.seek(0)
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ",;\t|")
        except csv.Error:
            dialect = csv.excel
        rows = csv.reader(handle, dialect)
        header = next(rows, None)
        if header is None:
            raise LogError([Problem(str(path), "", "expected a header row, got an empty file")])
        found = _find_columns([h.strip() for h in header], columns, str(path))
        pairing = _Pairing()
        for number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            values = {name: row[i] if i < len(row) else "" for name, i in found.items()}
            pairing.take(values, f"{path}:{number}")
    pairing.raise_bad(str(path))
    return Log.of(pairing.activities())


def _find_columns(header: list[str], columns: Columns, where: str) -> dict[str, int]:
    """The index of each field's column: the one named, else the first guess found."""
    lowered = {name.lower(): i for i, name in reversed(list(enumerate(header)))}
    keyed = {_key(name): i for i, name in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    problems: list[Problem] = []
    listing = ", ".join(header)
    for spec in fields(Columns):
        named = getattr(columns, spec.name)
        if named is not None:
            if named.lower() not in lowered:
                problems.append(
                    Problem(
                        where,
                        "",
                        f"{OPTIONS[spec.name]} {named!r}: no such column; found: {listing}",
                    )
                )
            else:
                found[spec.name] = lowered[named.lower()]
            continue
        guess = next((keyed[_key(g)] for g in GUESSES[spec.name] if _key(g) in keyed), None)
        if guess is not None and guess not in found.values():
            found[spec.name] = guess
        elif spec.name in REQUIRED:
            problems.append(
                Problem(
                    where,
                    "",
                    f"expected {'an' if spec.name[0] in 'aeiou' else 'a'} {spec.name} column "
                    f"(name it with "
                    f"{OPTIONS[spec.name]}); found: {listing}",
                )
            )
    if problems:
        raise LogError(problems)
    return found


def _key(name: str) -> str:
    """A column name in lowercase letters and digits alone: `Case ID` → `caseid`."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


# --- XES ---------------------------------------------------------------------------------

XES_KEYS = {
    "case": "concept:name",
    "activity": "concept:name",
    "timestamp": "time:timestamp",
    "start": "start_timestamp",
    "resource": "org:resource",
    "team": "org:group",
    "lifecycle": "lifecycle:transition",
}
"""The standard attribute keys of XES, used for each field the options do not name."""


def _read_xes(path: Path, columns: Columns) -> Log:
    keys = {
        spec.name: getattr(columns, spec.name) or XES_KEYS[spec.name] for spec in fields(Columns)
    }
    pairing = _Pairing()
    case_id = ""
    events = 0
    in_event = False
    try:
        for event, element in ElementTree.iterparse(path, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "start":
                in_event = in_event or tag == "event"
                continue
            if tag == "event":
                in_event = False
                events += 1
                attributes = {
                    child.get("key", ""): child.get("value", "")
                    for child in element
                    if child.tag.rsplit("}", 1)[-1] != "event"
                }
                values = {name: attributes.get(key, "") for name, key in keys.items()}
                values["case"] = case_id
                pairing.take(values, f"{path}: event {events}")
                element.clear()
            elif not in_event and element.get("key") == keys["case"]:
                # the trace's own name: a key read before the trace's events are
                case_id = element.get("value", "")
            elif tag == "trace":
                element.clear()
                case_id = ""
    except ElementTree.ParseError as error:
        raise LogError([Problem(str(path), "", f"expected XES (XML), got: {error}")]) from None
    pairing.raise_bad(str(path))
    return Log.of(pairing.activities())


# --- both --------------------------------------------------------------------------------

STARTS = frozenset({"start"})
COMPLETES = frozenset({"complete", "completed", "", "end", "done"})


class _Pairing:
    """Rows in, activity instances out: a start waits for the first complete that matches."""

    def __init__(self) -> None:
        self.open: dict[tuple[str, str], deque[datetime]] = {}
        self.done: list[Activity] = []
        self.problems: list[Problem] = []
        self.bad = 0

    def take(self, values: dict[str, str], where: str) -> None:
        """Add a row, or keep what is wrong with it (the first MAX_PROBLEMS are told)."""
        try:
            self.add(values)
        except ValueError as error:
            self.bad += 1
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(Problem(where, "", str(error)))

    def raise_bad(self, where: str) -> None:
        """LogError with every problem kept, and how many more rows were bad."""
        problems, bad = self.problems, self.bad
        if bad > len(problems):
            problems.append(Problem(where, "", f"… and {bad - len(problems)} more bad rows"))
        if problems:
            raise LogError(problems)

    def add(self, values: dict[str, str]) -> None:
        case, name = values["case"].strip(), values["activity"].strip()
        if not case:
            raise ValueError("case id: expected a value, got an empty cell")
        if not name:
            raise ValueError("activity: expected a value, got an empty cell")
        end = _time(values["timestamp"], "timestamp")
        start_text = values.get("start", "").strip()
        start = _time(start_text, "start timestamp") if start_text else None
        transition = values.get("lifecycle", "").strip().lower()
        if transition in STARTS:
            self.open.setdefault((case, name), deque()).append(end)
            return
        if transition not in COMPLETES:
            return
        waiting = self.open.get((case, name))
        if start is None and waiting:
            start = waiting.popleft()
        if start is not None and start > end:
            raise ValueError(f"start timestamp {start} is after the timestamp {end}")
        resource = values.get("resource", "").strip() or None
        team = values.get("team", "").strip() or None
        self.done.append(Activity(case, name, end, start, resource, team))

    def activities(self) -> Iterator[Activity]:
        """The instances completed; a start never completed did no finished work."""
        return iter(self.done)


def _time(text: str, what: str) -> datetime:
    try:
        return parse_time(text)
    except ValueError:
        raise ValueError(
            f"{what}: expected a date and time such as 2024-01-31T08:30:00, got {text!r}"
        ) from None
