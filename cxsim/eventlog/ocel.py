"""`events.ocel.json`: the log as OCEL 2.0 JSON, with the objects the events are about.

Objects: each `case` and `child case` (a child related to its parent), its `customer`,
each `appointment` booked, and each `technician` (a person of a field team) who did a
visit. Events: one per start and end of a step's work, typed by the step, with the
attributes `lifecycle`, `resource`, `team`, `organization` and `sequence`, related to
their case (`case`), its customer (`customer`), the appointment they book or keep
(`appointment`) and the technician on site (`technician`). The standard's schema takes
every attribute value as a string; times are the scenario's clock, without an offset.

A replication writes its objects and events as JSON lines to two parts; the final file
puts them into the two arrays, after the declared types.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from cxsim.eventlog.files import atomic_file
from cxsim.eventlog.lines import CaseLog, Line
from cxsim.scenario.models import Scenario

EVENT_ATTRIBUTES = ("lifecycle", "resource", "team", "organization", "sequence")
OBJECT_TYPES: dict[str, tuple[tuple[str, str], ...]] = {
    "case": (("journey", "string"), ("outcome", "string")),
    "child case": (("journey", "string"), ("outcome", "string")),
    "customer": (("segment", "string"), ("stream", "string")),
    "appointment": (("team", "string"), ("window_start", "time")),
    "technician": (("team", "string"), ("organization", "string")),
}
"""Object types with their attributes (name, OCEL type)."""


Values = dict[str, str | tuple[str, str]]
"""Attribute values of an object: a value set when the object appears, or (value, time)."""


def _dump(item: Any) -> str:
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"))


class OcelPart:
    """Writes one replication's objects and events, one JSON value a line."""

    PARTS = ("ocel-objects", "ocel-events")

    def __init__(self, handles: dict[str, TextIO]) -> None:
        self.objects = handles["ocel-objects"]
        self.events = handles["ocel-events"]
        self.technicians: set[str] = set()

    def _object(self, oid: str, kind: str, time: str, values: Values, **related: str) -> None:
        """Write an object; a value given as (value, time) was set at its own time."""
        attributes = []
        for name, value in values.items():
            value, when = value if isinstance(value, tuple) else (value, time)
            attributes.append({"name": name, "value": value, "time": when})
        relationships = [{"objectId": o, "qualifier": q} for q, o in related.items()]
        item = {"id": oid, "type": kind, "attributes": attributes, "relationships": relationships}
        self.objects.write(_dump(item) + "\n")

    def write(self, logs: Iterable[CaseLog]) -> None:
        """Add the cases' objects and events."""
        for log in logs:
            if log.parent is None:
                customer: Values = {
                    "segment": log.segment,
                    "stream": log.stream,
                }
                self._object(log.customer, "customer", log.created, customer)
                kind, related = "case", {"customer": log.customer}
            else:
                kind, related = "child case", {"customer": log.customer, "parent": log.parent}
            case_values: Values = {
                "journey": log.journey,
                "outcome": (log.outcome, log.ended),
            }
            self._object(log.case_id, kind, log.created, case_values, **related)
            for booked in log.appointments:
                slot: Values = {
                    "team": booked.team,
                    "window_start": booked.window_start,
                }
                self._object(booked.id, "appointment", booked.booked, slot, case=log.case_id)
            for line in log.lines:
                self._event(line, log)

    def _event(self, line: Line, log: CaseLog) -> None:
        related = [("case", log.case_id), ("customer", log.customer)]
        if line.appointment is not None:
            related.append(("appointment", line.appointment))
        if line.technician:
            person = f"{line.replication}-{line.resource}"
            related.append(("technician", person))
            if person not in self.technicians:  # a technician is an object once a replication
                self.technicians.add(person)
                person_values: Values = {
                    "team": line.team,
                    "organization": line.organization,
                }
                self._object(person, "technician", line.timestamp, person_values)
        item = {
            "id": f"{line.replication}-e{line.sequence}",
            "type": line.activity,
            "time": line.timestamp,
            "attributes": [
                {"name": name, "value": str(getattr(line, name))} for name in EVENT_ATTRIBUTES
            ],
            "relationships": [{"objectId": o, "qualifier": q} for q, o in related],
        }
        self.events.write(_dump(item) + "\n")


def _types(names: Iterable[str], attributes: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    declared = [{"name": name, "type": kind} for name, kind in attributes]
    return [{"name": name, "attributes": declared} for name in names]


def join_ocel(scenario: Scenario, parts: list[dict[str, Path]], path: Path) -> None:
    """Write `path`: the declared types, then every part's objects, then their events."""
    steps = dict.fromkeys(step for j in scenario.journeys.values() for step in j.steps)
    event_types = _types(steps, ((name, "string") for name in EVENT_ATTRIBUTES))
    object_types = [
        {"name": name, "attributes": [{"name": a, "type": t} for a, t in attributes]}
        for name, attributes in OBJECT_TYPES.items()
    ]
    with atomic_file(path) as out:
        out.write('{"objectTypes":' + _dump(object_types))
        out.write(',\n"eventTypes":' + _dump(event_types))
        for key, part_name in (("objects", "ocel-objects"), ("events", "ocel-events")):
            out.write(f',\n"{key}":[')
            separator = "\n"
            for part in parts:
                with part[part_name].open(encoding="utf-8") as handle:
                    for item in handle:
                        out.write(separator + item.rstrip("\n"))
                        separator = ",\n"
            out.write("\n]")
        out.write("}\n")
