"""A closed case turned into event-log lines: one per start and end of each step's work.

Lines are made when a root case closes, for the root and each of its child cases in
turn (the root first, the children in the order they opened), each case's lines in the
order they happened. A step's work cut short when the customer gave up ends when the
case does; the work of a case still open at the end of the run has no end. Every line
gets the replication's next sequence number, which breaks ties between lines at the
same time and makes the order stable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cxsim.engine.activities import COMPLETE, START, Activity
from cxsim.engine.case import Case
from cxsim.scenario.models import Scenario
from cxsim.scenario.weekly import DEFAULT_START


@dataclass(slots=True)
class Line:
    """One event: a lifecycle transition of one step's work on one case."""

    case_id: str
    activity: str
    timestamp: str
    resource: str
    """The person who did the work (`team-seat`), or empty when nobody in particular."""
    team: str
    organization: str
    lifecycle: str
    stream: str
    segment: str
    replication: int
    sequence: int
    appointment: str | None = None
    """The appointment the work is about: its booking, or the visit it books."""
    technician: bool = False
    """Whether `resource` is a person of a field team (an object of the OCEL log)."""


@dataclass(slots=True)
class Appointment:
    """A visit booked on a case, with the window promised."""

    id: str
    team: str
    booked: str
    window_start: str


@dataclass(slots=True)
class CaseLog:
    """The lines of one case, with what the object-centric log says about the case."""

    case_id: str
    replication: int
    parent: str | None
    customer: str
    journey: str
    created: str
    outcome: str
    """`resolved`, `gave_up`, or `open` (still open when the run ended)."""
    ended: str
    """When the case ended; when it was created, for a case still open."""
    stream: str
    segment: str
    lines: list[Line] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)


class Context:
    """What turning the cases of one replication into lines needs, and its line counter."""

    def __init__(self, scenario: Scenario, replication: int) -> None:
        self.replication = replication
        self.start = datetime.combine(scenario.start or DEFAULT_START, datetime.min.time())
        self.streams = scenario.customers.stream_names()
        self.orgs = {name: spec.org or "" for name, spec in scenario.teams.items()}
        self.step_types = {
            (journey, step): step_spec.type
            for journey, spec in scenario.journeys.items()
            for step, step_spec in spec.steps.items()
        }
        self.sequence = 0
        self._last: tuple[float, str] = (-1.0, "")

    def timestamp(self, minutes: float) -> str:
        """ISO 8601 clock time of a simulated time, to the millisecond, without an offset."""
        last, text = self._last
        if minutes == last:  # one step's end is often the next one's start
            return text
        text = (self.start + timedelta(minutes=minutes)).isoformat(timespec="milliseconds")
        self._last = (minutes, text)
        return text

    def case_id(self, case: Case) -> str:
        """`R-LABEL`: the case's label in replication R, unique across replications."""
        return f"{self.replication}-{case.label}"


def case_logs(root: Case, context: Context) -> list[CaseLog]:
    """The logs of a closed root case and of each of its child cases, in that order."""
    return [_case_log(case, context) for case in (root, *root.children)]


def _case_log(case: Case, context: Context) -> CaseLog:
    case_id = context.case_id(case)
    root = case.parent or case
    log = CaseLog(
        case_id=case_id,
        replication=context.replication,
        parent=context.case_id(case.parent) if case.parent is not None else None,
        customer=f"{context.replication}-customer-{root.key}",
        journey=case.journey,
        created=context.timestamp(case.created),
        outcome=case.outcome or "open",
        ended=context.timestamp(case.ended_at if case.ended_at is not None else case.created),
        stream=context.streams[case.stream] if context.streams else "",
        segment=case.segment.name,
    )
    activities = list(case.activities or ())
    open_steps: dict[str, Activity] = {}
    for activity in activities:
        if activity.lifecycle == START:
            open_steps[activity.step] = activity
        else:
            open_steps.pop(activity.step, None)
    if case.ended_at is not None:  # work cut short when the customer gave up ends with the case
        for start in open_steps.values():
            activities.append(Activity(case.ended_at, start.step, COMPLETE, start.team, start.seat))
    appointment: str | None = None
    for activity in activities:
        if activity.window_start is not None:
            appointment = f"{case_id}-appointment-{len(log.appointments) + 1}"
            log.appointments.append(
                Appointment(
                    appointment,
                    activity.team or "",
                    context.timestamp(activity.time),
                    context.timestamp(activity.window_start),
                )
            )
        log.lines.append(_line(activity, log, case.journey, appointment, context))
    return log


def _line(
    activity: Activity, log: CaseLog, journey: str, appointment: str | None, context: Context
) -> Line:
    team = activity.team or ""
    if team in context.orgs:
        organization = context.orgs[team]
    else:  # a wait held by an organization, not by one of its teams
        team, organization = "", team
    kind = context.step_types.get((journey, activity.step))
    context.sequence += 1
    return Line(
        case_id=log.case_id,
        activity=activity.step,
        timestamp=context.timestamp(activity.time),
        resource=f"{team}-{activity.seat}" if activity.seat is not None else "",
        team=team,
        organization=organization,
        lifecycle=activity.lifecycle,
        stream=log.stream,
        segment=log.segment,
        replication=context.replication,
        sequence=context.sequence,
        appointment=appointment if kind in ("appointment", "field_visit") else None,
        technician=kind == "field_visit" and activity.seat is not None,
    )
