"""The summary as a table for people: one metric a line, times in human units."""

from __future__ import annotations

from typing import Any

from cxsim.metrics import CASE_METRICS, PERCENTILES, TEAM_METRICS, Metric
from cxsim.scenario.units import format_duration


def format_value(metric: Metric, value: float | None) -> str:
    """A value of `metric` for people: times in human units, rates in per cent."""
    if value is None:
        return "–"
    if metric.kind == "time":
        return format_duration(value)
    if metric.kind == "rate":
        return f"{value * 100:.1f} %"
    if metric.kind == "count":
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"
    return f"{value:.2f}"


def _interval(metric: Metric, ci: list[float | None]) -> str:
    low, high = ci
    if low is None or high is None:
        return "–"
    return f"{format_value(metric, low)} – {format_value(metric, high)}"


def _row(label: str, metric: Metric, entry: dict[str, Any]) -> str:
    mean = format_value(metric, entry["mean"])
    line = f"{label:<30} {mean:>12}  {_interval(metric, entry['ci95']):<27}"
    if any(f"p{p}" in entry for p in PERCENTILES):
        line += "".join(f"{_percentile(entry.get(f'p{p}')):>15}" for p in PERCENTILES)
    return line.rstrip()


def _percentile(value: float | None) -> str:
    return "beyond reach" if value is None else format_duration(value)


def summary_table(summary: dict[str, Any]) -> str:
    """The summary of a run as aligned text."""
    metrics = summary["metrics"]
    cases = metrics.get("cases", {}).get("mean")
    head = (
        f"{summary['scenario']} · {summary['replications']} replications · seed {summary['seed']}"
    )
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
    for team, values in summary.get("teams", {}).items():
        lines.append("")
        lines.append(f"team {team}")
        for metric in TEAM_METRICS:
            if metric.name in values:
                lines.append(
                    _row("  " + metric.name.replace("_", " "), metric, values[metric.name])
                )
    return "\n".join(lines)
