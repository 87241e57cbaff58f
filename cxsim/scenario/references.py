"""Checks that need the whole scenario: names that point at teams, steps, calendars.

The models check each value on its own; here the scenario is checked for dangling
names and impossible combinations. The checks read the plain data (as read from YAML,
overrides applied) defensively, so they run even when some values fail validation and
a designer sees every problem at once. Each problem comes with the path of the value at
fault, so the loader can point at its line.
"""

from __future__ import annotations

from typing import Any

from cxsim.scenario.problems import did_you_mean, one_of
from cxsim.scenario.units import parse_duration

Path = tuple[str | int, ...]

END = "end"
"""Outcome target that resolves the case."""


def _missing(kind: str, name: Any, valid: list[str]) -> str:
    hint = did_you_mean(str(name), valid)
    return f"expected the name of a {kind} ({one_of(valid)}), got {name!r}{hint}"


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _duration(value: Any) -> float | None:
    try:
        return parse_duration(value)
    except ValueError:
        return None


def check_references(data: dict[str, Any]) -> list[tuple[Path, str]]:
    """Every dangling name or impossible combination in scenario `data`, with its path."""
    found: list[tuple[Path, str]] = []
    teams = _mapping(data.get("teams"))
    calendars = list(_mapping(data.get("calendars")))
    organizations = list(_mapping(data.get("organizations")))
    journeys = _mapping(data.get("journeys"))

    warmup, horizon = _duration(data.get("warmup", 0)), _duration(data.get("horizon"))
    if warmup is not None and horizon is not None and warmup >= horizon:
        found.append((("warmup",), "expected a warm-up shorter than the horizon, got one as long"))

    for name, team in teams.items():
        team = _mapping(team)
        calendar, org = team.get("calendar"), team.get("org")
        if isinstance(calendar, str) and calendar not in calendars:
            found.append((("teams", name, "calendar"), _missing("calendar", calendar, calendars)))
        if isinstance(org, str) and org not in organizations:
            found.append((("teams", name, "org"), _missing("organization", org, organizations)))
        powers = team.get("powers")
        if isinstance(powers, list):
            steps = sorted({step for spec in journeys.values() for step in _steps(spec)})
            for index, step in enumerate(powers):
                if isinstance(step, str) and step not in steps:
                    path: Path = ("teams", name, "powers", index)
                    found.append((path, _missing("step", step, steps)))
        found.extend(_overflow_problems(name, team, teams))

    customers = _mapping(data.get("customers"))
    journey = customers.get("journey")
    if isinstance(journey, str) and journey not in journeys:
        found.append((("customers", "journey"), _missing("journey", journey, list(journeys))))
    found.extend(_segment_problems(customers.get("segments")))

    for journey_name, spec in journeys.items():
        found.extend(_journey_problems(journey_name, _mapping(spec), teams))
    failures = data.get("failures")
    for index, failure in enumerate(failures if isinstance(failures, list) else []):
        found.extend(_failure_problems(index, _mapping(failure), teams, journeys))
    segments = customers.get("segments")
    segment_names = [
        str(_mapping(seg).get("name")) for seg in (segments if isinstance(segments, list) else [])
    ] or ["default"]
    for index, failure in enumerate(failures if isinstance(failures, list) else []):
        down = _mapping(_mapping(_mapping(failure).get("effect")).get("channel_down"))
        segment = down.get("segment")
        if isinstance(segment, str) and segment not in segment_names:
            path = ("failures", index, "effect", "channel_down", "segment")
            found.append((path, _missing("segment", segment, segment_names)))
    watchdog = _mapping(_mapping(data.get("policies")).get("watchdog"))
    if isinstance(watchdog.get("team"), str) and watchdog["team"] not in teams:
        path: Path = ("policies", "watchdog", "team")
        found.append((path, _missing("team", watchdog["team"], list(teams))))
    return found


def _overflow_problems(
    name: str, team: dict[str, Any], teams: dict[str, Any]
) -> list[tuple[Path, str]]:
    overflow = team.get("overflow")
    if not isinstance(overflow, dict):
        return []
    at: Path = ("teams", name, "overflow")
    own = team.get("channels") or []
    if not own:
        message = "expected overflow on a team that answers a channel, got back-office team "
        return [(at, message + repr(name))]
    target = overflow.get("team")
    if not isinstance(target, str):
        return []
    if target == name:
        return [((*at, "team"), f"expected another team than {name!r} itself, got {target!r}")]
    if target not in teams:
        return [((*at, "team"), _missing("team", target, [t for t in teams if t != name]))]
    channels = _mapping(teams[target]).get("channels") or []
    if not channels:
        message = f"expected a team that answers a channel, got back-office team {target!r}"
        return [((*at, "team"), message)]
    if (
        isinstance(own, list)
        and isinstance(channels, list)
        and not _strings(own) & _strings(channels)
    ):
        message = (
            f"expected a team that answers a channel team {name!r} answers ({one_of(own)}), "
            f"got {target!r}, which answers {one_of(channels)}"
        )
        return [((*at, "team"), message)]
    return []


