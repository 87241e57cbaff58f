"""Event logs for process-mining tools: CSV, XES and OCEL 2.0, streamed as a run goes.

`cxsim run SCENARIO --events csv,xes,ocel` writes `events.csv`, `events.xes` and
`events.ocel.json` into the run folder. Each event is the start or the end (`start`,
`complete`) of one step's work on one case, named by the step, at the scenario's clock
time, with the person, team and organization who did it. Each replication writes its
own part as its cases close; the parts are joined in replication order at the end.
"""

from cxsim.eventlog.log import FORMATS, EventLog, EventLogRecorder

__all__ = ["FORMATS", "EventLog", "EventLogRecorder"]
