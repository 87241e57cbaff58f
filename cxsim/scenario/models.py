"""The pydantic models of a scenario: the one definition of what a YAML scenario may say.

Field types, defaults, constraints and descriptions live here and nowhere else;
`cxsim schema` prints them as JSON Schema. Checks that need the whole scenario (does a
step's team exist?) are in `references.py`.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    model_validator,
)

from cxsim.scenario.types import (
    Channel,
    Distribution,
    Duration,
    Model,
    Probability,
    Rate,
    check_probabilities,
    single_key,
)
from cxsim.scenario.weekly import (
    check_calendar,
    hourly_profile,
    parse_date,
    weekly_profile,
)

Name = Annotated[str, Field(min_length=1)]

# --- customers ---------------------------------------------------------------------------


class HourlyArrivals(Model):
    """Poisson arrivals whose rate depends on the hour of the day; unlisted hours have none."""

    hourly: dict[str, Rate] = Field(
        description='rates by hours of the day, e.g. {"8-12": 40/h, "12-18": 20/h}'
    )

    @model_validator(mode="after")
    def _hours(self) -> HourlyArrivals:
        if not any(hourly_profile(self.hourly)):
            raise ValueError("expected at least one hour with a positive rate, got none")
        return self

    def per_hour(self) -> list[float]:
        """The arrival rate per minute in each of the 24 hours of the day."""
        return hourly_profile(self.hourly)

    def per_week(self) -> list[float]:
        """The arrival rate per minute in each of the 168 hours of the week: every day alike."""
        return self.per_hour() * 7


class WeeklyArrivals(Model):
    """Poisson arrivals whose rate depends on the weekday and the hour; unlisted ones have none."""

    weekly: dict[str, dict[str, Rate]] = Field(
        description='rates by days and hours, days as calendars write them: {mon-fri: {"8-12": '
        '40/h, "12-18": 20/h}, sat: {"9-13": 10/h}}; a day may be given once'
    )

    @model_validator(mode="after")
    def _hours(self) -> WeeklyArrivals:
        if not any(weekly_profile(self.weekly)):
            raise ValueError("expected at least one hour with a positive rate, got none")
        return self

    def per_week(self) -> list[float]:
        """The arrival rate per minute in each of the 168 hours of the week, from Monday 00:00."""
        return weekly_profile(self.weekly)


class CohortArrivals(Model):
    """A fixed number of cases, all opened at time 0."""

    cohort: Annotated[int, Field(gt=0)]


def _arrivals_kind(value: Any) -> str | None:
    kinds = {"hourly": HourlyArrivals, "weekly": WeeklyArrivals, "cohort": CohortArrivals}
    return single_key(value, "rate", kinds)


Arrivals = Annotated[
    Annotated[Annotated[Rate, Field(gt=0)], Tag("rate")]
    | Annotated[HourlyArrivals, Tag("hourly")]
    | Annotated[WeeklyArrivals, Tag("weekly")]
    | Annotated[CohortArrivals, Tag("cohort")],
    Discriminator(
        _arrivals_kind,
        custom_error_type="arrivals",
        custom_error_message="expected a rate such as 9/min, {hourly: {...}}, {weekly: {...}} "
        "or {cohort: N}",
    ),
]


ChannelWeights = dict[Channel, Annotated[float, Field(ge=0)]]


class GiveUp(Model):
    """Only some customers walk away: `{after: 30d, probability: 0.1}`."""

    after: Annotated[Duration, Field(gt=0)] = Field(
        description="how long after the case opened the customer gives up on it"
    )
    probability: Probability = Field(
        description="share of customers who give up then; the others wait for the fix"
    )


def _give_up_kind(value: Any) -> str | None:
    return "partial" if isinstance(value, dict | GiveUp) else "bare"


GiveUpAfter = Annotated[
    Annotated[Annotated[Duration, Field(gt=0)], Tag("bare")] | Annotated[GiveUp, Tag("partial")],
    Discriminator(
        _give_up_kind,
        custom_error_type="give_up_after",
        custom_error_message="expected a duration such as 30d or {after: 30d, probability: 0.1}",
    ),
]


FOLLOW_UP_AT_LEAST = 1.0
"""Minutes a customer waits at the least before following up: sooner, a case whose team
answers follow-ups in no time would follow up without end while the clock barely moves."""


def _at_least_a_minute(minutes: float) -> float:
    if minutes < FOLLOW_UP_AT_LEAST:
        raise ValueError(f"expected at least 1 min between follow-ups, got {minutes:g} min")
    return minutes


class Behaviour(Model):
    """How customers behave while they wait; a segment's values override the customers' own."""

    patience: Distribution | None = Field(
        None, description="how long one waits in a queue before abandoning; none: forever"
    )
    channels: ChannelWeights | None = Field(
        None,
        description="preference weights of channels, for contacts whose channel is left open "
        "(follow-ups, steps without a channel)",
    )
    digital_comfort: Probability | None = Field(
        None,
        description="chance a customer uses digital channels at all (chat, email, social, sms, "
        "web, app, video); one who does not keeps to phone and in person (default 1)",
    )
    redial: Probability | None = Field(
        None, description="chance a customer who abandons a queue tries again (default 0)"
    )
    redial_after: Distribution | None = Field(
        None, description="how long before trying again after abandoning (default 10min)"
    )
    return_after: Distribution | None = Field(
        None,
        description="a customer who finds a real-time channel (phone, chat, video, in person) "
        "closed comes back this long after it opens (default {exponential: {mean: 30min}})",
    )
    switch_when_closed: Probability | None = Field(
        None,
        description="chance a customer who finds a real-time channel closed uses another "
        "instead: one they use that is open or takes messages (email, social, sms, web, app), "
        "answered by the same team (any team, for a follow-up); default 0",
    )
    follow_up_after: Annotated[Duration, AfterValidator(_at_least_a_minute)] | None = Field(
        None,
        description="contact again when nothing has happened for this long, or at once when a "
        "promise breaks unannounced; none: the customer only waits",
    )
    escalate_after: Annotated[int, Field(ge=1)] | None = Field(
        None,
        description="after this many fruitless follow-up contacts, go public: the next ones go "
        "to the social channel",
    )
    give_up_after: GiveUpAfter | None = Field(
        None,
        description="give up on a case not fixed this long after it opened (the case ends "
        "unresolved); {after, probability}: only that share of customers does",
    )
    priority: int | None = Field(
        None,
        description="place in every queue the customer's cases join (contacts, transfers, "
        "tasks, field work): higher is served first, equal first come first served; nobody "
        "is cut short for it (default 0)",
    )


BEHAVIOUR_FIELDS = tuple(Behaviour.model_fields)
"""What a segment inherits from `customers:` when it does not say."""


class Segment(Behaviour):
    """A group of customers who behave alike."""

    name: Name
    share: Probability = Field(description="fraction of arriving customers in this segment")


class Stream(Behaviour):
    """One kind of work (repairs, billing, moves): its own arrivals, journey and segments.

    Its behaviour falls back on what `customers:` says; its segments' on its own.
    """

    arrivals: Arrivals
    journey: Name = Field(description="journey every case of the stream starts in")
    segments: list[Segment] | None = Field(
        None, description="the stream's customer segments; none: those of customers:"
    )


DEFAULT_STREAM = "default"
"""Name of the one stream of a scenario whose `customers:` has no `streams:`."""


class Customers(Behaviour):
    """Who brings cases, how often, and into which journey; and how customers behave.

    Either one stream of work (`arrivals` and `journey` here) or several named ones
    (`streams`), sharing the teams; what is said here is every stream's default.
    """

    arrivals: Arrivals | None = None
    journey: Name | None = Field(None, description="journey every new case starts in")
    segments: list[Segment] = Field(default_factory=list)
    streams: Annotated[dict[str, Stream], Field(min_length=1)] | None = Field(
        None,
        description="several kinds of work, each with its own arrivals, journey and segments, "
        "measured overall and per stream (streams.NAME.METRIC)",
    )

    @model_validator(mode="after")
    def _one_form(self) -> Customers:
        if self.streams is not None:
            given = [k for k in ("arrivals", "journey") if getattr(self, k) is not None]
            if given:
                raise ValueError(
                    f"expected either streams or {' and '.join(given)}, got both: "
                    "give each stream its own arrivals and journey"
                )
        else:
            missing = [k for k in ("arrivals", "journey") if getattr(self, k) is None]
            if missing:
                raise ValueError(f"expected {' and '.join(missing)} (or several streams), got none")
        return self

    def stream_specs(self) -> dict[str, Stream]:
        """The streams of work: the named ones, or the one `customers:` describes."""
        if self.streams is not None:
            return self.streams
        assert self.arrivals is not None and self.journey is not None
        one = Stream.model_construct(arrivals=self.arrivals, journey=self.journey, segments=None)
        return {DEFAULT_STREAM: one}

    def stream_names(self) -> list[str]:
        """Names of the several streams of work; none for a scenario with one."""
        return list(self.streams or {})

    def segments_of(self, stream: Stream) -> list[Segment]:
        """The segments of `stream`: its own, else those of `customers:`, else one default."""
        specs = stream.segments if stream.segments is not None else self.segments
        return specs or [Segment(name="default", share=1.0)]

    def said(self, stream: Stream, segment: Segment, name: str) -> Any:
        """A behaviour field as a customer of `segment` in `stream` has it: the most
        specific of segment, stream and customers that says it."""
        for source in (segment, stream, self):
            value = getattr(source, name)
            if value is not None:
                return value
        return None


# --- organizations and teams -------------------------------------------------------------


class Organization(Model):
    """A company that teams belong to."""

    kind: Literal["operator", "subcontractor", "insurer", "assessor", "partner"] = "operator"


Calendar = Annotated[dict[str, str | list[str]], AfterValidator(check_calendar)]
"""Opening hours by day: `{mon-fri: "08:00-17:00", sat: "09:00-12:00"}`, and public
holidays, closed all day: `holidays: [2026-12-25, 2026-12-26]`."""

Date = Annotated[
    datetime.date,
    BeforeValidator(parse_date),
    WithJsonSchema({"type": "string", "format": "date", "description": "a date: 2026-12-25"}),
]
"""A calendar date, written `2026-12-25`."""


class Overflow(Model):
    """Where a team's waiting contacts may also be answered, and after how long."""

    team: Name = Field(description="team that may also answer them, on the channels it answers")
    after: Annotated[Duration, Field(ge=0)] = Field(
        description="how long a contact waits in the team's queue before it also joins the "
        "overflow team's; the first of the two teams with a free person answers it"
    )


