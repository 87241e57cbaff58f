"""`cxsim check`: judge a run's assertions, and look for regressions against a baseline.

Each assertion is judged on the 95 % interval of its value (`cxsim.assertions.judge`).
With a baseline — the `summary.json` of an earlier `cxsim run` — every metric whose
better direction is known is tested for a worsening beyond the tolerance: one-sided,
H0 "the new run is worse than the baseline by at most tolerance·|baseline mean|"
against H1 "worse by more" (`cxsim.significance`). The test is a paired t-test on the
per-replication differences when both runs have the same seed and share replication
indexes (common random numbers), Welch's t-test on the two samples otherwise, and a
one-sample t-test against the baseline mean when the baseline keeps no per-replication
values (a summary written before they were kept). Holm's procedure at 5 % over all the
metrics of one check decides which are regressions, so an unchanged process raises a
false regression in at most about 5 % of checks, however many metrics are compared.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxsim.assertions import Assertion, Judgement, judge, parse_assertion
from cxsim.baseline import load_baseline
from cxsim.measures import Measurement, MetricRef, measure
from cxsim.metrics import CASE_METRICS, TEAM_METRICS
from cxsim.montecarlo import Results
from cxsim.scenario.units import UNDEFINED
from cxsim.significance import TEST_NAMES, Test, WorseTest, regressions, worse_test
from cxsim.table import format_value

DEFAULT_TOLERANCE = 0.05
MOST_TOLERANCE = 1000.0
"""Largest tolerance (100,000 %): beyond it the limits overflow into nonsense."""
ALPHA = 0.05
"""Family-wise error rate of one check: the chance of any false regression."""


def format_p(p: float | None) -> str:
    """A p-value for people."""
    if p is None:
        return UNDEFINED
    return "< 0.0001" if p < 0.0001 else f"{p:.4f}"


def _is(p: float) -> str:
    """`= 0.0123` or `< 0.0001`."""
    text = format_p(p)
    return text if text.startswith("<") else f"= {text}"


def shown(text: str) -> str:
    """`text` as a terminal can show it: what is not printable (control characters, the
    lone surrogates of a file name that is not UTF-8) written as `\\x01` or `\\udcff`."""
    return "".join(
        c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
        for c in text
    )


def percent(share: float) -> str:
    """A share as `5 %`, `2.5 %`."""
    return f"{share * 100:g} %"


@dataclass(frozen=True)
class Regression:
    """One metric tested against the baseline: limit, new interval, test, p-values, finding."""

    ref: MetricRef
    baseline: float
    limit: float
    """The baseline mean moved by the tolerance in the worse direction."""
    measurement: Measurement
    test: Test
    p_value: float | None
    """One-sided p-value of H0 "worse by at most the tolerance"; None when not testable."""
    samples: int
    """Pairs (paired test), or replications of the new run that measured it."""
    regressed: bool
    exact: bool = False
    """No spread in the values tested: decided without a test, outside Holm's family."""

    @property
    def summary(self) -> str:
        """Measured value, 95 % interval and baseline, for people."""
        metric, now = self.ref.metric, self.measurement
        interval = (
            UNDEFINED
            if now.low is None or now.high is None
            else f"{format_value(metric, now.low)} – {format_value(metric, now.high)}"
        )
        return (
            f"measured {format_value(metric, now.value)}, 95 % CI {interval}, "
            f"baseline {format_value(metric, self.baseline)}"
        )

    @property
    def reason(self) -> str:
        """Why this metric regressed or not, for people."""
        limit = format_value(self.ref.metric, self.limit)
        if self.p_value is None:
            both = " in both runs" if self.test != "one-sample" else ""
            return f"no test: needs at least two replications that measured it{both}"
        if self.exact:
            if self.regressed:
                return f"worse than the limit {limit}, with no spread at all: no test needed"
            return f"not worse than the limit {limit}, with no spread at all: no test needed"
        test = f"{TEST_NAMES[self.test]} p {_is(self.p_value)}"
        if self.regressed:
            return f"worse than the limit {limit}: {test}, rejected by Holm at {percent(ALPHA)}"
        return f"not shown worse than the limit {limit}: {test}"


