"""A run's report.html: the scenario, headline metrics, verdicts, warnings, charts, worst cases.

Everything on the page comes from the run folder, so `cxsim report` can rebuild it long
after the run: the scenario's name and description (scenario.json), the headline
metrics with their 95 % intervals and the warnings (summary.json), the assertion
verdicts (check.json, or judged on the summary), the charts (plots/*.svg, inlined) and
the three worst cases told as timelines (figures.json), each as a table like `cxsim
trace` prints next to its swimlane.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cxsim import narration
from cxsim.metrics import CASE_METRICS, PERCENTILES, TEAM_METRICS, Metric
from cxsim.report.folder import RunFolder
from cxsim.report.html import inline_svg, page, table, text
from cxsim.report.plots import Plot
from cxsim.report.verdicts import verdicts
from cxsim.scenario.units import UNDEFINED, format_duration
from cxsim.scenario.weekly import clock
from cxsim.table import format_value, interval_text, percentile_text, row_unit, team_metrics

SECTIONS = {
    "resolution": "Time to resolution",
    "handoffs": "Handoffs",
    "orphans": "Orphaned cases",
    "teams": "Teams over the week",
}
"""Report sections of the charts, in page order (timelines come with the worst cases)."""

TIMELINE_VALUES = ("handoffs", "repeats", "contacts", "broken_promises")
"""Case values told under a worst case's heading, after how it ended."""
TEAM_HEADLINE = (
    "asa",
    "service_level",
    "booking_to_visit",
    "abandonment_rate",
    "occupancy",
    "handled",
)
"""Team metrics in the report's team table; the counts behind them are in summary.json."""
SHOWN_EVENTS = 60
"""Most events of a worst case told in its table: the first ones and the last few."""
SHOWN_LAST = 10


def _name(metric: Metric) -> str:
    """A metric's name, with its description shown on hover."""
    label = text(metric.name.replace("_", " "))
    return f'<span title="{text(metric.description)}">{label}</span>'


def headline(summary: Mapping[str, Any]) -> str:
    """The case metrics, mean with 95 % interval, and percentiles of the times."""
    metrics = summary.get("metrics") or {}
    rows = []
    for metric in CASE_METRICS:
        entry = metrics.get(metric.name)
        if not entry or metric.name == "cases":
            continue
        unit = row_unit(metric, entry)
        rows.append(
            [
                _name(metric),
                text(format_value(metric, entry.get("mean"), unit)),
                text(interval_text(metric, entry.get("ci95") or [None, None], unit)),
                *(
                    text(percentile_text(entry[f"p{p}"], unit) if f"p{p}" in entry else "")
                    for p in PERCENTILES
                ),
            ]
        )
    head = ["metric", "mean", "95 % CI", *(f"p{p}" for p in PERCENTILES)]
    return table(head, rows)


def team_table(summary: Mapping[str, Any]) -> str:
    """One row per team: each team metric that applies to it, mean with its 95 % interval."""
    teams = summary.get("teams") or {}
    if not teams:
        return ""
    shown = [m for m in TEAM_METRICS if m.name in TEAM_HEADLINE]
    rows = []
    for name, values in teams.items():
        applies = {m.name for m in team_metrics(name, values)}
        row = [text(name)]
        for metric in shown:
            entry = values.get(metric.name) or {}
            if metric.name not in applies:
                row.append(text(UNDEFINED))
                continue
            unit = row_unit(metric, entry)
            mean = format_value(metric, entry.get("mean"), unit)
            low_high = interval_text(metric, entry.get("ci95") or [None, None], unit)
            row.append(f"{text(mean)}<br><small>{text(low_high)}</small>")
        rows.append(row)
    return table(["team", *(m.name.replace("_", " ") for m in shown)], rows)


def verdict_section(run: RunFolder) -> str:
    """The assertions' verdicts, with where they were judged."""
    found, source = verdicts(run.scenario, run.summary, run.check)
    if not found:
        return "<p>The scenario has no assertions.</p>"
    rows = [
        [
            text(v.assertion),
            f'<span class="{v.outcome.replace(" ", "-")}">{text(v.outcome.upper())}</span>',
            text(v.measured),
            text(v.interval),
            text(v.reason),
        ]
        for v in found
    ]
    note = f"<p>Judged by {text(source)} on the 95 % interval over replications.</p>"
    head = ["assertion", "verdict", "measured", "95 % CI", "why"]
    return note + table(head, rows, css="verdicts", names=2)


def _who(event: Mapping[str, Any]) -> str:
    return narration.who(event.get("team"), event.get("org"), event.get("channel"))


def _what(event: Mapping[str, Any], weekday: int) -> str:
    return narration.what(str(event.get("what", "")), event.get("details") or {}, weekday)