class Team(Model):
    """A pool of people who serve channels and do steps."""

    size: Annotated[int, Field(ge=0)] = Field(description="people on duty while open")
    channels: list[Channel] = Field(
        default_factory=list, description="channels the team answers; none for back office"
    )
    calendar: Name | None = Field(None, description="name of a calendar; none: always open")
    service_level_target: Annotated[Duration, Field(gt=0)] = Field(
        1 / 3, description="answer within this to count toward service level (default 20s)"
    )
    org: Name | None = Field(None, description="organization the team belongs to")
    handle_time: Distribution = Field(
        5.0, description="time to handle a customer's follow-up contact (default 5min)"
    )
    keeps_context: bool = Field(
        True,
        description="whether the team's people see what earlier contacts with the team said; "
        "false: every contact reaches someone new who asks for the story again",
    )
    powers: list[Name] | Literal["all"] = Field(
        default_factory=list,
        description="steps the team can act on when a customer contact reaches it with the "
        "case stalled there: it revives the case (books again, chases, takes over)",
    )
    revive: Probability = Field(
        1.0, description="chance a contact about a stalled step within the team's powers revives it"
    )
    travel: Distribution | None = Field(None, description="field teams: travel time to each visit")
    visits_per_day: Annotated[int, Field(ge=1)] = Field(
        2, description="field teams: appointment slots per technician per day"
    )
    overflow: Overflow | None = Field(
        None,
        description="{team, after}: a contact (contact or transfer step, follow-up) that has "
        "waited `after` in this team's queue also joins `team`'s, on a channel it answers; the "
        "first of the two with a free person answers it; none: contacts wait for this team",
    )