@dataclass
class CheckReport:
    """What `cxsim check` found: judged assertions and baseline regressions."""

    results: Results
    judgements: list[Judgement]
    regressions: list[Regression] = field(default_factory=list)
    strict: bool = False
    tolerance: float = DEFAULT_TOLERANCE
    baseline: str | None = None
    baseline_scenario: str | None = None
    baseline_seed: int | None = None

    def failed(self, judgement: Judgement) -> bool:
        """Whether a judgement counts as a failure (inconclusive does under --strict)."""
        return judgement.outcome == "fail" or (self.strict and judgement.outcome == "inconclusive")

    @property
    def regressed(self) -> list[Regression]:
        """The metrics that got significantly worse than the baseline."""
        return [r for r in self.regressions if r.regressed]

    @property
    def ok(self) -> bool:
        """No failure and no regression."""
        return not any(self.failed(j) for j in self.judgements) and not self.regressed

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "scenario": self.results.scenario.name,
            "seed": self.results.seed,
            "replications": len(self.results.replications),
            "strict": self.strict,
            "ok": self.ok,
            "assertions": [
                {
                    "assertion": j.assertion.text,
                    "outcome": j.outcome,
                    "value": j.measurement.value,
                    "ci95": [j.measurement.low, j.measurement.high],
                    "threshold": j.assertion.threshold,
                    "reason": j.reason,
                }
                for j in self.judgements
            ],
            "baseline": None
            if self.baseline is None
            else {
                "file": self.baseline,
                "seed": self.baseline_seed,
                "tolerance": self.tolerance,
                "alpha": ALPHA,
                "correction": "holm",
                "family": sum(not r.exact and r.p_value is not None for r in self.regressions),
                "metrics": {
                    r.ref.key: {
                        "baseline": r.baseline,
                        "limit": r.limit,
                        "value": r.measurement.value,
                        "ci95": [r.measurement.low, r.measurement.high],
                        "test": r.test,
                        "samples": r.samples,
                        "p_value": r.p_value,
                        "exact": r.exact,
                        "regressed": r.regressed,
                    }
                    for r in self.regressions
                },
            },
        }


def scenario_assertions(results: Results) -> list[Assertion]:
    """The assertions of the scenario that was run (checked by the loader already)."""
    teams = list(results.scenario.teams)
    streams = results.scenario.customers.stream_names()
    return [parse_assertion(text, teams, streams) for text in results.scenario.assertions]


def _baseline_mean(entry: Any) -> float | None:
    mean = entry.get("mean") if isinstance(entry, dict) else None
    number = isinstance(mean, int | float) and not isinstance(mean, bool)
    return float(mean) if number and math.isfinite(mean) else None


def tolerance_problem(tolerance: float) -> str | None:
    """What is wrong with a tolerance (a share from 0 to MOST_TOLERANCE), or None."""
    if not 0 <= tolerance <= MOST_TOLERANCE:  # NaN fails both
        return f"expected a number from 0 to {MOST_TOLERANCE:g}, got {tolerance:g}"
    return None


def find_regressions(
    results: Results, baseline: dict[str, Any], tolerance: float
) -> list[Regression]:
    """Every metric with a known better direction tested against the baseline, with Holm."""
    refs: list[tuple[MetricRef, Any]] = [
        (MetricRef(m), baseline["metrics"].get(m.name)) for m in CASE_METRICS
    ]
    teams = baseline.get("teams") if isinstance(baseline.get("teams"), dict) else {}
    for team in results.scenario.teams:
        stored = teams.get(team) if isinstance(teams.get(team), dict) else {}
        refs.extend((MetricRef(m, team), stored.get(m.name)) for m in TEAM_METRICS)
    tested: list[tuple[MetricRef, float, float, WorseTest]] = []
    for ref, entry in refs:
        mean = _baseline_mean(entry)
        if ref.metric.better == "neither" or mean is None:
            continue
        margin = tolerance * abs(mean)
        limit = mean - margin if ref.metric.better == "higher" else mean + margin
        tested.append((ref, mean, limit, worse_test(results, baseline, ref, mean, margin)))
    decided = regressions([t for *_, t in tested], ALPHA)
    return [
        Regression(
            ref,
            mean,
            limit,
            measure(results.replications, ref),
            outcome.test,
            outcome.p_value,
            outcome.samples,
            regressed,
            outcome.exact,
        )
        for (ref, mean, limit, outcome), regressed in zip(tested, decided, strict=True)
    ]


