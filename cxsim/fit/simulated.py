"""A scenario's simulated log in memory: run it with cxsim's event log, read `events.csv` back.

The replications are laid end to end on one clock: replication k (in the order the file
holds them) is moved k × W weeks later, W being the whole number of weeks that covers the
horizon, so each case keeps its hour of day and weekday, and the times between case
starts are those within a replication (plus one gap where two replications meet).
A step's `start` and `complete` rows are paired in order per case and activity. Cases
with work still open when the run stopped (censored) are left out, as a log extracted
from a ticketing system holds the cases that closed.
"""

from __future__ import annotations

import csv
import math
import tempfile
from collections import deque
from datetime import datetime, timedelta
from pathlib import Path

from cxsim.eventlog import EventLog
from cxsim.fit.log import Activity, Log
from cxsim.montecarlo import run
from cxsim.scenario.models import Scenario

WEEK_MINUTES = 7 * 1440


def simulated_log(scenario: Scenario, replications: int, seed: int) -> Log:
    """Run `scenario` and return the activity instances of its closed cases."""
    with tempfile.TemporaryDirectory(prefix="cxsim-fit-") as folder:
        events = EventLog(Path(folder), ("csv",))
        results = run(scenario, replications, seed, jobs=1, events=events)
        if not results.replications:
            reasons = "; ".join(reason for _, reason in results.failed)
            raise RuntimeError(f"no replication of {scenario.name} finished: {reasons}")
        weeks = max(1, math.ceil(scenario.horizon / WEEK_MINUTES))
        return read_events_csv(Path(folder) / "events.csv", timedelta(weeks=weeks))


def read_events_csv(path: Path, replication_offset: timedelta = timedelta(0)) -> Log:
    """The activity instances of cxsim's `events.csv`, replication k moved k × offset later."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    positions = {r: k for k, r in enumerate(sorted({int(row["replication"]) for row in rows}))}
    opened: dict[tuple[str, str], deque[datetime]] = {}
    activities: list[Activity] = []
    for row in rows:
        shift = replication_offset * positions[int(row["replication"])]
        time = datetime.fromisoformat(row["timestamp"]) + shift
        key = (row["case_id"], row["activity"])
        if row["lifecycle"] == "start":
            opened.setdefault(key, deque()).append(time)
            continue
        starts = opened.get(key)
        activities.append(
            Activity(
                case=row["case_id"],
                activity=row["activity"],
                end=time,
                start=starts.popleft() if starts else None,
                resource=row["resource"] or None,
                team=row["team"] or None,
            )
        )
    censored = {case for (case, _), starts in opened.items() if starts}
    return Log.of(a for a in activities if a.case not in censored)