def timeline_table(timeline: Mapping[str, Any], weekday: int) -> str:
    """The case's events as `cxsim trace` tells them: clock, who, what."""
    root = str(timeline.get("case"))
    events = list(timeline.get("events") or [])
    rows = []
    for index, event in enumerate(events):
        if len(events) > SHOWN_EVENTS and index == SHOWN_EVENTS - SHOWN_LAST:
            left_out = len(events) - SHOWN_EVENTS
            rows.append(["", "", text(f"… {left_out} more events: cxsim trace --case tells all")])
        if len(events) > SHOWN_EVENTS and SHOWN_EVENTS - SHOWN_LAST <= index < (
            len(events) - SHOWN_LAST
        ):
            continue
        label = str(event.get("case", root))
        prefix = "" if label == root else f"[{label}] "
        when = event.get("clock") or clock(float(event.get("time", 0.0)), weekday)
        rows.append([text(when), text(_who(event)), text(prefix + _what(event, weekday))])
    return table(["when", "who", "what"], rows, css="timeline", names=3)


def timeline_heading(timeline: Mapping[str, Any]) -> str:
    """`case 1742 · segment default · journey move` and how it ended."""
    values = timeline.get("values") or {}
    parts = [f"case {timeline.get('case')}"]
    if timeline.get("stream"):
        parts.append(f"stream {timeline['stream']}")
    parts.extend([f"segment {timeline.get('segment')}", f"journey {timeline.get('journey')}"])
    if "replication" in timeline:
        parts.append(f"replication {timeline['replication']}")
    ending = (
        "resolved" if values.get("resolved") else "still open" if values.get("open") else "gave up"
    )
    told = [f"customer view: {ending} after {format_duration(values.get('time_to_resolution'))}"]
    for key in (k for k in TIMELINE_VALUES if k in values):
        name = key.replace("_", " ")
        told.append(f"{values[key]:.0f} {name[:-1] if values[key] == 1 else name}")
    if values.get("orphaned"):
        told.append(f"orphaned {format_duration(values.get('orphan_time'))}")
    return f"<h3>{text(' · '.join(parts))}</h3><p>{text(' · '.join(told))}</p>"


def _chart(plot: Plot, index: int) -> str:
    return inline_svg(plot.path.read_bytes(), f"c{index}", plot.title)


def run_page(run: RunFolder, plots: Sequence[Plot], problems: Sequence[str] = ()) -> str:
    """The whole report of a run as one HTML document."""
    summary, scenario, manifest = run.summary, run.scenario, run.manifest
    name = scenario.get("name") or summary.get("scenario") or run.path.name
    cases = ((summary.get("metrics") or {}).get("cases") or {}).get("mean")
    meta = [f"{summary.get('replications', '?')} replications", f"seed {summary.get('seed', '?')}"]
    if cases is not None:
        meta.append(f"{cases:,.0f} cases per replication")
    if scenario.get("horizon") is not None:
        meta.append(f"horizon {format_duration(scenario['horizon'])}")
    if manifest.get("cxsim_version"):
        meta.append(f"cxsim {manifest['cxsim_version']}")
    if manifest.get("complete") is False:
        meta.append("incomplete run")
    parts = [f"<h1>{text(name)}</h1>", f'<p class="meta">{text(" · ".join(meta))}</p>']
    if scenario.get("description"):
        parts.append(f"<p>{text(scenario['description'])}</p>")
    warnings = [*(summary.get("warnings") or []), *problems]
    if warnings:
        items = "".join(f"<li>{text(w)}</li>" for w in warnings)
        parts.append(f'<h2>Warnings</h2><ul class="warnings">{items}</ul>')
    parts += ["<h2>Headline metrics</h2>", headline(summary)]
    if summary.get("teams"):
        parts += ["<h3>Teams</h3>", team_table(summary)]
    parts += ["<h2>Assertions</h2>", verdict_section(run)]
    numbered = list(enumerate(plots))
    if not run.figures:
        parts.append(
            "<p>This run folder has no figures.json (an older cxsim wrote it): "
            "run the scenario again for the charts.</p>"
        )
    for section, title in SECTIONS.items():
        mine = [_chart(plot, i) for i, plot in numbered if plot.section == section]
        if mine:
            parts += [f"<h2>{text(title)}</h2>", *mine]
    timelines = (run.figures.get("timelines") or []) if run.figures else []
    if timelines:
        weekday = int(run.figures.get("weekday") or 0)
        charts = [plot for _, plot in numbered if plot.section == "timelines"]
        worst = "The worst case" if len(timelines) == 1 else f"The {len(timelines)} worst cases"
        parts.append(f"<h2>{worst} (customer time to resolution)</h2>")
        for rank, timeline in enumerate(timelines):
            parts.append(timeline_heading(timeline))
            chart = [p for p in charts if p.path.name == f"timeline-{rank + 1}.svg"]
            if chart:
                parts.append(_chart(chart[0], len(plots) + rank))
            parts.append(timeline_table(timeline, weekday))
    return page(f"{name} · cxsim report", "\n".join(parts))
