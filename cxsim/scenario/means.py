"""Expected values of what a scenario draws: the mean of a distribution, the mean arrival rate.

The checks of a scenario that weigh work against people (offered load) need the mean
of each duration and how much work arrives per minute on average. Both are read from
the validated models; a kind of arrivals this module does not know has no mean rate
(`None`), and the checks that need one skip it.
"""

from __future__ import annotations

from collections.abc import Callable
from statistics import fmean
from typing import Any

from cxsim.scenario.models import HourlyArrivals, WeeklyArrivals
from cxsim.scenario.types import (
    Constant,
    Empirical,
    Exponential,
    Gamma,
    Lognormal,
    Model,
    Triangular,
    Uniform,
)

MEANS: dict[type[Model], Callable[[Any], float]] = {
    Exponential: lambda spec: spec.exponential.mean,
    Lognormal: lambda spec: spec.lognormal.mean,
    Gamma: lambda spec: spec.gamma.mean,
    Triangular: lambda spec: (spec.triangular.min + spec.triangular.mode + spec.triangular.max) / 3,
    Uniform: lambda spec: (spec.uniform.min + spec.uniform.max) / 2,
    Constant: lambda spec: spec.constant,
    Empirical: lambda spec: fmean(spec.empirical.values) if spec.empirical.values else 0.0,
}
"""The mean of each distribution family, in minutes."""


def mean_of(spec: float | Model) -> float:
    """The mean of a validated distribution spec in minutes (a bare number is a constant)."""
    if isinstance(spec, int | float):
        return float(spec)
    return float(MEANS[type(spec)](spec))


def mean_rate(arrivals: Any) -> float | None:
    """Arrivals per minute on average over a week; `None` for a cohort or an unknown kind."""
    if isinstance(arrivals, int | float) and not isinstance(arrivals, bool):
        return float(arrivals)
    if isinstance(arrivals, HourlyArrivals | WeeklyArrivals):
        return fmean(arrivals.per_week())
    return None  # a cohort is a one-off batch, not a steady flow of work
