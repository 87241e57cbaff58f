"""`events.xes`: the log in IEEE 1849 XES, one trace per case, streamed.

Each event has `concept:name` (the step), `time:timestamp`, `lifecycle:transition`
(`start` or `complete`), `org:group` (the team) and, when one person did the work,
`org:resource`; plus `organization` and `sequence`. Each trace has `concept:name` (the
case id), `stream`, `segment`, `replication` and, for a child case, `parent`. The
extensions used are declared in the header. Times are the scenario's clock, without
an offset.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import quoteattr

from cxsim.eventlog.files import atomic_file
from cxsim.eventlog.lines import CaseLog
from cxsim.scenario.models import Scenario

EXTENSIONS = (
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
    ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
)


@lru_cache(maxsize=4096)
def _quoted(value: str) -> str:
    # the same few names (steps, teams, people) come back in every event: quoted once each
    return quoteattr(value)


class Xes:
    """XES elements written as they come, indented for people who look.

    Written by hand with `quoteattr` rather than through `XMLGenerator`, which took
    three quarters of the time of a run writing XES: every value is still escaped.
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def attribute(self, kind: str, key: str, value: str | int, depth: int) -> None:
        """A typed attribute (`string`, `date`, `int`) as an empty element."""
        quoted = _quoted(str(value))
        self.out.write(f'\n{"  " * depth}<{kind} key="{key}" value={quoted}/>')

    def start(self, name: str, attributes: dict[str, str], depth: int, empty: bool = False) -> None:
        """Open an element on a new line (or write it whole, when `empty`)."""
        pairs = "".join(f" {key}={quoteattr(value)}" for key, value in attributes.items())
        end = "/>" if empty else ">"
        self.out.write(f"\n{'  ' * depth}<{name}{pairs}{end}" if depth else f"<{name}{pairs}{end}")

    def end(self, name: str, depth: int) -> None:
        """Close an element on a new line."""
        self.out.write(f"\n{'  ' * depth}</{name}>")


class XesPart:
    """Writes one replication's traces."""

    PARTS = ("xes",)

    def __init__(self, handles: dict[str, TextIO]) -> None:
        self.xes = Xes(handles["xes"])

    def write(self, logs: Iterable[CaseLog]) -> None:
        """Add one trace per case."""
        xes = self.xes
        for log in logs:
            xes.start("trace", {}, 1)
            xes.attribute("string", "concept:name", log.case_id, 2)
            if log.parent is not None:
                xes.attribute("string", "parent", log.parent, 2)
            if log.stream:
                xes.attribute("string", "stream", log.stream, 2)
            xes.attribute("string", "segment", log.segment, 2)
            xes.attribute("string", "journey", log.journey, 2)
            xes.attribute("int", "replication", log.replication, 2)
            for line in log.lines:
                xes.start("event", {}, 2)
                xes.attribute("string", "concept:name", line.activity, 3)
                xes.attribute("date", "time:timestamp", line.timestamp, 3)
                xes.attribute("string", "lifecycle:transition", line.lifecycle, 3)
                if line.resource:
                    xes.attribute("string", "org:resource", line.resource, 3)
                if line.team:
                    xes.attribute("string", "org:group", line.team, 3)
                if line.organization:
                    xes.attribute("string", "organization", line.organization, 3)
                xes.attribute("int", "sequence", line.sequence, 3)
                xes.end("event", 2)
            xes.end("trace", 1)


def join_xes(scenario: Scenario, parts: list[dict[str, Path]], path: Path) -> None:
    """Write `path`: the XES header, each replication's traces in the order given, the end."""
    with atomic_file(path) as out:
        xes = Xes(out)
        out.write('<?xml version="1.0" encoding="utf-8"?>\n')
        xes.start(
            "log",
            {"xes.version": "1849-2016", "xmlns": "http://www.xes-standard.org/"},
            0,
        )
        for name, prefix, uri in EXTENSIONS:
            xes.start("extension", {"name": name, "prefix": prefix, "uri": uri}, 1, empty=True)
        xes.start("global", {"scope": "trace"}, 1)
        xes.attribute("string", "concept:name", "", 2)
        xes.end("global", 1)
        xes.start("global", {"scope": "event"}, 1)
        xes.attribute("string", "concept:name", "", 2)
        xes.attribute("date", "time:timestamp", "1970-01-01T00:00:00.000", 2)
        xes.attribute("string", "lifecycle:transition", "complete", 2)
        xes.end("global", 1)
        for name, keys in (("Activity", "concept:name"), ("Team", "org:group")):
            xes.start("classifier", {"name": name, "keys": keys}, 1, empty=True)
        xes.attribute("string", "concept:name", scenario.name, 1)
        for part in parts:
            with part["xes"].open(encoding="utf-8", newline="") as handle:
                shutil.copyfileobj(handle, out)
        xes.end("log", 0)
        out.write("\n")
