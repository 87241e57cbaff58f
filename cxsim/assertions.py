"""Assertions: thresholds a scenario promises to meet, read by a small parser, never eval'd.

A scenario's `assertions:` list holds one assertion per item, in this grammar::

    assertion := METRIC[.STAT] OP VALUE
    METRIC    := a case metric (handoffs, orphan_rate, time_to_resolution, …)
               | teams.TEAM.METRIC   (asa, service_level, abandonment_rate, …)
    STAT      := mean (the default) | p50 | p90 | p99   (percentiles: time_to_resolution
                                                           and process_time_to_resolution)
    OP        := < | <= | > | >=
    VALUE     := a number; for time metrics a duration (45s, 30min, 2h, 1d, 1w; a bare
                 number is minutes); for rates also a percentage (80%)

For example `time_to_resolution.p90 < 1d`, `orphan_rate <= 0.01`,
`teams.phone.service_level >= 80%`, `handoffs.mean < 3`. An assertion that does not
read, or names a metric, team or statistic that does not exist, is a scenario problem
located at its line, with a suggestion when a name is close to a valid one.

`judge` decides on the 95 % interval of the measured value (see `cxsim.measures`): the
whole interval on the promised side of VALUE passes, the whole interval on the other
side fails, and an interval that straddles VALUE is inconclusive — more replications
may settle it. With fewer than `MIN_REPLICATIONS` replications the interval itself is too
shaky to lean on: every assertion is inconclusive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from cxsim.measures import Measurement, MetricRef, format_interval, format_measured, parse_metric
from cxsim.metrics import MIN_REPLICATIONS
from cxsim.scenario.units import parse_duration

Op = Literal["<", "<=", ">", ">="]
Outcome = Literal["pass", "fail", "inconclusive"]

_ASSERTION = re.compile(r"^\s*(?P<ref>[^<>=\s]+)\s*(?P<op><=|>=|<|>)\s*(?P<value>\S.*?)\s*$")
_NUMBER = re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_PERCENT = re.compile(r"^(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*%$")

_SIDES: dict[Op, tuple[str, str]] = {
    "<": ("below", "at or above"),
    "<=": ("at or below", "above"),
    ">": ("above", "at or below"),
    ">=": ("at or above", "below"),
}
"""Where the interval lies when an assertion with this operator passes, and fails."""


@dataclass(frozen=True)
class Assertion:
    """One threshold: a measured value, a comparison, and the value it is compared with."""

    text: str
    ref: MetricRef
    op: Op
    threshold: float

    def holds(self, value: float) -> bool:
        """Whether `value` satisfies the assertion."""
        if self.op == "<":
            return value < self.threshold
        if self.op == "<=":
            return value <= self.threshold
        if self.op == ">":
            return value > self.threshold
        return value >= self.threshold

    def format(self, value: float | None) -> str:
        """A value of the asserted metric for people."""
        return format_measured(self.ref, value)


def parse_assertion(text: str, teams: Iterable[str], streams: Iterable[str] = ()) -> Assertion:
    """Read one assertion; ValueError says what is wrong, with a suggestion for names.

    `streams` names the scenario's several streams of work (none for one stream)."""
    match = _ASSERTION.match(text)
    if match is None:
        raise ValueError(
            f"expected METRIC[.STAT] OP VALUE with OP one of <, <=, >, >= "
            f"(e.g. 'orphan_rate <= 0.01'), got {text!r}"
        )
    ref = parse_metric(match["ref"], teams, streams)
    op: Op = match["op"]  # type: ignore[assignment]
    return Assertion(text.strip(), ref, op, _threshold(match["value"], ref))


def _threshold(raw: str, ref: MetricRef) -> float:
    kind = "time" if ref.stat != "mean" else ref.metric.kind
    if _NUMBER.match(raw):
        return float(raw)
    if kind == "time":
        try:
            return parse_duration(raw)
        except ValueError:
            raise ValueError(
                f"expected a duration such as 45s, 30min, 2h or 1d for {ref}, got {raw!r}"
            ) from None
    percent = _PERCENT.match(raw)
    if kind == "rate" and percent:
        return float(percent["number"]) / 100
    expected = "a number or a percentage such as 80%" if kind == "rate" else "a number"
    raise ValueError(f"expected {expected} for {ref}, got {raw!r}")


def check_assertions(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Every assertion of scenario `data` that does not read, with its path."""
    assertions = data.get("assertions")
    teams = data.get("teams")
    team_names = list(teams) if isinstance(teams, dict) else []
    customers = data.get("customers")
    streams = customers.get("streams") if isinstance(customers, dict) else None
    stream_names = list(streams) if isinstance(streams, dict) else []
    found: list[tuple[tuple[str | int, ...], str]] = []
    for index, text in enumerate(assertions if isinstance(assertions, list) else []):
        if not isinstance(text, str):
            continue  # the schema reports it
        try:
            parse_assertion(text, team_names, stream_names)
        except ValueError as error:
            found.append((("assertions", index), str(error)))
    return found


@dataclass(frozen=True)
class Judgement:
    """An assertion judged on a measurement: the outcome and why."""

    assertion: Assertion
    measurement: Measurement
    outcome: Outcome
    reason: str

    @property
    def interval(self) -> str:
        """The measured 95 % interval for people."""
        return format_interval(self.assertion.ref, self.measurement)


def judge(assertion: Assertion, measurement: Measurement) -> Judgement:
    """Pass, fail or inconclusive, on where the 95 % interval lies against the threshold."""
    good, bad = _SIDES[assertion.op]
    threshold = assertion.format(assertion.threshold)
    low, high = measurement.low, measurement.high
    if measurement.value is None:
        reason = "not measured: no replication measured this value"
        return Judgement(assertion, measurement, "inconclusive", reason)
    if low is None or high is None:
        reason = "no interval: needs at least two replications that measured it"
        return Judgement(assertion, measurement, "inconclusive", reason)
    if measurement.replications < MIN_REPLICATIONS:
        reason = (
            f"only {measurement.replications} replications measured it: too few to judge "
            f"(at least {MIN_REPLICATIONS})"
        )
        return Judgement(assertion, measurement, "inconclusive", reason)
    if assertion.holds(low) and assertion.holds(high):
        return Judgement(
            assertion, measurement, "pass", f"the whole interval is {good} {threshold}"
        )
    if not assertion.holds(low) and not assertion.holds(high):
        return Judgement(assertion, measurement, "fail", f"the whole interval is {bad} {threshold}")
    reason = f"the interval straddles {threshold}; more replications may settle it"
    return Judgement(assertion, measurement, "inconclusive", reason)
