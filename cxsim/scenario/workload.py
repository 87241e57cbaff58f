"""Offered load: the work that arrives at each team, against the people it has on duty.

A team's offered load is the minutes of work arriving at it per minute, on average: the
people it takes to keep up. Each stream brings cases at its mean rate; a case visits
each step of its journey as often as routing sends it there on average, and each visit
brings the step's mean work (`handle_time`, `duration`, and the team's `travel` for a
field visit). Follow-up contacts, failures and child cases bring more, customers who
abandon or give up take some away. The people on duty are the team's size times the
share of the week its calendar is open.
"""

from __future__ import annotations

from dataclasses import dataclass

from cxsim.scenario.means import mean_of, mean_rate
from cxsim.scenario.models import Scenario, Step
from cxsim.scenario.routing import visits
from cxsim.scenario.weekly import MINUTES_PER_WEEK, week_intervals

WORK_FIELDS = ("handle_time", "duration")
"""Step fields holding the time the step's team works on it."""

TRAVELLING = frozenset({"field_visit"})
"""Step types for which the team travels (its `travel`) before the work."""


@dataclass(frozen=True)
class Workload:
    """A team's offered load and the people it has on duty, both on average over the week."""

    team: str
    offered: float
    """Minutes of work arriving per minute: the people it takes to keep up."""
    on_duty: float
    """People on duty on average: size times the open share of the week."""

    @property
    def ratio(self) -> float:
        """Offered load per person on duty (1: every one of them busy all the time)."""
        return self.offered / self.on_duty if self.on_duty > 0 else float("inf")


def on_duty(scenario: Scenario, team: str) -> float:
    """People of `team` on duty on average over the week."""
    spec = scenario.teams[team]
    calendar = scenario.calendars.get(spec.calendar) if spec.calendar else None
    if calendar is None:
        return float(spec.size)
    opened = sum(end - start for start, end in week_intervals(calendar))
    return spec.size * opened / MINUTES_PER_WEEK


def work_of(scenario: Scenario, step: Step) -> float:
    """Mean minutes of work a visit of `step` gives its team."""
    work = sum(mean_of(getattr(step, name)) for name in WORK_FIELDS if hasattr(step, name))
    team = scenario.teams.get(getattr(step, "team", ""))
    if getattr(step, "type", None) in TRAVELLING and team is not None and team.travel is not None:
        work += mean_of(team.travel)
    return work


def workloads(scenario: Scenario) -> list[Workload]:
    """The offered load of each team that gets work, in the order of `teams:`.

    Streams with no mean rate (a cohort) or whose journey a case may never leave are
    left out.
    """
    offered: dict[str, float] = {}
    for stream in scenario.customers.stream_specs().values():
        rate = mean_rate(stream.arrivals)
        journey = scenario.journeys.get(stream.journey)
        counts = visits(journey) if rate is not None and journey is not None else None
        if rate is None or journey is None or counts is None:
            continue
        for name, count in counts.items():
            step = journey.steps[name]
            team = getattr(step, "team", None)
            if team in scenario.teams:
                offered[team] = offered.get(team, 0.0) + rate * count * work_of(scenario, step)
    return [
        Workload(team, offered[team], on_duty(scenario, team))
        for team in scenario.teams
        if team in offered
    ]