def check(
    results: Results,
    strict: bool = False,
    baseline: str | Path | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    stored: dict[str, Any] | None = None,
) -> CheckReport:
    """Judge the scenario's assertions on `results` and, given a baseline, find regressions.

    A baseline that is not a summary of a run of the same teams raises BadBaseline; a
    tolerance outside [0, MOST_TOLERANCE], ValueError. `stored`: the baseline's content
    as `load_baseline` read it already, so the file is not read again.
    """
    problem = tolerance_problem(tolerance)
    if problem is not None:
        raise ValueError(f"tolerance: {problem}")
    judgements = [
        judge(assertion, measure(results.replications, assertion.ref))
        for assertion in scenario_assertions(results)
    ]
    report = CheckReport(results, judgements, strict=strict, tolerance=tolerance)
    if baseline is not None:
        if stored is None:
            stored = load_baseline(baseline, results.scenario.teams)
        report.baseline = str(baseline)
        name, seed = stored.get("scenario"), stored.get("seed")
        report.baseline_scenario = name if isinstance(name, str) else None
        report.baseline_seed = (
            seed if isinstance(seed, int) and not isinstance(seed, bool) else None
        )
        report.regressions = find_regressions(results, stored, tolerance)
    return report


# --- for people --------------------------------------------------------------------------

_LABELS = {"pass": "PASS", "fail": "FAIL", "inconclusive": "INCONCLUSIVE"}


def _how_tested(report: CheckReport) -> str:
    """Which tests the check used, in one line."""
    used = {r.test for r in report.regressions}
    seed = report.results.seed
    parts = []
    if "paired" in used:
        parts.append(f"paired on common random numbers (same seed {seed})")
    if "welch" in used:
        parts.append(f"Welch (baseline seed {report.baseline_seed}, this run seed {seed})")
    if "one-sample" in used:
        parts.append("one-sample against the baseline mean (no per-replication values kept)")
    return "one-sided t-tests: " + ("; ".join(parts) or "none")


def _baseline_table(report: CheckReport) -> list[str]:
    width = max([len("metric"), *(len(r.ref.key) for r in report.regressions)])
    lines = [f"{'metric':<{width}} {'baseline':>12} {'measured':>12} {'limit':>12} {'p':>9}  test"]
    for r in report.regressions:
        metric = r.ref.metric
        lines.append(
            f"{r.ref.key:<{width}} {format_value(metric, r.baseline):>12}"
            f" {format_value(metric, r.measurement.value):>12}"
            f" {format_value(metric, r.limit):>12} {format_p(r.p_value):>9}"
            f"  {r.test}{' (no spread)' if r.exact else ''}"
            f"{'  REGRESSION' if r.regressed else ''}"
        )
    return lines


def format_report(report: CheckReport) -> str:
    """The check as text: per assertion the measured value, its interval and why."""
    results = report.results
    lines = [
        f"{results.scenario.name} · {len(results.replications)} replications · seed {results.seed}",
        "",
    ]
    for j in report.judgements:
        label = _LABELS[j.outcome]
        if j.outcome == "inconclusive" and report.strict:
            label += " (strict: fails)"
        lines.append(f"{label:<14} {j.assertion.text}")
        value = j.assertion.format(j.measurement.value)
        lines.append(f"{'':<14} measured {value}, 95 % CI {j.interval}: {j.reason}")
    if not report.judgements:
        lines.append("no assertions in the scenario")
    if report.baseline is not None:
        family = sum(not r.exact and r.p_value is not None for r in report.regressions)
        lines.extend(
            [
                "",
                f"baseline {shown(report.baseline)} · tolerance {percent(report.tolerance)}"
                f" · Holm at {percent(ALPHA)} over {family} tested metrics",
                _how_tested(report),
            ]
        )
        if report.baseline_scenario not in (None, results.scenario.name):
            lines.append(f"note: the baseline is of scenario {report.baseline_scenario!r}")
        for r in report.regressed:
            lines.append(f"{'REGRESSION':<14} {r.ref.key}")
            lines.append(f"{'':<14} {r.summary}: {r.reason}")
        unchanged = len(report.regressions) - len(report.regressed)
        lines.append(f"no regression in {unchanged} other metrics")
        lines.extend(["", *_baseline_table(report)])
    counts = {outcome: sum(j.outcome == outcome for j in report.judgements) for outcome in _LABELS}
    tally = (
        f"{counts['pass']} passed, {counts['fail']} failed, {counts['inconclusive']} inconclusive"
    )
    if report.baseline is not None:
        tally += f", {len(report.regressed)} regressed"
    lines.extend(["", f"{tally} → {'ok' if report.ok else 'FAILED'}"])
    return "\n".join(lines)
