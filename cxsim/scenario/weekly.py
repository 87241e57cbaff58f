"""Opening hours and hour-of-day profiles as written in YAML, turned into minutes of the week.

A week here starts on Monday 00:00; simulated time 0 is 00:00 of the scenario's `start`
date (a Monday unless it says otherwise: `calendars.py` turns the week to it). A
calendar maps days to hours, and may list public holidays, closed all day:

```yaml
office_hours:
  mon-fri: "08:00-17:00"
  sat: ["09:00-12:00", "13:00-15:00"]
  holidays: [2026-12-25, 2026-12-26]
```

Days are `mon`…`sun`, ranges such as `mon-fri`, lists such as `mon,wed`, or `daily`.
Hours are `HH:MM-HH:MM` (`24:00` is the end of the day); `closed` closes the days.
"""

from __future__ import annotations

import datetime
import re

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 1440.0
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
HOURS_PER_WEEK = 168

HOLIDAYS = "holidays"
"""The key of a calendar that lists its public holidays, not days of the week."""

DEFAULT_START = datetime.date(2024, 1, 1)
"""The date time 0 falls on when a scenario does not say: a Monday."""

_SPAN = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?\s*$")

Interval = tuple[float, float]


def parse_days(text: str) -> list[int]:
    """Day indexes (Monday 0) of `mon-fri`, `sat,sun`, `daily`…"""
    text = str(text).strip().lower()
    if text in ("daily", "all", "every day"):
        return list(range(7))
    days: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            first, last = (p.strip() for p in part.split("-", 1))
            start, end = _day(first, text), _day(last, text)
            span = range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]
            days.extend(span)
        else:
            days.append(_day(part, text))
    return days


_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _day(name: str, whole: str) -> int:
    if name in DAYS:
        return DAYS.index(name)
    if name in _FULL_DAYS:
        return _FULL_DAYS.index(name)
    raise ValueError(f"expected days such as mon-fri, sat or daily, got {whole!r}")


def parse_span(text: str) -> Interval:
    """Minutes after midnight of `08:00-17:00` (or `8-17`), end after start."""
    match = _SPAN.match(str(text))
    if match is None:
        raise ValueError(f"expected hours such as 08:00-17:00, got {text!r}")
    h1, m1, h2, m2 = (int(g) if g else 0 for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if m1 >= 60 or m2 >= 60 or start > 1440 or end > 1440 or start >= end:
        raise ValueError(f"expected hours such as 08:00-17:00 within one day, got {text!r}")
    return float(start), float(end)


def week_intervals(calendar: dict[str, str | list[str]]) -> list[Interval]:
    """Open intervals of a calendar in minutes of the week, sorted and merged."""
    spans: list[Interval] = []
    for days, hours in calendar.items():
        if days == HOLIDAYS:
            continue
        texts = [hours] if isinstance(hours, str) else list(hours)
        for day in parse_days(days):
            for text in texts:
                if str(text).strip().lower() == "closed":
                    continue
                start, end = parse_span(text)
                offset = day * MINUTES_PER_DAY
                spans.append((offset + start, offset + end))
    return merged_spans(spans)


def merged_spans(spans: list[Interval]) -> list[Interval]:
    """The spans sorted, overlapping and touching ones merged into one."""
    merged: list[Interval] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def check_calendar(calendar: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
    """Validate a calendar as written; raise ValueError naming the first bad entry."""
    if not week_intervals(calendar):
        raise ValueError("expected at least one open span, got a calendar that never opens")
    holidays(calendar)
    return calendar


def holidays(calendar: dict[str, str | list[str]]) -> list[datetime.date]:
    """The public holidays a calendar lists (`holidays: [2026-12-25]`), in date order."""
    listed = calendar.get(HOLIDAYS, [])
    return sorted({parse_date(text) for text in ([listed] if isinstance(listed, str) else listed)})


def parse_date(text: object) -> datetime.date:
    """A date written `2026-12-25` (a date object passes as it is)."""
    if isinstance(text, datetime.date):
        return text
    try:
        return datetime.date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValueError(f"expected a date such as 2026-12-25, got {text!r}") from None


def hourly_profile(spans: dict[str, float]) -> list[float]:
    """24 values, one per hour of the day, from `{"8-12": v, "12-18": w}`; other hours 0."""
    hours = [0.0] * 24
    taken = [False] * 24
    for text, value in spans.items():
        start, end = parse_span(text)
        if start % 60 or end % 60:
            raise ValueError(f"expected whole hours such as 8-12, got {text!r}")
        for hour in range(int(start // 60), int(end // 60)):
            if taken[hour]:
                raise ValueError(f"hour {hour} is given twice, in {text!r}")
            taken[hour] = True
            hours[hour] = value
    return hours


def weekly_profile(days: dict[str, dict[str, float]]) -> list[float]:
    """168 values, one per hour of the week from Monday 00:00, from hourly spans by day.

    `{mon-fri: {"8-12": v}, sat: {"9-13": w}}`; unlisted days and hours are 0, and a day
    given twice is an error.
    """
    week = [0.0] * HOURS_PER_WEEK
    given: dict[int, str] = {}
    for text, spans in days.items():
        hours = hourly_profile(spans)
        for day in parse_days(text):
            if day in given:
                raise ValueError(
                    f"{DAYS[day]} is given twice, in {given[day]!r} and {text!r}"
                    if given[day] != text
                    else f"{DAYS[day]} is given twice, in {text!r}"
                )
            given[day] = text
            week[day * 24 : (day + 1) * 24] = hours
    return week


def clock(minutes: float, weekday: int = 0) -> str:
    """`day  3 Thu 14:05` for a simulated time, time 0 being 00:00 of `weekday` (Monday 0)."""
    day, rest = divmod(minutes, 1440.0)
    hours, mins = divmod(round(rest), 60)
    if hours == 24:
        day, hours = day + 1, 0
    return f"day {int(day):>3} {DAYS[(int(day) + weekday) % 7].title()} {hours:02d}:{mins:02d}"
