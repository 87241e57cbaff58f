"""Assembling a fitted scenario: journey, arrivals, durations and teams, as commented YAML.

`fit_scenario(log, name, source)` runs the discoveries of this package on a log and
returns the scenario as data, the header comment saying what was fitted from what and
what is a guess to review, and a short summary for the command line. Durations come
from the log's start and end times where it has them (for at least half of an
activity's instances). Where it has only completions, the time since the case's
previous event is split in two, as documented in `split_gaps`: work (a `task` step of
the team) and waiting (a `wait` step the team holds, using none of its capacity).
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy import stats

from cxsim.fit.arrivals import ArrivalProfile, arrival_profile
from cxsim.fit.durations import Fitted, duration_text, fit_times
from cxsim.fit.journey import END, Routing, discover_routing, step_names
from cxsim.fit.log import Log
from cxsim.fit.teams import TeamFit, Work, discover_teams
from cxsim.output import atomic_write

WORK_QUANTILE = 0.25
"""Without start times: gaps up to this quantile of an activity's gaps are taken as work alone."""

MIN_AFTER = 30
"""Without start times: waits seen after one activity this often get a wait step of their own."""

MAX_WAITS = 20_000
"""Waits kept per wait step at most; more are sampled down (seeded)."""

WORK_AT_MOST = 480.0
"""Without start times: gaps longer than this (minutes, a working day) are never work alone."""

AGE_DEPENDENCE = 0.2
"""Without start times: waits this rank-correlated with the case's age are drawn by age."""

WaitKey = tuple[str | None, str]
"""(previous activity, activity) of a wait step; None: any previous activity without its own."""

REPLICATIONS = 5
"""A fitted scenario's replications: few, for a first look; raise them for decisions."""

ROUTER = "arrival"
"""Name of the routing step a journey starts with when cases begin with different activities."""


@dataclass
class Seen:
    """Waits as observed (minutes), each with the case's age when it began (minutes)."""

    waits: list[float]
    ages: list[float]

    @property
    def by_age(self) -> bool:
        """Whether the waits depend on the case's age, so are drawn `by_age`.

        So when there are `MIN_AFTER` of them or more and their Spearman rank correlation
        with the age is at least `AGE_DEPENDENCE` either way: a closure due a month after
        opening waits less the older the case.
        """
        if len(self.waits) < MIN_AFTER or np.ptp(self.ages) == 0 or np.ptp(self.waits) == 0:
            return False
        rho = stats.spearmanr(self.waits, self.ages).statistic
        return bool(abs(rho) >= AGE_DEPENDENCE)

    def sampled(self, most: int) -> Seen:
        """At most `most` of the waits, with their ages, sampled (seeded) when there are more."""
        if len(self.waits) <= most:
            return self
        kept = np.sort(np.random.default_rng(0).choice(len(self.waits), most, replace=False))
        return Seen([self.waits[i] for i in kept], [self.ages[i] for i in kept])


@dataclass
class Waits:
    """Without start times: the waiting before an activity's work, as observed.

    `after` holds the waits after each activity it often follows (at least `MIN_AFTER`
    times), `pooled` every wait; a case coming from any other activity draws from those.
    """

    pooled: Seen
    after: dict[str, Seen] = field(default_factory=dict)


@dataclass
class ActivityFit:
    """What was fitted for one activity."""

    step: str
    work: Fitted | None
    """None: no time could be measured (an activity seen only first, without start times)."""
    waits: Waits | None = None
    """Without start times: the waiting before the work."""
    measured: str = "end - start"
    waiting: bool = False
    """Nobody works on it (the log names no resource for it): a wait step."""