# --- journeys and steps ------------------------------------------------------------------


class Step(Model):
    """What every step has: where the case goes next, and the conditions it needs or makes."""

    next: Name | None = Field(None, description="next step; none (and no outcomes) resolves")
    provides: list[Name] = Field(
        default_factory=list, description="conditions this step makes true when done"
    )
    requires: list[Name] = Field(
        default_factory=list,
        description="conditions that must hold; if one is missing the step's work is wasted "
        "and the case goes back to the step that provides it",
    )
    outcomes: Annotated[dict[str, Probability], AfterValidator(check_probabilities)] | None = Field(
        None, description="next step by probability; 'end' resolves the case"
    )
    promise: Annotated[Duration, Field(gt=0)] | None = Field(
        None,
        description="the customer is told the step will be done within this (a callback, an "
        "ETA, 'back on Monday'): a promise kept or broken",
    )

    @model_validator(mode="after")
    def _one_way_on(self) -> Step:
        if self.next is not None and self.outcomes is not None:
            raise ValueError("expected either next or outcomes, got both")
        return self


class ContactStep(Step):
    """The customer reaches a team on a channel, waits in its queue, and is served."""

    type: Literal["contact"]
    team: Name
    channel: Channel | None = Field(
        None, description="channel of the contact; none: the customer's preferred one"
    )
    handle_time: Distribution