def _strings(values: list[Any]) -> set[str]:
    return {value for value in values if isinstance(value, str)}


def _failure_problems(
    index: int, failure: dict[str, Any], teams: dict[str, Any], journeys: dict[str, Any]
) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    at: Path = ("failures", index)
    journey, team, step = failure.get("journey"), failure.get("team"), failure.get("at")
    if isinstance(journey, str) and journey not in journeys:
        found.append(((*at, "journey"), _missing("journey", journey, list(journeys))))
    if isinstance(team, str) and team not in teams:
        found.append(((*at, "team"), _missing("team", team, list(teams))))
    if isinstance(step, str):
        where = [journeys[journey]] if journey in journeys else list(journeys.values())
        steps = [name for spec in where for name in _mapping(_mapping(spec).get("steps"))]
        if step not in steps:
            found.append(((*at, "at"), _missing("step", step, steps)))
    spawn = _mapping(_mapping(failure.get("effect")).get("spawn"))
    target = spawn.get("journey")
    if isinstance(target, str) and target not in journeys:
        path: Path = (*at, "effect", "spawn", "journey")
        found.append((path, _missing("journey", target, list(journeys))))
    return found


def _steps(journey: Any) -> dict[str, Any]:
    return _mapping(_mapping(journey).get("steps"))


def _segment_problems(segments: Any) -> list[tuple[Path, str]]:
    if not isinstance(segments, list) or not segments:
        return []
    found: list[tuple[Path, str]] = []
    shares = [s.get("share") for s in segments if isinstance(s, dict)]
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in shares):
        total = sum(shares)
        if abs(total - 1) > 1e-9:
            message = f"expected shares adding up to 1, got a sum of {total:g}"
            found.append((("customers", "segments"), message))
    seen: set[str] = set()
    for index, segment in enumerate(segments):
        name = _mapping(segment).get("name")
        if isinstance(name, str):
            if name in seen:
                found.append(
                    (("customers", "segments", index, "name"), f"duplicate segment name {name!r}")
                )
            seen.add(name)
    return found


def _journey_problems(
    journey_name: str, journey: dict[str, Any], teams: dict[str, Any]
) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    steps = _mapping(journey.get("steps"))
    step_names = list(steps)
    base: Path = ("journeys", journey_name)
    start = journey.get("start")
    if isinstance(start, str) and start not in steps:
        found.append(((*base, "start"), _missing("step", start, step_names)))
    provided = {
        condition
        for step in steps.values()
        for condition in (_mapping(step).get("provides") or [])
        if isinstance(condition, str)
    }
    for step_name, step in steps.items():
        step = _mapping(step)
        at: Path = (*base, "steps", step_name)
        requires = step.get("requires")
        for index, condition in enumerate(requires if isinstance(requires, list) else []):
            if isinstance(condition, str) and condition not in provided:
                message = _missing(
                    "condition a step of the journey provides", condition, sorted(provided)
                )
                found.append(((*at, "requires", index), message))
        target = step.get("next")
        if isinstance(target, str) and target not in steps:
            found.append(((*at, "next"), _missing("step", target, step_names)))
        for target in _mapping(step.get("outcomes")):
            if target != END and target not in steps:
                message = _missing("step", target, [*step_names, END])
                found.append(((*at, "outcomes", target), message))
        team_name = step.get("team")
        if not isinstance(team_name, str):
            continue
        if team_name not in teams:
            found.append(((*at, "team"), _missing("team", team_name, list(teams))))
            continue
        channels = _mapping(teams[team_name]).get("channels") or []
        channel = step.get("channel")
        if step.get("type") in ("contact", "transfer") and not channels:
            message = f"expected a team that answers a channel, got back-office team {team_name!r}"
            found.append(((*at, "team"), message))
        elif isinstance(channel, str) and isinstance(channels, list) and channel not in channels:
            answers = one_of(channels)
            message = f"expected a channel team {team_name!r} answers ({answers}), got {channel!r}"
            found.append(((*at, "channel"), message))
    return found
