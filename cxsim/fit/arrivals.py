"""Fitting the arrival profile: cases opened per hour of the week, as a weekly rate.

A case opens when its first event happens (its start when the log has one): a log
records when work began, not when the customer called, so the rate of cases the log
saw is what is fitted. Each of the 168 hours of the week gets the cases that opened in
it divided by how many times that hour occurred in the observed span (from 00:00 of
the first case's day to the end of the last case's day): an unbiased Poisson rate per
hour, however many weeks the log covers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cxsim.fit.log import Log
from cxsim.scenario.weekly import DAYS, HOURS_PER_WEEK


@dataclass(frozen=True)
class ArrivalProfile:
    """Cases opened by hour of the week (Monday 00:00 first), and how often each hour occurred."""

    first_day: date
    days: int
    """Whole days observed, from 00:00 of `first_day`."""
    counts: list[int]
    exposure: list[int]

    @property
    def cases(self) -> int:
        """Cases opened in the observed span."""
        return sum(self.counts)

    def rates(self) -> list[float]:
        """Cases per hour in each hour of the week; 0 for an hour never observed."""
        return [c / e if e else 0.0 for c, e in zip(self.counts, self.exposure, strict=True)]

    def weekly(self) -> dict[str, dict[str, str]]:
        """The profile as `weekly:` arrivals: `{mon: {"8-10": 3.25/h, …}, …}`, zero hours left out.

        Consecutive hours whose rates are written alike form one span.
        """
        rates = self.rates()
        days: dict[str, dict[str, str]] = {}
        for day, name in enumerate(DAYS):
            spans: dict[str, str] = {}
            hour = 0
            while hour < 24:
                text = rate_text(rates[day * 24 + hour])
                end = hour + 1
                while end < 24 and rate_text(rates[day * 24 + end]) == text:
                    end += 1
                if text is not None:
                    spans[f"{hour}-{end}"] = text
                hour = end
            if spans:
                days[name] = spans
        return days


def arrival_profile(log: Log) -> ArrivalProfile:
    """The arrival profile of `log`'s cases."""
    opened = [min(a.start or a.end for a in case) for case in log.cases().values()]
    first_day = min(opened).date()
    days = (max(opened).date() - first_day).days + 1
    counts = [0] * HOURS_PER_WEEK
    for moment in opened:
        counts[hour_of_week(moment)] += 1
    exposure = [0] * HOURS_PER_WEEK
    midnight = datetime.combine(first_day, datetime.min.time())
    for day in range(days):
        weekday = (midnight + timedelta(days=day)).weekday()
        for hour in range(24):
            exposure[weekday * 24 + hour] += 1
    return ArrivalProfile(first_day, days, counts, exposure)


def hour_of_week(moment: datetime) -> int:
    """The hour of the week of `moment`, Monday 00:00–01:00 being 0."""
    return moment.weekday() * 24 + moment.hour


def rate_text(per_hour: float) -> str | None:
    """`3.25/h` (four decimals at most); None for a rate that rounds to nothing."""
    if round(per_hour, 4) <= 0:
        return None
    digits = max(0, 3 - math.floor(math.log10(per_hour)))
    digits = min(digits, 4)
    return f"{per_hour:.{digits}f}".rstrip("0").rstrip(".") + "/h"
