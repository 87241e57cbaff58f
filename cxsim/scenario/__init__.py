"""The scenario language: pydantic models of the YAML, the loader, units and problems."""

from cxsim.scenario.loader import Override, load_scenario, parse_override, parse_scenario
from cxsim.scenario.models import Scenario
from cxsim.scenario.problems import Problem, ScenarioError

__all__ = [
    "Override",
    "Problem",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "parse_override",
    "parse_scenario",
]
