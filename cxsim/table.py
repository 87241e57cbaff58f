"""The summary as a table for people: one metric a line, each line in one unit.

A time's line is written in the unit its mean reads best in (its interval and
percentiles too, so they can be compared at a glance); rates in per cent; what is not
defined (the service level of a team with no real-time channel, a rate of nothing) is
`—`. Field teams show the time from booking to the technician's visit, what the
customer feels, rather than a wait in a queue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cxsim.metrics import CASE_METRICS, PERCENTILES, TEAM_METRICS, Metric
from cxsim.scenario.units import UNDEFINED, Unit, duration_unit, format_duration

if TYPE_CHECKING:
    from cxsim.scenario.models import Scenario

FAILURE = Metric("failure", "number", "lower", "occurrences per case")
QUEUE_METRICS = ("asa", "service_level")
"""Team metrics of a queue of contacts, which a field team's visits replace."""


def format_value(metric: Metric, value: float | None, unit: Unit | None = None) -> str:
    """A value of `metric` for people: times in human units (or `unit`), rates in per cent."""
    if value is None:
        return UNDEFINED
    if metric.kind == "time":
        return format_duration(value, unit)
    if metric.kind == "rate":
        return f"{value * 100:.1f} %"
    if metric.kind == "count":
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"
    return f"{value:.2f}" if abs(value) >= 0.1 or value == 0 else f"{value:.3f}"


def row_unit(metric: Metric, entry: dict[str, Any]) -> Unit | None:
    """The one unit a time metric's line is written in: the one its mean reads best in."""
    if metric.kind != "time":
        return None
    values = [entry.get("mean"), *entry.get("ci95", [None, None])]
    value = next((v for v in values if v is not None), None)
    return duration_unit(value) if value is not None else None


def interval_text(metric: Metric, ci: list[float | None], unit: Unit | None = None) -> str:
    """`1.9 h – 2.8 h`: a 95 % interval in `unit` (times), `—` when there is none."""
    low, high = ci
    if low is None or high is None:
        return UNDEFINED
    return f"{format_value(metric, low, unit)} – {format_value(metric, high, unit)}"


def percentile_text(value: float | None, unit: Unit | None = None) -> str:
    """A time percentile in `unit`; `beyond reach` when fewer cases were ever resolved."""
    return "beyond reach" if value is None else format_duration(value, unit)


def _row(label: str, metric: Metric, entry: dict[str, Any]) -> str:
    unit = row_unit(metric, entry)
    mean = format_value(metric, entry["mean"], unit)
    line = f"{label:<30} {mean:>12}  {interval_text(metric, entry['ci95'], unit):<27}"
    if any(f"p{p}" in entry for p in PERCENTILES):
        line += "".join(f"{percentile_text(entry.get(f'p{p}'), unit):>15}" for p in PERCENTILES)
    return line.rstrip()


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def team_metrics(
    name: str, values: dict[str, Any], scenario: Scenario | None = None
) -> list[Metric]:
    """The metrics that apply to team `name`, in the order of TEAM_METRICS.

    A field team (one with a `booking_to_visit` and no real-time contacts, hence no
    service level) shows that instead of a queue's wait and service level; a team that
    answers a phone and visits too shows both. `overflowed` only for a team with an
    overflow (when `scenario` says).
    """
    spec = scenario.teams.get(name) if scenario is not None else None
    visits = (values.get("booking_to_visit") or {}).get("mean") is not None
    queue = (values.get("service_level") or {}).get("mean") is not None
    field_team = visits and not queue
    shown = []
    for metric in TEAM_METRICS:
        if metric.name not in values:
            continue
        if metric.name == "booking_to_visit" and not visits:
            continue
        if metric.name in QUEUE_METRICS and field_team:
            continue
        if metric.name == "overflowed" and spec is not None and spec.overflow is None:
            continue
        shown.append(metric)
    return shown


def summary_table(summary: dict[str, Any], scenario: Scenario | None = None) -> str:
    """The summary of a run as aligned text (`scenario` leaves out what does not apply)."""
    metrics = summary["metrics"]
    cases = metrics.get("cases", {}).get("mean")
    head = f"{summary['scenario']} · {_plural(summary['replications'], 'replication')}"
    head += f" · seed {summary['seed']}"
    if cases is not None:
        head += f" · {cases:,.0f} cases per replication"
    lines = [head, ""]
    for warning in summary.get("warnings", []):
        lines.append(f"warning: {warning}")
    if summary.get("warnings"):
        lines.append("")
    columns = f"{'metric':<30} {'mean':>12}  {'95 % CI':<27}"
    columns += "".join(f"{'p' + str(p):>15}" for p in PERCENTILES)
    lines.append(columns)
    for metric in CASE_METRICS:
        if metric.name in metrics and metric.name != "cases":
            lines.append(_row(metric.name.replace("_", " "), metric, metrics[metric.name]))
    for stream, values in summary.get("streams", {}).items():
        lines.append("")
        lines.append(f"stream {stream} · {values['cases']['mean']:,.0f} cases per replication")
        for metric in CASE_METRICS:
            if metric.name in values and metric.name != "cases":
                lines.append(
                    _row("  " + metric.name.replace("_", " "), metric, values[metric.name])
                )
    failures = summary.get("failures", {})
    if failures:
        lines.append("")
        lines.append("failures (occurrences per case)")
        for name, entry in failures.items():
            lines.append(_row("  " + name, FAILURE, entry))
    for team, values in summary.get("teams", {}).items():
        lines.append("")
        lines.append(f"team {team}")
        for metric in team_metrics(team, values, scenario):
            label = "  " + metric.name.replace("_", " ")
            lines.append(_row(label, metric, values[metric.name]))
    return "\n".join(lines)
