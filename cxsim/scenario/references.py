"""Checks that need the whole scenario: names that point at teams, steps, calendars.

The models check each value on its own; here a validated scenario is checked for
dangling names and impossible combinations. Each problem comes with the path of the
value at fault, so the loader can point at its line.
"""

from __future__ import annotations

from cxsim.scenario.models import Scenario
from cxsim.scenario.problems import did_you_mean, one_of

Path = tuple[str | int, ...]

END = "end"
"""Outcome target that resolves the case."""


def _missing(kind: str, name: str, valid: list[str]) -> str:
    return (
        f"expected the name of a {kind} ({one_of(valid)}), got {name!r}{did_you_mean(name, valid)}"
    )


def check_references(scenario: Scenario) -> list[tuple[Path, str]]:
    """Every dangling name or impossible combination in `scenario`, with its path."""
    found: list[tuple[Path, str]] = []
    teams = list(scenario.teams)
    journeys = list(scenario.journeys)

    if scenario.warmup >= scenario.horizon:
        found.append((("warmup",), "expected a warm-up shorter than the horizon, got one as long"))

    for name, team in scenario.teams.items():
        if team.calendar is not None and team.calendar not in scenario.calendars:
            found.append(
                (
                    ("teams", name, "calendar"),
                    _missing("calendar", team.calendar, list(scenario.calendars)),
                )
            )
        if team.org is not None and team.org not in scenario.organizations:
            found.append(
                (
                    ("teams", name, "org"),
                    _missing("organization", team.org, list(scenario.organizations)),
                )
            )

    customers = scenario.customers
    if customers.journey not in scenario.journeys:
        found.append((("customers", "journey"), _missing("journey", customers.journey, journeys)))
    if customers.segments:
        total = sum(segment.share for segment in customers.segments)
        if abs(total - 1) > 1e-9:
            found.append(
                (
                    ("customers", "segments"),
                    f"expected shares adding up to 1, got a sum of {total:g}",
                )
            )
        seen: set[str] = set()
        for index, segment in enumerate(customers.segments):
            if segment.name in seen:
                found.append(
                    (
                        ("customers", "segments", index, "name"),
                        f"duplicate segment name {segment.name!r}",
                    )
                )
            seen.add(segment.name)

    for journey_name, journey in scenario.journeys.items():
        steps = list(journey.steps)
        base: Path = ("journeys", journey_name)
        if journey.start not in journey.steps:
            found.append(((*base, "start"), _missing("step", journey.start, steps)))
        for step_name, step in journey.steps.items():
            at: Path = (*base, "steps", step_name)
            if step.next is not None and step.next not in journey.steps:
                found.append(((*at, "next"), _missing("step", step.next, steps)))
            for target in step.outcomes or {}:
                if target != END and target not in journey.steps:
                    found.append(
                        ((*at, "outcomes", target), _missing("step", target, [*steps, END]))
                    )
            team_name = getattr(step, "team", None)
            if team_name is None:
                continue
            if team_name not in scenario.teams:
                found.append(((*at, "team"), _missing("team", team_name, teams)))
                continue
            channel = getattr(step, "channel", None)
            team = scenario.teams[team_name]
            if step.type in ("contact", "transfer") and not team.channels:
                message = (
                    f"expected a team that answers a channel, got back-office team {team_name!r}"
                )
                found.append(((*at, "team"), message))
            elif channel is not None and channel not in team.channels:
                found.append(
                    (
                        (*at, "channel"),
                        f"expected a channel team {team_name!r} answers ({one_of(team.channels)}), "
                        f"got {channel!r}",
                    )
                )
    return found
