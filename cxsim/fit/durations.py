"""Fitting a duration distribution of the scenario language to observed times.

Each family the language has and maximum likelihood can fit (exponential, gamma,
lognormal, uniform) is fitted with scipy.stats; the lowest AIC wins, and its
Kolmogorov–Smirnov statistic says how well it fits. Times are floored at one second
before fitting, because a log's zero durations (two events stamped alike) would give a
gamma or lognormal no likelihood at all. Too few times to rank families by get an
exponential with their mean; identical ones a constant.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

FLOOR = 1 / 60
"""The shortest time fitted, in minutes (one second)."""

MIN_TIMES = 8
"""Fewer times than this are too few to rank families by."""

MAX_TIMES = 20_000
"""Times fitted at most; more are sampled down (seeded), which leaves the fit as good."""


@dataclass(frozen=True)
class Candidate:
    """One family fitted: its scipy distribution, number of parameters, mean and sd."""

    dist: Any
    parameters: int
    mean: float
    sd: float


def _exponential(x: np.ndarray) -> Candidate:
    mean = float(x.mean())
    return Candidate(stats.expon(scale=mean), 1, mean, mean)


def _gamma(x: np.ndarray) -> Candidate:
    shape, _, scale = stats.gamma.fit(x, floc=0)
    return Candidate(stats.gamma(shape, scale=scale), 2, shape * scale, math.sqrt(shape) * scale)


def _lognormal(x: np.ndarray) -> Candidate:
    sigma, _, scale = stats.lognorm.fit(x, floc=0)
    mean = scale * math.exp(sigma**2 / 2)
    return Candidate(
        stats.lognorm(sigma, scale=scale), 2, mean, mean * math.sqrt(math.expm1(sigma**2))
    )


def _uniform(x: np.ndarray) -> Candidate:
    low, high = float(x.min()), float(x.max())
    return Candidate(
        stats.uniform(low, high - low), 2, (low + high) / 2, (high - low) / math.sqrt(12)
    )


FAMILIES: dict[str, Callable[[np.ndarray], Candidate]] = {
    "exponential": _exponential,
    "gamma": _gamma,
    "lognormal": _lognormal,
    "uniform": _uniform,
}
"""Fitters keyed by the family's YAML name."""


@dataclass(frozen=True)
class Fitted:
    """The distribution chosen for some times, and how it was chosen."""

    family: str
    mean: float
    """Minutes."""
    sd: float
    count: int
    ks: float | None = None
    """Kolmogorov–Smirnov statistic of the chosen family against the times; None untested."""
    aic: dict[str, float] = field(default_factory=dict)
    """AIC of every family fitted, best first."""
    low: float = 0.0
    high: float = 0.0
    """uniform: its bounds, in minutes."""

    def spec(self) -> dict[str, Any] | str:
        """The YAML of the distribution: `{gamma: {mean: 12min, sd: 5min}}`, or a bare duration."""
        writers: dict[str, Callable[[], dict[str, Any] | str]] = {
            "constant": lambda: duration_text(self.mean),
            "exponential": lambda: {"exponential": {"mean": duration_text(self.mean)}},
            "gamma": lambda: {"gamma": self._mean_sd()},
            "lognormal": lambda: {"lognormal": self._mean_sd()},
            "uniform": lambda: {
                "uniform": {"min": duration_text(self.low), "max": duration_text(self.high)}
            },
        }
        return writers[self.family]()

    def _mean_sd(self) -> dict[str, str]:
        return {"mean": duration_text(self.mean), "sd": duration_text(self.sd)}

    def describe(self) -> str:
        """`gamma (n=412, KS 0.031; AIC next: lognormal +12)` for the header comment."""
        if self.ks is None:
            reason = "all equal" if self.family == "constant" else f"fewer than {MIN_TIMES}"
            return f"{self.family} (n={self.count}, {reason}: not ranked)"
        ranked = list(self.aic.items())
        runner = (
            f"; next: {ranked[1][0]} ΔAIC {ranked[1][1] - ranked[0][1]:.0f}"
            if len(ranked) > 1
            else ""
        )
        return f"{self.family} (n={self.count}, KS {self.ks:.3f}{runner})"


def fit_times(minutes: Sequence[float]) -> Fitted:
    """The family of the language that fits `minutes` best by AIC, with its KS statistic."""
    x = np.maximum(np.asarray(minutes, dtype=float), FLOOR)
    count = len(x)
    if count == 0:
        raise ValueError("expected at least one time to fit, got none")
    if np.ptp(x) == 0:
        return Fitted("constant", float(x[0]), 0.0, count)
    if count < MIN_TIMES:
        return Fitted("exponential", float(x.mean()), float(x.mean()), count)
    if count > MAX_TIMES:
        x = np.random.default_rng(0).choice(x, MAX_TIMES, replace=False)
    aic: dict[str, float] = {}
    fitted: dict[str, Candidate] = {}
    for family, fitter in FAMILIES.items():
        candidate = fitter(x)
        loglik = float(np.sum(candidate.dist.logpdf(x)))
        if math.isfinite(loglik):
            fitted[family] = candidate
            aic[family] = 2 * candidate.parameters - 2 * loglik
    ranked = dict(sorted(aic.items(), key=lambda item: item[1]))
    best = next(iter(ranked))
    chosen = fitted[best]
    ks = float(stats.kstest(x, chosen.dist.cdf).statistic)
    return Fitted(best, chosen.mean, chosen.sd, count, ks, ranked, float(x.min()), float(x.max()))


UNITS = (("d", 1440.0, 2880.0), ("h", 60.0, 120.0), ("min", 1.0, 1.0), ("s", 1 / 60, 0.0))
"""(unit, minutes in it, smallest time written in it)."""


def duration_text(minutes: float) -> str:
    """A duration as the language writes it, in the largest readable unit: `2.5h`, `40s`."""
    for unit, size, smallest in UNITS:
        if minutes >= smallest:
            value = minutes / size
            digits = max(0, 3 - math.floor(math.log10(value)) if value > 0 else 0)
            text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
            return f"{text}{unit}"
    return "0"