@dataclass
class FittedScenario:
    """A scenario fitted to a log: its data, the header comment and a summary."""

    data: dict[str, Any]
    notes: list[str]
    summary: list[str] = field(default_factory=list)
    steps: dict[str, str] = field(default_factory=dict)
    """The step each activity of the log became (`Take in charge` → `take_in_charge`)."""
    waits: dict[str, list[float]] = field(default_factory=dict)
    """The columns of the waits file: the observed waits (minutes) of each wait step, and
    for those drawn by age, the ages they were seen at (`<step> age`)."""
    waits_file: str = "waits.csv"
    """The waits file's name, beside the scenario, as the scenario refers to it."""

    def text(self) -> str:
        """The scenario file: the header comment, then the YAML."""
        header = "".join(f"# {line}".rstrip() + "\n" for line in self.notes)
        body = yaml.safe_dump(
            self.data, sort_keys=False, default_flow_style=None, width=100, allow_unicode=True
        )
        return header + body

    def waits_text(self) -> str:
        """The waits file: a column of minutes per wait step (and per age of those drawn by
        age), shorter columns left blank below."""
        rows = [list(self.waits)]
        longest = max((len(v) for v in self.waits.values()), default=0)
        for index in range(longest):
            rows.append([f"{v[index]:.6g}" if index < len(v) else "" for v in self.waits.values()])
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue()

    def write(self, path: Path) -> list[Path]:
        """Write the scenario to `path` and, when it has wait steps, the waits file beside it."""
        written = []
        if self.waits:
            table = path.parent / self.waits_file
            atomic_write(table, self.waits_text())
            written.append(table)
        atomic_write(path, self.text())
        return [path, *written]


def fit_scenario(log: Log, name: str, source: str, waits_file: str = "waits.csv") -> FittedScenario:
    """A scenario reproducing `log` (named `name`; `source` names the log in the header).

    Observed waits go in `waits_file`, which the scenario names relative to itself.
    """
    routing = discover_routing(log)
    steps = step_names(routing.activities, frozenset({END, ROUTER}))
    timed = {a for a in routing.activities if _has_starts(log, a)}
    gaps = _gaps(log)
    fits = {
        a: _activity_fit(
            steps[a],
            [x.end - x.start for x in log.activities if x.activity == a and x.start is not None],
            gaps.get(a, {}),
            a in timed,
        )
        for a in routing.activities
    }
    for activity in _waiting(log):
        fits[activity].waiting = True
    works = [w for w in _works(log, fits) if not fits[w.activity].waiting]
    teams = discover_teams(works)
    for team in teams:
        if not any(a in timed for a in team.activities):
            # without start times the gaps between events already hold the nights and
            # weekends the team was closed: a calendar would make cases wait for them twice
            team.calendar = None
    team_names = step_names([t.label for t in teams], frozenset())
    team_of = {a: team_names[t.label] for t in teams for a in t.activities}
    for activity, fit in fits.items():
        if fit.waiting:
            team_of[activity] = _holder(log, activity, team_names)
    profile = arrival_profile(log)
    waits = wait_steps(routing, fits)
    table = wait_table(fits, waits)
    journey = _journey(routing, fits, team_of, waits, waits_file, table)

    data: dict[str, Any] = {
        "name": name,
        "description": f"Fitted by cxsim fit from {source}: review the header comment.",
        "horizon": f"{profile.days}d",
        "start": profile.first_day.isoformat(),
        "replications": REPLICATIONS,
        "seed": 1,
    }
    calendars = {f"{team_names[t.label]}_hours": t.calendar for t in teams if t.calendar}
    if calendars:
        data["calendars"] = calendars
    data["teams"] = {
        team_names[t.label]: {"size": t.size}
        | ({"calendar": f"{team_names[t.label]}_hours"} if t.calendar else {})
        for t in teams
    }
    data["customers"] = {"arrivals": {"weekly": profile.weekly()}, "journey": "fitted"}
    data["journeys"] = {"fitted": journey}

    cases = sum(routing.starts.values())
    found = _Found(source, log, routing, fits, teams, team_names, profile, waits, table, waits_file)
    notes = _notes(found)
    summary = [
        f"{cases} cases, {len(log.activities)} activity instances, "
        f"{len(routing.activities)} activities, {len(teams)} teams, over {profile.days} days",
        f"durations: {len(timed)} from start and end times, "
        f"{len(routing.activities) - len(timed)} from the gaps between events",
        f"arrivals: {profile.cases / (profile.days / 7):.1f} cases a week on average",
    ]
    return FittedScenario(
        data,
        notes,
        summary,
        {a: steps[a] for a in routing.activities},
        table,
        waits_file,
    )


