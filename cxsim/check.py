"""`cxsim check`: judge a run's assertions, and look for regressions against a baseline.

Each assertion is judged on the 95 % interval of its value (`cxsim.assertions.judge`).
With a baseline — the `summary.json` of an earlier `cxsim run` — every metric whose
better direction is known is compared with the baseline's mean. The baseline holds no
per-replication values, so the new run cannot be paired with it; a metric regressed
when the new run's whole 95 % interval lies beyond the baseline mean moved by the
tolerance in the worse direction: above `mean + tolerance·|mean|` where lower is better,
below `mean − tolerance·|mean|` where higher is better. The tolerance absorbs the
baseline's own noise and changes too small to matter; a baseline mean of 0 allows no
worsening at all. Run the check with the baseline's seed and replications to compare
like with like.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxsim.assertions import Assertion, Judgement, judge, parse_assertion
from cxsim.measures import Measurement, MetricRef, measure
from cxsim.metrics import CASE_METRICS, TEAM_METRICS
from cxsim.montecarlo import Results
from cxsim.table import format_value

DEFAULT_TOLERANCE = 0.05


class BadBaseline(Exception):
    """A baseline file that is not a summary.json of `cxsim run`."""


@dataclass(frozen=True)
class Regression:
    """One metric compared with the baseline: the limit, the new interval, and the finding."""

    ref: MetricRef
    baseline: float
    limit: float
    measurement: Measurement
    regressed: bool

    @property
    def summary(self) -> str:
        """Measured value, 95 % interval and baseline, for people."""
        metric, now = self.ref.metric, self.measurement
        interval = (
            "–"
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
        metric = self.ref.metric
        limit = format_value(metric, self.limit)
        side = "above" if metric.better == "lower" else "below"
        if self.measurement.low is None or self.measurement.high is None:
            return "no interval: needs at least two replications that measured it"
        if self.regressed:
            return f"the whole interval is {side} the limit {limit}"
        return f"the interval is not wholly {side} the limit {limit}"


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
                "tolerance": self.tolerance,
                "metrics": {
                    r.ref.key: {
                        "baseline": r.baseline,
                        "limit": r.limit,
                        "value": r.measurement.value,
                        "ci95": [r.measurement.low, r.measurement.high],
                        "regressed": r.regressed,
                    }
                    for r in self.regressions
                },
            },
        }


def scenario_assertions(results: Results) -> list[Assertion]:
    """The assertions of the scenario that was run (checked by the loader already)."""
    teams = list(results.scenario.teams)
    return [parse_assertion(text, teams) for text in results.scenario.assertions]


def load_baseline(path: str | Path) -> dict[str, Any]:
    """Read a summary.json of `cxsim run`; BadBaseline says what is wrong with it."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BadBaseline(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise BadBaseline(f"{path}: expected UTF-8 JSON, got binary content") from None
    except json.JSONDecodeError as error:
        where = f"{path}:{error.lineno}:{error.colno}"
        raise BadBaseline(f"{where}: invalid JSON: {error.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise BadBaseline(f"{path}: expected the summary.json of a cxsim run, with 'metrics'")
    return data


def _baseline_mean(entry: Any) -> float | None:
    mean = entry.get("mean") if isinstance(entry, dict) else None
    return float(mean) if isinstance(mean, int | float) and not isinstance(mean, bool) else None


def regression(ref: MetricRef, baseline: float, now: Measurement, tolerance: float) -> Regression:
    """Whether `now` is significantly worse than `baseline` beyond a relative tolerance."""
    if ref.metric.better == "lower":
        limit = baseline + tolerance * abs(baseline)
        worse = now.low is not None and now.low > limit
    else:
        limit = baseline - tolerance * abs(baseline)
        worse = now.high is not None and now.high < limit
    return Regression(ref, baseline, limit, now, worse)


def find_regressions(
    results: Results, baseline: dict[str, Any], tolerance: float
) -> list[Regression]:
    """Every metric with a known better direction compared with the baseline's mean."""
    refs: list[tuple[MetricRef, Any]] = [
        (MetricRef(m), baseline["metrics"].get(m.name)) for m in CASE_METRICS
    ]
    teams = baseline.get("teams") if isinstance(baseline.get("teams"), dict) else {}
    for team in results.scenario.teams:
        stored = teams.get(team) if isinstance(teams.get(team), dict) else {}
        refs.extend((MetricRef(m, team), stored.get(m.name)) for m in TEAM_METRICS)
    found = []
    for ref, entry in refs:
        mean = _baseline_mean(entry)
        if ref.metric.better == "neither" or mean is None:
            continue
        found.append(regression(ref, mean, measure(results.replications, ref), tolerance))
    return found


def check(
    results: Results,
    strict: bool = False,
    baseline: str | Path | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> CheckReport:
    """Judge the scenario's assertions on `results` and, given a baseline, find regressions."""
    judgements = [
        judge(assertion, measure(results.replications, assertion.ref))
        for assertion in scenario_assertions(results)
    ]
    report = CheckReport(results, judgements, strict=strict, tolerance=tolerance)
    if baseline is not None:
        stored = load_baseline(baseline)
        report.baseline = str(baseline)
        name = stored.get("scenario")
        report.baseline_scenario = name if isinstance(name, str) else None
        report.regressions = find_regressions(results, stored, tolerance)
    return report


# --- for people --------------------------------------------------------------------------

_LABELS = {"pass": "PASS", "fail": "FAIL", "inconclusive": "INCONCLUSIVE"}


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
        lines.extend(["", f"baseline {report.baseline} · tolerance {report.tolerance:.0%}"])
        if report.baseline_scenario not in (None, results.scenario.name):
            lines.append(f"note: the baseline is of scenario {report.baseline_scenario!r}")
        for r in report.regressed:
            lines.append(f"{'REGRESSION':<14} {r.ref.key}")
            lines.append(f"{'':<14} {r.summary}: {r.reason}")
        unchanged = len(report.regressions) - len(report.regressed)
        lines.append(f"no regression in {unchanged} other metrics")
    counts = {outcome: sum(j.outcome == outcome for j in report.judgements) for outcome in _LABELS}
    tally = (
        f"{counts['pass']} passed, {counts['fail']} failed, {counts['inconclusive']} inconclusive"
    )
    if report.baseline is not None:
        tally += f", {len(report.regressed)} regressed"
    lines.extend(["", f"{tally} → {'ok' if report.ok else 'FAILED'}"])
    return "\n".join(lines)
