"""Checks that need the whole scenario: names that point at teams, steps, calendars.

The models check each value on its own; here the scenario is checked for dangling
names and impossible combinations. The checks read the plain data (as read from YAML,
overrides applied) defensively, so they run even when some values fail validation and
a designer sees every problem at once. Each problem comes with the path of the value at
fault, so the loader can point at its line.
"""

from __future__ import annotations

from typing import Any

from cxsim.scenario.models import NOBODY
from cxsim.scenario.problems import did_you_mean, one_of
from cxsim.scenario.units import parse_duration
from cxsim.scenario.weekly import HOLIDAYS

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

    if data.get("start") is None:
        for name, calendar in _mapping(data.get("calendars")).items():
            if HOLIDAYS in _mapping(calendar):
                message = (
                    "expected a scenario start date (start: 2026-12-01) to place them on, got none"
                )
                found.append((("calendars", name, HOLIDAYS), message))

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
    found.extend(_segment_problems(("customers", "segments"), customers.get("segments")))
    for name, stream in _mapping(customers.get("streams")).items():
        stream = _mapping(stream)
        at: Path = ("customers", "streams", name)
        journey = stream.get("journey")
        if isinstance(journey, str) and journey not in journeys:
            found.append(((*at, "journey"), _missing("journey", journey, list(journeys))))
        found.extend(_segment_problems((*at, "segments"), stream.get("segments")))

    for journey_name, spec in journeys.items():
        found.extend(_journey_problems(journey_name, _mapping(spec), teams))
        found.extend(_wait_problems(journey_name, _mapping(spec), [*teams, *organizations]))
    failures = data.get("failures")
    for index, failure in enumerate(failures if isinstance(failures, list) else []):
        found.extend(_failure_problems(index, _mapping(failure), teams, journeys))
    found.extend(_group_problems(failures if isinstance(failures, list) else []))
    segment_names = sorted(_segment_names(customers)) or ["default"]
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


def _wait_problems(
    journey_name: str, journey: dict[str, Any], holders: list[str]
) -> list[tuple[Path, str]]:
    """A wait's owner must be a team, an organization or nobody."""
    found: list[tuple[Path, str]] = []
    for step_name, step in _steps(journey).items():
        step = _mapping(step)
        owner = step.get("owner")
        if step.get("type") != "wait" or not isinstance(owner, str):
            continue
        if owner != NOBODY and owner not in holders:
            path: Path = ("journeys", journey_name, "steps", step_name, "owner")
            valid = [*holders, NOBODY]
            message = f"expected a team, an organization or nobody ({one_of(valid)}), "
            found.append((path, f"{message}got {owner!r}{did_you_mean(owner, valid)}"))
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


def _strings(values: Any) -> set[str]:
    """The strings of a list; none of what is not a list (a wrong type, told elsewhere)."""
    return (
        {value for value in values if isinstance(value, str)} if isinstance(values, list) else set()
    )


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
    named: list[tuple[Path, Any]] = [((*at, "at"), step)]
    if isinstance(step, list):
        named = [((*at, "at", k), name) for k, name in enumerate(step)]
    known = isinstance(journey, str) and journey in journeys
    where = [journeys[journey]] if known else list(journeys.values())
    steps = [name for spec in where for name in _mapping(_mapping(spec).get("steps"))]
    for path, name in named:
        if isinstance(name, str) and name not in steps:
            found.append((path, _missing("step", name, steps)))
    spawn = _mapping(_mapping(failure.get("effect")).get("spawn"))
    target = spawn.get("journey")
    if isinstance(target, str) and target not in journeys:
        path: Path = (*at, "effect", "spawn", "journey")
        found.append((path, _missing("journey", target, list(journeys))))
    return found


def _group_problems(failures: list[Any]) -> list[tuple[Path, str]]:
    """Duplicate failure names, and groups whose failures cannot exclude each other.

    A failure is addressed by its name (`--set failures.NAME.probability=0`), so names
    are unique. The failures of a group share one draw per attempt of a step and split
    [0, 1) in the order listed, so their probabilities add up to at most 1.
    """
    found: list[tuple[Path, str]] = []
    seen: set[str] = set()
    groups: dict[str, list[int]] = {}
    for index, failure in enumerate(failures):
        failure = _mapping(failure)
        name, group = failure.get("name"), failure.get("group")
        if isinstance(name, str):
            if name in seen:
                found.append((("failures", index, "name"), f"duplicate failure name {name!r}"))
            seen.add(name)
        if isinstance(group, str):
            groups.setdefault(group, []).append(index)
    for group, members in groups.items():
        specs = [_mapping(failures[index]) for index in members]
        first: Path = ("failures", members[0], "group")
        chances = [spec.get("probability") for spec in specs]
        if all(isinstance(c, int | float) and not isinstance(c, bool) for c in chances):
            total = sum(chances)
            if total > 1 + 1e-9:
                shares = ", ".join(
                    f"{s.get('name')} {c:g}" for s, c in zip(specs, chances, strict=True)
                )
                message = (
                    f"expected the probabilities of group {group!r} to add up to at most 1, "
                    f"got {total:g} ({shares})"
                )
                found.append((first, message))
    return found


def _steps(journey: Any) -> dict[str, Any]:
    return _mapping(_mapping(journey).get("steps"))


def _segment_names(customers: dict[str, Any]) -> set[str]:
    """Names of the segments of every stream (`default` where a stream names none)."""
    lists = [customers.get("segments")]
    lists += [_mapping(s).get("segments") for s in _mapping(customers.get("streams")).values()]
    names = {
        str(_mapping(segment).get("name"))
        for segments in lists
        for segment in (segments if isinstance(segments, list) else [])
    }
    return names


def _segment_problems(at: Path, segments: Any) -> list[tuple[Path, str]]:
    if not isinstance(segments, list) or not segments:
        return []
    found: list[tuple[Path, str]] = []
    shares = [s.get("share") for s in segments if isinstance(s, dict)]
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in shares):
        total = sum(shares)
        if abs(total - 1) > 1e-9:
            message = f"expected shares adding up to 1, got a sum of {total:g}"
            found.append((at, message))
    seen: set[str] = set()
    for index, segment in enumerate(segments):
        name = _mapping(segment).get("name")
        if isinstance(name, str):
            if name in seen:
                found.append(((*at, index, "name"), f"duplicate segment name {name!r}"))
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
        for condition in _strings(_mapping(step).get("provides"))
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