def _waiting(log: Log) -> set[str]:
    """Activities nobody works on: the log names resources, but never for them."""
    with_resource = {a.activity for a in log.activities if a.resource is not None}
    if not with_resource:
        return set()
    return {a.activity for a in log.activities} - with_resource


def _holder(log: Log, activity: str, team_names: dict[str, str]) -> str:
    """Who holds a case waiting in `activity`: the team the log names most, else nobody."""
    named = Counter(a.team for a in log.activities if a.activity == activity and a.team)
    found = [team_names[t] for t, _ in named.most_common() if t in team_names]
    return found[0] if found else "nobody"


def profile_times(log: Log) -> list[Any]:
    """When each activity instance began (its end when the log has no start)."""
    return [a.start or a.end for a in log.activities]


def _has_starts(log: Log, activity: str) -> bool:
    mine = [a for a in log.activities if a.activity == activity]
    return sum(a.start is not None for a in mine) * 2 >= len(mine)


def _gaps(log: Log) -> dict[str, dict[str, Seen]]:
    """Minutes from the case's previous event to each activity instance's end, with the
    case's age at that previous event: by activity, then by the previous event's activity."""
    gaps: dict[str, dict[str, Seen]] = defaultdict(lambda: defaultdict(lambda: Seen([], [])))
    for activities in log.cases().values():
        opened = activities[0].end
        for before, here in pairwise(activities):
            seen = gaps[here.activity][before.activity]
            seen.waits.append(_minutes(here.end - before.end))
            seen.ages.append(_minutes(before.end - opened))
    return gaps


def _minutes(span: timedelta) -> float:
    return span.total_seconds() / 60


def _activity_fit(
    step: str, spans: list[timedelta], gaps: Mapping[str, Seen], timed: bool
) -> ActivityFit:
    if timed:
        return ActivityFit(step, fit_times([_minutes(s) for s in spans]))
    work, waits = split_gaps(gaps)
    return ActivityFit(step, work, waits, "gaps between events")


def split_gaps(gaps: Mapping[str, Seen]) -> tuple[Fitted | None, Waits | None]:
    """Work and waiting of an activity known by its completions only.

    `gaps` holds the minutes from the case's previous event to the activity's end, by
    the previous event's activity. The shortest gaps are those where the case found
    someone free at once, so they are taken as work alone: the work time is fitted to
    the gaps up to their `WORK_QUANTILE` and no longer than `WORK_AT_MOST` (an activity
    whose gaps are all longer, a closure days later, is taken as waiting with the
    shortest of them as work). The rest of every gap (the gap less the mean work, when
    positive) is waiting before the work, kept as observed with the case's age when it
    began: the waits after each previous activity seen at least `MIN_AFTER` times, and
    all of them pooled. Waits are drawn from what was observed rather than fitted,
    because they mix quick replies, nights, weekends and deliberate delays that no one
    family fits. A guess to review: the fitted work is short, and the team's own queue
    adds waiting on top when the team is small.
    """
    values = np.concatenate([np.asarray(s.waits, dtype=float) for s in gaps.values()] or [[]])
    if not values.size:
        return None, None
    short = values[values <= min(np.quantile(values, WORK_QUANTILE), WORK_AT_MOST)]
    work = fit_times(short.tolist() if short.size else [float(values.min())])

    def waits(seen: Seen) -> Seen:
        return Seen(np.maximum(np.asarray(seen.waits) - work.mean, 0.0).tolist(), seen.ages)

    every = Seen(
        [w for s in gaps.values() for w in s.waits], [a for s in gaps.values() for a in s.ages]
    )
    pooled = waits(every)
    if not any(pooled.waits):
        return work, None
    after = {previous: waits(s) for previous, s in gaps.items() if len(s.waits) >= MIN_AFTER}
    return work, Waits(pooled, after if len(gaps) > 1 else {})