class TaskStep(Step):
    """Back-office work by a team; the customer is not on the line."""

    type: Literal["task"]
    team: Name
    duration: Distribution


class TransferStep(Step):
    """The case moves to another team while the customer stays on the line."""

    type: Literal["transfer"]
    team: Name = Field(description="team the case is transferred to")
    mode: Literal["warm", "cold"] = Field(
        "cold", description="warm: the context travels; cold: the customer repeats the story"
    )
    handle_time: Distribution


class AppointmentStep(Step):
    """A visit of a field team is booked: the customer is promised a window."""

    type: Literal["appointment"]
    team: Name = Field(description="field team whose slots are booked")
    window: Annotated[Duration, Field(gt=0)] = Field(
        240.0, description="length of the promised window; windows start on multiples of it"
    )
    lead_time: Distribution = Field(0.0, description="earliest start of the window after booking")


class FieldVisitStep(Step):
    """A technician of the team travels to the customer and works on site."""

    type: Literal["field_visit"]
    team: Name
    duration: Distribution = Field(description="time on site")


NOBODY = "nobody"
"""The owner of a wait held by no one: the case is ownerless while it waits."""


class WaitStep(Step):
    """Time passes with no team's capacity used: a supplier's lead time, a permit, a cooling-off.

    Who holds the case meanwhile is stated, so ownership and orphans stay meaningful.
    """

    type: Literal["wait"]
    duration: Distribution = Field(description="how long the case waits")
    owner: Name = Field(
        description="who holds the case while it waits: a team (no capacity used, nothing "
        "offered or handled), an organization, or nobody (the case is let go: ownerless, it "
        "is orphaned when the wait outlasts orphan_after); a team wins over an organization "
        "of the same name"
    )


def _step_type(value: Any) -> str | None:
    if isinstance(value, dict):
        kind = value.get("type")
        return kind if isinstance(kind, str) else None
    return getattr(value, "type", None)


StepSpec = Annotated[
    Annotated[ContactStep, Tag("contact")]
    | Annotated[TaskStep, Tag("task")]
    | Annotated[TransferStep, Tag("transfer")]
    | Annotated[AppointmentStep, Tag("appointment")]
    | Annotated[FieldVisitStep, Tag("field_visit")]
    | Annotated[WaitStep, Tag("wait")],
    Discriminator(
        _step_type,
        custom_error_type="step_type",
        custom_error_message="expected a step with a type",
    ),
]

STEP_MODELS: dict[str, type[Step]] = {
    "contact": ContactStep,
    "task": TaskStep,
    "transfer": TransferStep,
    "appointment": AppointmentStep,
    "field_visit": FieldVisitStep,
    "wait": WaitStep,
}
"""Step models keyed by their YAML `type`."""


class Journey(Model):
    """A named graph of steps a case moves through."""

    start: Name = Field(description="first step")
    steps: Annotated[dict[str, StepSpec], Field(min_length=1)]


# --- failures and policies ---------------------------------------------------------------


class DelayEffect(Model):
    """The step starts late (a late technician, a slow sync)."""

    delay: Distribution


class DropParams(Model):
    after: Distribution = Field(0.0, description="how long the team holds the case before")


class DropEffect(Model):
    """The team holding the case goes silent: it lets go and nothing happens."""

    drop: DropParams


class SpawnParams(Model):
    journey: Name = Field(description="journey of the child case (the collateral damage)")
    reported: Probability = Field(
        1.0, description="probability the operator hears of it; unreported children have no owner"
    )
    after: Distribution = Field(0.0, description="when the child case opens, after the step")


