"""Discovering teams from a log: who does which activity, how many people, and when.

An activity belongs to the team the log names most often for it; without teams,
activities that share resources form one team (connected through the people who do
them); without resources, each activity has its own team. A team's size is the most
distinct resources seen working in one calendar week, or, without resources, the most
activity instances of the team in progress at once (a lower bound: everyone may never
have been busy together). Its calendar keeps, per weekday, the hours from the first to
the last in which work began at least `OPEN_SHARE` as often as in the team's busiest
hour of the week; a team busy on every hour of every day is always open.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from cxsim.fit.arrivals import hour_of_week
from cxsim.scenario.weekly import DAYS, HOURS_PER_WEEK

OPEN_SHARE = 0.05
"""An hour of the week is open when work began in it this often, relative to the busiest."""


@dataclass(frozen=True, slots=True)
class Work:
    """One activity instance as teams see it: when its work ran, and who did it."""

    activity: str
    start: datetime
    end: datetime
    resource: str | None
    team: str | None


@dataclass
class TeamFit:
    """A team found in the log."""

    name: str
    activities: list[str]
    size: int
    sized_by: str
    """How the size was found, for the header comment."""
    calendar: dict[str, str] | None
    """Opening hours by day as the language writes them; None: always open."""
    label: str = ""
    """The log's own name of the team, when it has one."""
    found_from: str = ""
    """What the team was found from: teams named in the log, shared resources…"""


def discover_teams(works: list[Work]) -> list[TeamFit]:
    """The teams doing `works`, each with its activities, size and calendar."""
    groups, by = _groups(works)
    teams = []
    for label, activities in groups.items():
        mine = [w for w in works if w.activity in activities]
        resources = [w for w in mine if w.resource is not None]
        if resources:
            size = _most_per_week(resources)
            sized_by = "most distinct resources working in one week"
        else:
            size = _most_at_once(mine)
            sized_by = "most instances in progress at once"
        ordered = sorted(activities, key=lambda a: -sum(w.activity == a for w in mine))
        teams.append(TeamFit(label, ordered, max(size, 1), sized_by, _calendar(mine), label, by))
    return teams


def _groups(works: list[Work]) -> tuple[dict[str, set[str]], str]:
    """Activities by team, and what the teams were found from."""
    if any(w.team for w in works):
        named: dict[str, Counter[str]] = defaultdict(Counter)
        for work in works:
            named[work.activity][work.team or ""] += 1
        groups: dict[str, set[str]] = defaultdict(set)
        for activity, teams in named.items():
            team = next((t for t, _ in teams.most_common() if t), activity)
            groups[team].add(activity)
        return dict(groups), "teams named in the log"
    if any(w.resource for w in works):
        return _shared_resources(works), "activities sharing resources"
    return {w.activity: {w.activity} for w in works}, "one team per activity"


def _shared_resources(works: list[Work]) -> dict[str, set[str]]:
    """Activities joined when one resource does both (union-find over activities)."""
    parent: dict[str, str] = {w.activity: w.activity for w in works}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    first_of: dict[str, str] = {}
    for work in works:
        if work.resource is None:
            continue
        other = first_of.setdefault(work.resource, work.activity)
        parent[root(work.activity)] = root(other)
    members: dict[str, set[str]] = defaultdict(set)
    for activity in parent:
        members[root(activity)].add(activity)
    counts = Counter(w.activity for w in works)
    # a team is named after its busiest activity, the one a designer recognizes it by
    return {max(group, key=lambda a: (counts[a], a)): group for group in members.values()}


def _most_per_week(works: list[Work]) -> int:
    weeks: dict[tuple[int, int], set[str]] = defaultdict(set)
    for work in works:
        year, week, _ = work.start.isocalendar()
        weeks[(year, week)].add(work.resource or "")
    return max(len(people) for people in weeks.values())


def _most_at_once(works: list[Work]) -> int:
    # ends before starts at the same moment: back-to-back work is not concurrent
    moments = sorted(
        [(w.start, 1) for w in works if w.end > w.start]
        + [(w.end, -1) for w in works if w.end > w.start]
    )
    busy = most = 0
    for _, step in moments:
        busy += step
        most = max(most, busy)
    return most


def _calendar(works: list[Work]) -> dict[str, str] | None:
    began = Counter(hour_of_week(w.start) for w in works)
    busiest = max(began.values())
    open_hours = [began[h] >= OPEN_SHARE * busiest for h in range(HOURS_PER_WEEK)]
    if all(open_hours):
        return None
    calendar: dict[str, str] = {}
    for day, name in enumerate(DAYS):
        hours = [h for h in range(24) if open_hours[day * 24 + h]]
        if hours:
            calendar[name] = f"{hours[0]:02d}:00-{hours[-1] + 1:02d}:00"
    return _grouped_days(calendar)


def _grouped_days(calendar: dict[str, str]) -> dict[str, str]:
    """Consecutive days with the same hours written as one range: `{mon-fri: "08:00-17:00"}`."""
    grouped: dict[str, str] = {}
    run: list[str] = []
    for name in [*DAYS, ""]:
        if run and (name not in calendar or calendar[name] != calendar[run[0]]):
            key = run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}"
            grouped[key] = calendar[run[0]]
            run = []
        if name in calendar:
            run.append(name)
    return grouped