def _works(log: Log, fits: dict[str, ActivityFit]) -> list[Work]:
    """Each instance's work, its start taken back from its end by the mean work when unknown."""
    works = []
    for a in log.activities:
        start = a.start
        if start is None:
            fitted = fits[a.activity].work
            start = a.end - timedelta(minutes=fitted.mean if fitted else 0.0)
        works.append(Work(a.activity, start, a.end, a.resource, a.team))
    return works


def wait_steps(routing: Routing, fits: Mapping[str, ActivityFit]) -> dict[WaitKey, str]:
    """The wait step a case passes through on its way to an activity, by where it comes from.

    Keyed by (previous activity, activity): a previous activity of its own `Waits.after`,
    or None for the pooled waits every other previous activity shares.
    """
    labels: dict[WaitKey, str] = {}
    for activity in routing.activities:
        fit = fits[activity]
        if fit.waits is None:
            continue
        for previous in sorted(fit.waits.after, key=routing.activities.index):
            labels[(previous, activity)] = f"{fit.step} wait after {fits[previous].step}"
        comers = {p for p in routing.activities if activity in routing.follows.get(p, {})}
        if comers - fit.waits.after.keys():
            labels[(None, activity)] = f"{fit.step} wait"
    names = step_names(
        list(labels.values()), frozenset({END, ROUTER, *(f.step for f in fits.values())})
    )
    return {key: names[label] for key, label in labels.items()}


def wait_table(
    fits: Mapping[str, ActivityFit], waits: Mapping[WaitKey, str]
) -> dict[str, list[float]]:
    """The waits file's columns: each wait step's observed waits, in minutes (at most
    `MAX_WAITS`), and for those drawn by age the ages they were seen at (`<step> age`)."""
    table: dict[str, list[float]] = {}
    for (previous, activity), name in waits.items():
        observed = fits[activity].waits
        assert observed is not None
        seen = observed.pooled if previous is None else observed.after[previous]
        seen = seen.sampled(MAX_WAITS)
        table[name] = seen.waits
        if seen.by_age:
            table[age_column(name)] = seen.ages
    return table


def age_column(step: str) -> str:
    """The waits file's column of the ages at which a wait step's waits were seen."""
    return f"{step} age"


def neighbours(count: int) -> int:
    """How many waits, seen at the nearest ages, a draw by age picks from: √count, at least 10."""
    return max(10, round(math.sqrt(count)))


def _journey(
    routing: Routing,
    fits: dict[str, ActivityFit],
    team_of: dict[str, str],
    waits: Mapping[WaitKey, str],
    waits_file: str,
    table: Mapping[str, list[float]],
) -> dict[str, Any]:
    def entry(previous: str, activity: str) -> str:
        # a case reaches an activity with waiting through the wait step for where it comes from
        return waits.get((previous, activity)) or waits.get((None, activity)) or fits[activity].step

    starts = routing.start_shares()
    steps: dict[str, Any] = {}
    if len(starts) > 1:
        steps[ROUTER] = {
            "type": "wait",
            "owner": "nobody",
            "duration": 0,
            "outcomes": {fits[a].step: share for a, share in starts.items()},
        }
    for activity in routing.activities:
        fit = fits[activity]
        for (_, there), name in waits.items():
            if there == activity:
                drawn: dict[str, Any] = {"file": waits_file, "column": name}
                if age_column(name) in table:
                    drawn["by_age"] = age_column(name)
                    drawn["neighbours"] = neighbours(len(table[name]))
                steps[name] = {
                    "type": "wait",
                    "owner": team_of[activity],
                    "duration": {"empirical": drawn},
                    "next": fit.step,
                }
        step: dict[str, Any] = {
            "type": "wait" if fit.waiting else "task",
            ("owner" if fit.waiting else "team"): team_of[activity],
            "duration": fit.work.spec() if fit.work else 0,
        }
        shares = routing.shares(activity)
        if len(shares) > 1:
            step["outcomes"] = {
                (entry(activity, n) if n is not None else END): share for n, share in shares.items()
            }
        elif (only := next(iter(shares))) is not None:
            step["next"] = entry(activity, only)
        steps[fit.step] = step
    start = ROUTER if len(starts) > 1 else fits[next(iter(starts))].step
    return {"start": start, "steps": steps}