class SpawnEffect(Model):
    """Collateral damage: the step opens a child case in another journey."""

    spawn: SpawnParams


class FailFixParams(Model):
    after: Distribution = Field(description="when the problem comes back")


class FailFixEffect(Model):
    """The repair does not hold: the problem comes back and the step must be done again."""

    fail_fix: FailFixParams


class ChannelDownParams(Model):
    channel: Channel = Field(description="the channel that fails")
    segment: Name | None = Field(None, description="only for this segment; none: any customer")
    lost: Duration = Field(10.0, description="customer's time lost on each try of the channel")


class ChannelDownEffect(Model):
    """A channel fails for some customers (a chat link on one browser): they use the next one.

    The failure's probability is the share of customers (of the segment) it hits.
    """

    channel_down: ChannelDownParams


BARE_EFFECTS = ("skip", "precondition_missing", "lose_context", "deny", "drop")
"""Effects written as a bare name: `effect: deny`."""


_EFFECT_MODELS: dict[str, type[Model]] = {
    "delay": DelayEffect,
    "drop": DropEffect,
    "spawn": SpawnEffect,
    "fail_fix": FailFixEffect,
    "channel_down": ChannelDownEffect,
}


def _effect_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    kind = single_key(value, "", _EFFECT_MODELS)
    return "drop_after" if kind == "drop" else kind


Effect = Annotated[
    Annotated[Literal["skip"], Tag("skip")]
    | Annotated[Literal["precondition_missing"], Tag("precondition_missing")]
    | Annotated[Literal["lose_context"], Tag("lose_context")]
    | Annotated[Literal["deny"], Tag("deny")]
    | Annotated[Literal["drop"], Tag("drop")]
    | Annotated[DelayEffect, Tag("delay")]
    | Annotated[DropEffect, Tag("drop_after")]
    | Annotated[SpawnEffect, Tag("spawn")]
    | Annotated[FailFixEffect, Tag("fail_fix")]
    | Annotated[ChannelDownEffect, Tag("channel_down")],
    Discriminator(
        _effect_tag, custom_error_type="effect", custom_error_message="expected an effect"
    ),
]
"""What a failure does, from a fixed vocabulary."""

EFFECT_NAMES = (
    "delay",
    "skip",
    "precondition_missing",
    "spawn",
    "drop",
    "lose_context",
    "deny",
    "fail_fix",
    "channel_down",
)


def _steps_kind(value: Any) -> str:
    return "step_list" if isinstance(value, list) else "one_step"


StepNames = Annotated[
    Annotated[Name, Tag("one_step")]
    | Annotated[Annotated[list[Name], Field(min_length=1)], Tag("step_list")],
    Discriminator(
        _steps_kind,
        custom_error_type="steps",
        custom_error_message="expected a step name or a list of step names",
    ),
]
"""One step, or a list of them: `at: install_visit`, `at: [install_visit, repair]`."""


class Failure(Model):
    """A named, probabilistic event on a step, a team or a journey."""

    name: Name = Field(
        description="unique; names the failure in the summary's counts, in traces, and in "
        "--set, --vary and compare paths (failures.NAME.probability)"
    )
    at: StepNames | None = Field(None, description="step, or list of steps, where it can happen")
    team: Name | None = Field(None, description="team whose steps it can happen on")
    journey: Name | None = Field(None, description="journey whose steps it can happen on")
    probability: Probability = Field(description="chance per attempt of a matching step")
    group: Name | None = Field(
        None,
        description="failures of one group exclude each other: on each attempt of a step one "
        "draw decides which of them, if any, happens, the failures taking shares of it as "
        "large as their probabilities in the order listed (adding up to at most 1)",
    )
    effect: Effect

    @property
    def steps(self) -> tuple[str, ...] | None:
        """The steps named by `at`; None when it names none (any step matches)."""
        if self.at is None:
            return None
        return (self.at,) if isinstance(self.at, str) else tuple(self.at)

    @model_validator(mode="after")
    def _somewhere(self) -> Failure:
        if isinstance(self.effect, ChannelDownEffect):
            if self.at is not None or self.team is not None or self.journey is not None:
                raise ValueError("expected no at, team or journey for channel_down, got one")
            if self.group is not None:
                raise ValueError(
                    "expected no group for channel_down (drawn per customer, not per step), got one"
                )
            return self
        if self.at is None and self.team is None and self.journey is None:
            raise ValueError("expected at least one of at, team or journey, got none")
        return self


