"""`events.csv`: one row per event, the columns process-mining tools map without asking.

Columns: `case_id, activity, timestamp, resource, team, organization, lifecycle,
stream, segment`, then `replication` (the replication the case ran in) and `sequence`
(the event's number in its replication, which breaks ties between equal timestamps).
Rows come case by case: a root case, then its child cases, each in time order.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from cxsim.eventlog.files import atomic_file
from cxsim.eventlog.lines import CaseLog
from cxsim.scenario.models import Scenario

COLUMNS = (
    "case_id",
    "activity",
    "timestamp",
    "resource",
    "team",
    "organization",
    "lifecycle",
    "stream",
    "segment",
    "replication",
    "sequence",
)


class CsvPart:
    """Writes one replication's rows, without a header."""

    PARTS = ("csv",)

    def __init__(self, handles: dict[str, TextIO]) -> None:
        self.writer = csv.writer(handles["csv"], lineterminator="\n")

    def write(self, logs: Iterable[CaseLog]) -> None:
        """Add the rows of these cases."""
        for log in logs:
            self.writer.writerows(
                (
                    line.case_id,
                    line.activity,
                    line.timestamp,
                    line.resource,
                    line.team,
                    line.organization,
                    line.lifecycle,
                    line.stream,
                    line.segment,
                    line.replication,
                    line.sequence,
                )
                for line in log.lines
            )


def join_csv(scenario: Scenario, parts: list[dict[str, Path]], path: Path) -> None:
    """Write `path`: the header, then each replication's rows in the order given."""
    with atomic_file(path) as out:
        csv.writer(out, lineterminator="\n").writerow(COLUMNS)
        for part in parts:
            with part["csv"].open(encoding="utf-8", newline="") as handle:
                shutil.copyfileobj(handle, out)