@dataclass(frozen=True)
class _Found:
    """What a fit found, for its header comment."""

    source: str
    log: Log
    routing: Routing
    fits: dict[str, ActivityFit]
    teams: list[TeamFit]
    team_names: dict[str, str]
    profile: ArrivalProfile
    waits: Mapping[WaitKey, str]
    table: dict[str, list[float]]
    waits_file: str


def _observed(minutes: list[float]) -> str:
    """`n=412, median 2.5h, mean 11h` for the header comment."""
    values = np.asarray(minutes)
    median, mean = float(np.median(values)), float(values.mean())
    return f"n={len(values)}, median {duration_text(median)}, mean {duration_text(mean)}"


def _notes(found: _Found) -> list[str]:
    log, routing, fits, teams, team_names, profile = (
        found.log,
        found.routing,
        found.fits,
        found.teams,
        found.team_names,
        found.profile,
    )
    source, waits, table, waits_file = found.source, found.waits, found.table, found.waits_file
    cases = sum(routing.starts.values())  # each case starts once
    first, last = min(profile_times(log)), max(a.end for a in log.activities)
    starts = routing.start_shares()
    begun = ", ".join(f"{fits[a].step} {share:.0%}" for a, share in starts.items())
    lines = [
        f"Fitted by `cxsim fit` from {source}: {cases} cases, {len(log.activities)} "
        f"activity instances of {len(routing.activities)} activities,",
        f"from {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}.",
        "",
        "What was fitted from what:",
        "- journey `fitted`: one step per activity (a task; a wait when the log names",
        "  nobody doing it); routing shares from the observed directly-follows transitions,",
        "  rework loops kept; cases begin with " + begun + ".",
        f"- arrivals: cases opened (their first event) per weekday and hour over {profile.days}",
        f"  days, as rates per hour ({profile.cases} cases).",
        "- durations, by maximum likelihood, the family chosen by AIC among exponential,",
        "  gamma, lognormal and uniform; KS statistic of the chosen one:",
    ]
    for activity in routing.activities:
        fit = fits[activity]
        work = fit.work.describe() if fit.work else "none measured: 0 (seen first only)"
        kind = ", a wait: no resource" if fit.waiting else ""
        lines.append(f"    {fit.step} ({fit.measured}{kind}): {work}")
        for (_, there), name in waits.items():
            if there == activity:
                drawn = "by age" if age_column(name) in table else "as observed"
                lines.append(f"    {name} (gap less the work, {drawn}): {_observed(table[name])}")
    lines.append(f"- teams, from {teams[0].found_from if teams else 'nothing'}:")
    for team in teams:
        hours = (
            "calendar from the hours work began"
            if team.calendar
            else "always open (no start times: the gaps between events hold the closed hours)"
            if all(fits[a].measured != "end - start" for a in team.activities)
            else "always open"
        )
        lines.append(
            f"    {team_names[team.label]}: {', '.join(fits[a].step for a in team.activities)}"
        )
        lines.append(f"      size {team.size}: {team.sized_by}; {hours}")
    lines += [
        "",
        "Guesses to review:",
        "- customers: no patience, follow-ups or giving up: a log does not show them.",
        "- routing is first order: where a case goes next depends on its step, not its path.",
        "- arrivals are when the log's first event happened, not when the customer asked;",
        "  cases queued before their first event arrive late here.",
        "- calendars are one span a day, from the first to the last hour work began in;",
        "  breaks and holidays are not found.",
    ]
    if any(f.waits is not None or f.work is None for f in fits.values()):
        lines += [
            "- without start times, work is fitted to the shortest quarter of the gaps between",
            "  events, and the rest of each gap is a wait step the team holds (no capacity),",
            f"  drawn from the waits observed (in {waits_file}): after each activity seen",
            f"  {MIN_AFTER} times or more before it, the waits that followed it; after any",
            "  other, all its waits. Waits are drawn independently of the case's other waits.",
        ]
    if len(starts) > 1:
        lines.append(f"- `{ROUTER}` is a routing step of no duration, not an activity.")
    lines.append("")
    return lines
