"""cxsim: stress-test a customer-service process before it goes live.

`cxsim.run(scenario, ...)` runs a scenario's replications and returns `Results`;
`cxsim.load_scenario(path)` reads and validates a YAML scenario.
"""

from cxsim.montecarlo import Results, run
from cxsim.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["Results", "Scenario", "ScenarioError", "load_scenario", "run"]