class Watchdog(Model):
    """Re-assign a case nobody owns, after a while."""

    after: Annotated[Duration, Field(gt=0)] = Field(description="how long a case may sit ownerless")
    team: Name | None = Field(None, description="who takes it; none: the team of the stalled step")


class Policies(Model):
    """Switches a designer flips in a what-if."""

    orphan_after: Duration = Field(
        1440.0, description="ownerless for longer than this counts as orphaned (default 1d)"
    )
    ownership: Literal["per_team", "single_owner"] = Field(
        "per_team",
        description="per_team: a team owns a case while it holds a pending action; single_owner: "
        "the first team to take the case stays accountable and chases a stalled case",
    )
    chase_after: Annotated[Duration, Field(gt=0)] = Field(
        1440.0, description="single_owner: how long before the owner chases a stalled case"
    )
    watchdog: Watchdog | None = None
    late_notification: Literal["none", "generic", "eta", "rebook"] = Field(
        "none",
        description="what the customer hears when a promise breaks: none; generic ('reply "
        "CHANGE'), which does not stop them chasing; eta, a new time; rebook, a new window "
        "around the expected time, from the field team's slots",
    )
    eta_margin: Duration = Field(
        60.0, description="eta: the new time given is the expected one plus this (default 1h)"
    )


# --- scenario ----------------------------------------------------------------------------


def _warmup_kind(value: Any) -> str:
    # a word is meant as `auto`; anything with a digit as a duration
    if isinstance(value, str) and not any(c.isdigit() for c in value):
        return "auto"
    return "bare"


Warmup = Annotated[
    Annotated[Duration, Tag("bare")] | Annotated[Literal["auto"], Tag("auto")],
    Discriminator(
        _warmup_kind,
        custom_error_type="warmup",
        custom_error_message="expected a duration such as 2h, or auto",
    ),
]
"""A warm-up: a duration, or `auto` (detected from the run's own waits)."""


MAX_CASES = 100_000_000
"""Cases a replication may open by default: about ten years of a large operator's work,
and tens of gigabytes of memory if they were all open at once."""


class Scenario(Model):
    """One service process to simulate: time, teams, customers and journeys."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    description: str = ""
    horizon: Annotated[Duration, Field(gt=0)] = Field(
        description="simulated time per replication: customers arrive until then"
    )
    warmup: Warmup = Field(
        0.0,
        description="cases arriving before this are not counted; auto: found from the run's "
        "own waits (MSER-5 over its replications), then counted from there",
    )
    drain: Annotated[Duration, Field(ge=0)] | None = Field(
        None,
        description="how long after the horizon the cases still open are followed to their "
        "end; cases open after that are censored (default: as long as the horizon)",
    )
    start: Date | None = Field(
        None,
        description="the date simulated time 0 is 00:00 of: what weekday the run starts on, "
        "and where calendars' holidays fall (default: a Monday, 2024-01-01; needed when a "
        "calendar lists holidays)",
    )
    replications: Annotated[int, Field(ge=1)] = 10
    seed: Annotated[int, Field(ge=0)] = 0
    max_cases: Annotated[int, Field(ge=1)] = Field(
        MAX_CASES,
        description="most cases a replication may open, child cases included: a scenario "
        "expecting more is refused, a replication opening more is stopped (default 100 "
        "million; raise it for bigger runs)",
    )
    organizations: dict[str, Organization] = Field(default_factory=dict)
    calendars: dict[str, Calendar] = Field(
        default_factory=dict,
        description='opening hours by name: {mon-fri: "08:00-17:00", sat: ["09:00-12:00", '
        '"13:00-15:00"], holidays: [2026-12-25]}; days mon…sun, ranges, lists or daily; '
        "closed all day on the holidays listed",
    )
    teams: Annotated[dict[str, Team], Field(min_length=1)]
    customers: Customers
    journeys: Annotated[dict[str, Journey], Field(min_length=1)]
    failures: list[Failure] = Field(default_factory=list)
    policies: Policies = Field(default_factory=Policies)
    assertions: list[str] = Field(
        default_factory=list,
        description="thresholds `cxsim check` judges, one per item, METRIC[.STAT] OP VALUE: "
        "'time_to_resolution.p90 < 1d', 'teams.phone.service_level >= 0.8'",
    )
