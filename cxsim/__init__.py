"""cxsim: stress-test a customer-service process before it goes live.

`cxsim.run(scenario, ...)` runs a scenario's replications and returns `Results`;
`cxsim.load_scenario(path)` reads and validates a YAML scenario; with
`events=cxsim.EventLog(folder, ("csv", "xes", "ocel"))` a run also writes event logs.
"""

from cxsim.eventlog import EventLog
from cxsim.montecarlo import Results, run
from cxsim.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["EventLog", "Results", "Scenario", "ScenarioError", "load_scenario", "run"]
