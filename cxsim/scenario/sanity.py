"""Whether a valid scenario makes sense: what cannot work (errors) and what is probably wrong.

The models check each value and `references.py` each name; here a scenario that passed
both is weighed as a whole. Errors are what cannot work: a loop of steps with no way to
the end in which no time passes (the run would never finish), a journey with no way to
the end at all (every case would stay open for ever), work for a team of no people.
Warnings are what is probably wrong: a trap where time passes (the cases that reach it
stay open until the run stops), an appointment window longer than the field team is
ever open at a stretch, a team offered at least as much work as its people can do.
Each finding comes with the path of the value at fault, so the loader can point at
its line.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from cxsim.scenario.means import mean_of, mean_rate
from cxsim.scenario.models import (
    CohortArrivals,
    DelayEffect,
    DropEffect,
    FailFixEffect,
    Failure,
    Scenario,
    Step,
    WaitStep,
)
from cxsim.scenario.routing import END, graph, reach, traps
from cxsim.scenario.types import DISTRIBUTIONS, Empirical
from cxsim.scenario.units import format_duration
from cxsim.scenario.weekly import week_intervals
from cxsim.scenario.workload import TRAVELLING, Workload, workloads

Path = tuple[str | int, ...]
Found = list[tuple[Path, str]]

OVERLOAD = 1.0
"""Offered load per person on duty from which a team's queues grow without end."""

BOOKING = frozenset({"appointment"})
"""Step types whose case waits for a booked window: slots run out, so time passes."""

STALLING = frozenset({"deny", "drop"})
"""Failure effects that stall a case until someone revives it, later if ever."""


def sense_problems(scenario: Scenario) -> Found:
    """What cannot work in `scenario`, each with the path of the value at fault."""
    found: Found = []
    for journey_name, journey in scenario.journeys.items():
        base: Path = ("journeys", journey_name)
        for step_name, step in journey.steps.items():
            team = getattr(step, "team", None)
            if team in scenario.teams and scenario.teams[team].size == 0:
                message = (
                    f"team {team!r} has no people (size 0): nobody would ever do step "
                    f"{step_name!r}, expected a team of size 1 or more"
                )
                found.append(((*base, "steps", step_name, "team"), message))
        if END not in reach(graph(journey), journey.start):
            message = (
                f"no way from start {journey.start!r} leads to the end: every case would stay "
                "open for ever, expected a step without next or outcomes, or an outcome end, "
                "that a case can get to"
            )
            found.append(((*base, "start"), message))
        for group in traps(journey):
            if not any(_passes_time(scenario, journey_name, name) for name in group):
                found.append(((*base, "steps", group[0]), _spinning(group)))
    found.extend(_aged_elsewhere(scenario, ()))
    found.extend(_case_counts(scenario))
    found.extend(_repairs_never_hold(scenario, instant=True))
    return found


def _case_counts(scenario: Scenario) -> Found:
    """Streams expected to bring less than one case over the horizon, and a scenario
    expecting more cases a replication than its `max_cases`."""
    found: Found = []
    several = scenario.customers.streams is not None
    expected = 0.0
    for name, stream in scenario.customers.stream_specs().items():
        path: Path = (
            ("customers", "streams", name, "arrivals") if several else ("customers", "arrivals")
        )
        arrivals = stream.arrivals
        rate = mean_rate(arrivals)
        cases = float(arrivals.cohort) if isinstance(arrivals, CohortArrivals) else math.nan
        if rate is not None:
            cases = rate * scenario.horizon
            if cases < 1:
                over = format_duration(scenario.horizon)
                message = (
                    f"{_figure(rate * 1440)} arrivals a day over {over} is {_figure(cases)} "
                    "cases: most replications would have none, expected a rate that brings "
                    "at least one case over the horizon"
                )
                found.append((path, message))
        if not math.isnan(cases):
            expected += cases
    if expected > scenario.max_cases:
        message = (
            f"{_figure(expected)} cases expected a replication (arrivals over "
            f"{format_duration(scenario.horizon)}) is more than max_cases "
            f"({scenario.max_cases:,}): the run would take days and eat the machine's memory, "
            "expected fewer arrivals, a shorter horizon, or a larger max_cases"
        )
        found.append((("customers",), message))
    return found


def _figure(value: float) -> str:
    """A count or rate for a message: plain when it reads well, else in powers of ten."""
    return f"{value:,.0f}" if 1 <= value < 1e9 else f"{value:.3g}"


def _repairs_never_hold(scenario: Scenario, instant: bool) -> Found:
    """`fail_fix` failures that always happen: every repair fails again, without end.

    With `instant`, those where no time passes (the problem comes back at once, at a step
    that takes no time): the run would never finish. Otherwise those where time passes:
    the cases stay open until the run stops.
    """
    found: Found = []
    for index, failure in enumerate(scenario.failures):
        effect = failure.effect
        if not isinstance(effect, FailFixEffect) or failure.probability < 1:
            continue
        steps = [
            (journey_name, step_name)
            for journey_name, journey in scenario.journeys.items()
            for step_name, step in journey.steps.items()
            if _applies(failure, journey_name, step_name, getattr(step, "team", None))
        ]
        at_once = mean_of(effect.fail_fix.after) == 0 and any(
            not _passes_time(scenario, journey_name, step_name) for journey_name, step_name in steps
        )
        if steps and at_once == instant:
            what = (
                "opens another one at once, for ever, and the run would never finish"
                if instant
                else "opens another one: the cases stay open until the run stops"
            )
            message = (
                f"a fail_fix with probability 1 never lets a repair hold: every case passing "
                f"the step {what}, expected a probability below 1"
            )
            found.append((("failures", index, "probability"), message))
    return found


