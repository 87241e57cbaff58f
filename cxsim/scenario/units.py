"""Units at the edge: durations and rates as written in YAML, turned into float minutes.

Inside cxsim every time is a float number of minutes and every rate is per minute. This
module is the only place that knows the spellings a designer may use (`45s`, `30min`,
`2h`, `3d`, `1w`; `9/min`, `40/h`, `120/day`). A bare number is minutes (durations) or
per minute (rates).
"""

from __future__ import annotations

import math
import re

_SPELLINGS: dict[float, tuple[str, ...]] = {
    1 / 60: ("s", "sec", "secs", "second", "seconds"),
    1.0: ("min", "mins", "minute", "minutes"),
    60.0: ("h", "hr", "hrs", "hour", "hours"),
    1440.0: ("d", "day", "days"),
    10080.0: ("w", "wk", "week", "weeks"),
}
MINUTES_PER: dict[str, float] = {name: size for size, names in _SPELLINGS.items() for name in names}
"""Minutes in one of each time unit, keyed by every spelling accepted."""

_NUMBER = r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+"
_DURATION = re.compile(rf"^\s*(?P<value>{_NUMBER})\s*(?P<unit>[a-z]+)?\s*$")
_RATE = re.compile(rf"^\s*(?P<value>{_NUMBER})\s*/\s*(?P<unit>[a-z]+)\s*$")

_UNIT_ALTERNATIVES = "|".join(sorted(MINUTES_PER, key=len, reverse=True))
DURATION_PATTERN = rf"^\s*({_NUMBER})\s*({_UNIT_ALTERNATIVES})?\s*$"
RATE_PATTERN = rf"^\s*({_NUMBER})\s*/\s*({_UNIT_ALTERNATIVES})\s*$"

_UNITS_TEXT = "s, min, h, d or w"


def _parse(value: object, pattern: re.Pattern[str], what: str, examples: str, per: bool) -> float:
    """A number with an optional (durations) or required (rates) time unit, in minutes."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"expected a {what} such as {examples}, got {value!r}")
    if isinstance(value, str):
        match = pattern.match(value.lower())
        if match is None:
            raise ValueError(f"expected a {what} such as {examples}, got {value!r}")
        unit = match["unit"] or "min"
        if unit not in MINUTES_PER:
            raise ValueError(f"expected a time unit {_UNITS_TEXT}, got {unit!r} in {value!r}")
        number = float(match["value"])
        result = number / MINUTES_PER[unit] if per else number * MINUTES_PER[unit]
    else:
        try:
            result = float(value)
        except OverflowError:  # an int of hundreds of digits
            result = math.inf
    if not math.isfinite(result) or result < 0:
        raise ValueError(f"expected a non-negative finite {what}, got {value!r}")
    return result


SHORTEST = 1 / 60_000
"""The shortest duration other than 0: a millisecond. Shorter ones are lost in rounding."""

LONGEST = 100 * 365 * 1440.0
"""The longest duration: a hundred years. Longer ones overflow the arithmetic of a run."""


def parse_duration(value: object) -> float:
    """A duration (`45s`, `30min`, `2h`, `3d`, `1w` or a bare number of minutes) in minutes.

    It is 0, or between a millisecond and a hundred years: outside that range the
    arithmetic of a run underflows or overflows, and no service process takes that long.
    """
    minutes = _parse(value, _DURATION, "duration", "45s, 30min, 2h, 3d or 1w", per=False)
    if minutes > LONGEST:
        raise ValueError(f"expected a duration of at most 100 years, got {value!r}")
    if 0 < minutes < SHORTEST:
        raise ValueError(f"expected 0 or a duration of at least 1 ms, got {value!r}")
    return minutes


FASTEST = 1_000_000.0
"""The highest rate: a million a minute. A higher one brings more cases than any run can
hold, and its sums over a week overflow."""


def parse_rate(value: object) -> float:
    """A rate (`9/min`, `40/h`, `120/day` or a bare number per minute) in events per minute,
    at most a million a minute."""
    rate = _parse(value, _RATE, "rate", "9/min, 40/h or 120/day", per=True)
    if rate > FASTEST:
        raise ValueError(f"expected a rate of at most a million a minute, got {value!r}")
    return rate


UNDEFINED = "—"
"""What is printed for a value that is not defined (no contact to measure, no target)."""

Unit = tuple[float, str]
"""A time unit for people: minutes per unit, and its symbol."""

SECONDS: Unit = (1 / 60, "s")
MINUTES: Unit = (1.0, "min")
HOURS: Unit = (60.0, "h")
DAYS: Unit = (1440.0, "d")


def duration_unit(minutes: float) -> Unit:
    """The unit that reads best for a time of `minutes`: s, min, h or d."""
    size = abs(minutes)
    if size < 1:
        return SECONDS
    if size < 120:
        return MINUTES
    if size < 2 * 1440:
        return HOURS
    return DAYS


def format_duration(minutes: float | None, unit: Unit | None = None) -> str:
    """Minutes in the human unit that reads best (`45 s`, `12.5 min`, `3.2 h`, `4.1 d`),
    or in a given `unit`, so that several times can be read side by side."""
    if minutes is None or (isinstance(minutes, float) and math.isnan(minutes)):
        return UNDEFINED
    if math.isinf(minutes):
        return "beyond reach"
    if unit is None:
        unit = duration_unit(minutes)
    size, symbol = unit
    value = minutes / size
    if symbol == "s":
        return f"{value:.0f} s"
    digits = 1 if abs(value) >= 1 or value == 0 else 2
    return f"{value:.{digits}f} {symbol}"
