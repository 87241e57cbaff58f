"""An event log asked of a run: the recorder each replication writes its part with, and the join.

`EventLog(folder, formats)` travels to the worker processes with the scenario. A
replication's `EventLogRecorder` records its cases like any recorder and also turns
each root case, as it closes, into lines written straight to the replication's part
files; then it forgets the case's history. Memory holds the cases in flight, never the
log. Once the replications are over, `join` writes each final file from the parts of
the replications that finished, in replication order, so the file is the same whatever
the number of processes, and removes the parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from cxsim.engine.case import Case
from cxsim.eventlog.csvlog import CsvPart, join_csv
from cxsim.eventlog.files import leftovers, part_path
from cxsim.eventlog.lines import CaseLog, Context, case_logs
from cxsim.eventlog.ocel import OcelPart, join_ocel
from cxsim.eventlog.xes import XesPart, join_xes
from cxsim.metrics import Recorder
from cxsim.scenario.models import Scenario


class PartWriter(Protocol):
    """Writes the cases of one replication in one format."""

    PARTS: tuple[str, ...]

    def __init__(self, handles: dict[str, TextIO]) -> None: ...

    def write(self, logs: list[CaseLog]) -> None: ...


class Join(Protocol):
    """Writes a final file from the replications' parts, in the order given."""

    def __call__(self, scenario: Scenario, parts: list[dict[str, Path]], path: Path) -> None: ...


@dataclass(frozen=True)
class Format:
    """One event-log format: its file name, part writer and join."""

    file: str
    part: type[PartWriter]
    join: Join


FORMATS: dict[str, Format] = {
    "csv": Format("events.csv", CsvPart, join_csv),
    "xes": Format("events.xes", XesPart, join_xes),
    "ocel": Format("events.ocel.json", OcelPart, join_ocel),
}
"""Event-log formats keyed by their `--events` name."""


@dataclass(frozen=True)
class EventLog:
    """Event logs to write into a run folder, in the given formats."""

    folder: Path
    formats: tuple[str, ...]

    def __post_init__(self) -> None:
        unknown = [name for name in self.formats if name not in FORMATS]
        if unknown:
            raise ValueError(f"expected event-log formats among {list(FORMATS)}, got {unknown}")

    def recorder(self, scenario: Scenario, replication: int) -> EventLogRecorder:
        """A recorder writing replication `replication`'s part files."""
        return EventLogRecorder(self, scenario, replication)

    def files(self) -> list[Path]:
        """The final files this log writes."""
        return [self.folder / FORMATS[name].file for name in self.formats]

    def join(self, scenario: Scenario, replications: list[int]) -> list[Path]:
        """Write the final files from the parts of `replications`, in that order; remove parts.

        Nothing is written without replications; parts of other replications (failed,
        or cut off by Ctrl-C) are removed all the same.
        """
        written: list[Path] = []
        if replications:
            for name in self.formats:
                fmt = FORMATS[name]
                parts = [
                    {part: part_path(self.folder, index, part) for part in fmt.part.PARTS}
                    for index in sorted(replications)
                ]
                path = self.folder / fmt.file
                fmt.join(scenario, parts, path)
                written.append(path)
        for path in leftovers(self.folder):
            path.unlink(missing_ok=True)
        return written


class EventLogRecorder(Recorder):
    """A replication's recorder that also writes each closed root case to the part files."""

    def __init__(self, log: EventLog, scenario: Scenario, replication: int) -> None:
        super().__init__()
        self.context = Context(scenario, replication)
        self.paths = {
            part: (
                part_path(log.folder, replication, part, done=False),
                part_path(log.folder, replication, part),
            )
            for name in log.formats
            for part in FORMATS[name].part.PARTS
        }
        self.handles: dict[str, TextIO] = {}
        try:
            for part, (temporary, _) in self.paths.items():
                self.handles[part] = temporary.open("w", encoding="utf-8", newline="")
        except BaseException:
            self.discard()
            raise
        self.writers = [FORMATS[name].part(self.handles) for name in log.formats]

    def case_closed(self, case: Case, until: float | None = None) -> None:
        """Record the case, write its lines (if it is counted), and let its history go.

        Cases that arrived during the warm-up are left out, as they are of every metric,
        so the log and the run's figures speak of the same cases.
        """
        super().case_closed(case, until)
        if case.counted:
            logs = case_logs(case, self.context)
            for writer in self.writers:
                writer.write(logs)
        for part in (case, *case.children):  # written: nothing of it needs keeping
            part.history = part.activities = None

    def close(self) -> None:
        """The replication is over: its parts are whole."""
        for handle in self.handles.values():
            handle.close()
        for temporary, done in self.paths.values():
            temporary.replace(done)

    def discard(self) -> None:
        """The replication failed or was stopped: remove what it wrote."""
        for handle in self.handles.values():
            handle.close()
        for temporary, _ in self.paths.values():
            temporary.unlink(missing_ok=True)