def _aged_elsewhere(value: Any, path: Path) -> Found:
    """Durations drawn `by_age` anywhere but a wait step's duration: only a wait knows the age."""
    if isinstance(value, Empirical):
        if value.empirical.by_age is None:
            return []
        message = (
            "by_age: only a wait step's duration can depend on the case's age, expected "
            "by_age in the duration of a step of type wait"
        )
        return [((*path, "empirical", "by_age"), message)]
    if isinstance(value, BaseModel):
        names = [
            n
            for n in type(value).model_fields
            if not (isinstance(value, WaitStep) and n == "duration")
        ]
        items: Any = ((name, getattr(value, name)) for name in names)
    elif isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return []
    return [found for key, item in items for found in _aged_elsewhere(item, (*path, key))]


def sense_warnings(scenario: Scenario) -> Found:
    """What is probably wrong in `scenario`, each with the path of the value at fault."""
    found: Found = []
    for journey_name, journey in scenario.journeys.items():
        base: Path = ("journeys", journey_name)
        if END in reach(graph(journey), journey.start):  # else it is an error already
            for group in traps(journey):
                if any(_passes_time(scenario, journey_name, name) for name in group):
                    message = (
                        f"no way from {_steps(group)} leads to the end: a case that gets there "
                        "stays open until the run stops, expected a way out (a step without "
                        "next or outcomes, or an outcome end)"
                    )
                    found.append(((*base, "steps", group[0]), message))
        for step_name, step in journey.steps.items():
            window, team = getattr(step, "window", None), getattr(step, "team", None)
            longest = _longest_span(scenario, team)
            if window is not None and longest is not None and window > longest[0]:
                span, calendar = longest
                message = (
                    f"a window of {format_duration(window)} is longer than team "
                    f"{team!r} is ever open at a stretch ({format_duration(span)}, "
                    f"calendar {calendar!r}): part of every window lies outside its hours, "
                    f"expected a window of at most {format_duration(span)}"
                )
                found.append(((*base, "steps", step_name, "window"), message))
    found.extend(_repairs_never_hold(scenario, instant=False))
    for load in workloads(scenario):
        if load.ratio >= OVERLOAD:
            found.append((("teams", load.team, "size"), _overloaded(scenario, load)))
    return found


def _steps(group: list[str]) -> str:
    names = [repr(name) for name in group]
    if len(names) == 1:
        return f"step {names[0]}"
    return "steps " + ", ".join(names[:-1]) + " and " + names[-1]


def _spinning(group: list[str]) -> str:
    way_out = "expected a way out to the end, or a step that takes time"
    if len(group) == 1:
        return (
            f"step {group[0]!r} loops on itself with no way to the end and takes no time: a case "
            f"there would loop for ever and the run never finish, {way_out}"
        )
    return (
        f"{_steps(group)} loop with no way to the end and take no time: a case there would "
        f"loop for ever and the run never finish, {way_out}"
    )


def _is_distribution(field: FieldInfo, value: Any) -> bool:
    if isinstance(value, tuple(DISTRIBUTIONS.values())):
        return True
    tags = (getattr(meta, "custom_error_type", None) for meta in field.metadata)
    return "distribution" in tags


def _passes_time(scenario: Scenario, journey_name: str, step_name: str) -> bool:
    """Whether time can pass at the step: some duration of it not 0, travel, a booking,
    or a failure there that delays or stalls the case."""
    step: Step = scenario.journeys[journey_name].steps[step_name]
    fields = type(step).model_fields
    for name, field in fields.items():
        value = getattr(step, name)
        if value is not None and _is_distribution(field, value) and mean_of(value) > 0:
            return True
    kind = getattr(step, "type", None)
    team = scenario.teams.get(getattr(step, "team", None) or "")
    travel = team.travel if team is not None and kind in TRAVELLING else None
    if (travel is not None and mean_of(travel) > 0) or kind in BOOKING:
        return True
    return any(
        _applies(failure, journey_name, step_name, getattr(step, "team", None))
        and failure.probability > 0
        and _delays(failure)
        for failure in scenario.failures
    )


def _applies(failure: Failure, journey: str, step: str, team: str | None) -> bool:
    return (
        (failure.at is None or failure.at == step)
        and (failure.journey is None or failure.journey == journey)
        and (failure.team is None or failure.team == team)
    )


def _delays(failure: Failure) -> bool:
    effect = failure.effect
    if isinstance(effect, str):
        return effect in STALLING
    if isinstance(effect, DelayEffect):
        return mean_of(effect.delay) > 0
    return isinstance(effect, DropEffect)


def _longest_span(scenario: Scenario, team: str | None) -> tuple[float, str] | None:
    """The longest stretch the team's calendar is open, and the calendar's name."""
    spec = scenario.teams.get(team or "")
    if spec is None or spec.calendar is None or spec.calendar not in scenario.calendars:
        return None
    spans = week_intervals(scenario.calendars[spec.calendar])
    return max(end - start for start, end in spans), spec.calendar


def _people(value: float) -> str:
    return f"{value:.2f}" if value < 1 else f"{value:.1f}".removesuffix(".0")


def _overloaded(scenario: Scenario, load: Workload) -> str:
    spec = scenario.teams[load.team]
    duty, detail = f"{_people(load.on_duty)} on duty", ""
    if spec.calendar is not None:
        share = load.on_duty / spec.size if spec.size else 0.0
        duty += " on average"
        detail = f"; size {spec.size}, open {share * 100:.0f} % of the week"
    return (
        f"offered load {_people(load.offered)} people of work for {duty} "
        f"({load.ratio * 100:.0f} %{detail}): queues will grow without end, expected at most "
        "as much work as people on duty (from routing alone: follow-ups and failures add work, "
        "customers who give up take some away)"
    )
