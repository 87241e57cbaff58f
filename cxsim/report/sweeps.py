"""A sweep as charts and a page: each metric against the first varied value, with 95 % intervals.

One line per combination of the other varied values. Times are shown in the human unit
their largest value reads best in, rates in per cent; whole-number values on the x axis
(team sizes, counts) get no ticks in between. The sweep's report.html holds the table
`cxsim sweep` prints, as a table, and every chart inline.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib.figure import Figure

from cxsim.measures import format_interval, format_measured
from cxsim.output import atomic_write, to_json
from cxsim.report.charts import chart, new_figure, percent_axis, time_unit, write_svg
from cxsim.report.html import inline_svg, page, table, text

if TYPE_CHECKING:
    from cxsim.measures import MetricRef
    from cxsim.sweep import Point, Sweep


def label(value: Any) -> str:
    """A varied value as written on an axis or in a legend."""
    return value if isinstance(value, str) else to_json(value).strip().replace("\n", "")


def _kind(ref: MetricRef) -> str:
    return "time" if ref.stat != "mean" else ref.metric.kind


@chart
def sweep_chart(result: Sweep, ref: MetricRef) -> Figure:
    """One metric against the first varied value, mean and 95 % CI, a line per other combination."""
    first = result.varies[0]
    xs = [o.value for o in first.values]
    numeric = all(isinstance(x, int | float) and not isinstance(x, bool) for x in xs)
    position = {label(x): (x if numeric else i) for i, x in enumerate(xs)}
    measured = [p.measurements[str(ref)] for p in result.points]
    kind = _kind(ref)
    unit = time_unit([m.high if m.high is not None else m.value for m in measured])
    factor = 1.0 / unit.minutes if kind == "time" else 1.0
    figure = new_figure(6.4, 4.0)
    axes = figure.add_subplot()
    lines: dict[tuple[str, ...], list[Point]] = {}
    for point in result.points:
        lines.setdefault(tuple(label(v) for v in point.values[1:]), []).append(point)
    for others, points in lines.items():
        x, y, below, above = [], [], [], []
        for point in points:
            value = point.measurements[str(ref)]
            if value.value is None or not math.isfinite(value.value):
                continue
            low = value.low if value.low is not None else value.value
            high = value.high if value.high is not None else value.value
            x.append(position[label(point.values[0])])
            y.append(value.value * factor)
            below.append((value.value - low) * factor)
            above.append((high - value.value) * factor if math.isfinite(high) else 0.0)
        names = [v.path for v in result.varies[1:]]
        legend = ", ".join(f"{n}={o}" for n, o in zip(names, others, strict=True)) or None
        axes.errorbar(x, y, yerr=[below, above], marker="o", capsize=3, label=legend)
    if not numeric:
        axes.set_xticks(list(position.values()), list(position))
    elif all(isinstance(x, int) for x in xs):
        axes.set_xticks(xs)  # team sizes and counts: no ticks between whole numbers
    axes.set_xlabel(first.path)
    if kind == "rate":
        percent_axis(axes)
        axes.set_ylabel(f"{ref} (%)")
    elif kind == "time":
        axes.set_ylabel(f"{ref} ({unit.name})")
    else:
        axes.set_ylabel(f"{ref} (per {'replication' if kind == 'count' else 'case'})")
    axes.set_title(f"{result.scenario.name}: {ref}, mean and 95 % CI")
    if len(lines) > 1:
        axes.legend()
    return figure


def chart_name(ref: MetricRef) -> str:
    """File name of a metric's chart: `teams.agents.asa.svg`."""
    return f"{ref}.svg"


def sweep_page(result: Sweep, charts: dict[str, bytes]) -> str:
    """The sweep's report: what was varied, a row per grid point, a chart per metric."""
    name = result.scenario.name
    meta = (
        f"{len(result.points)} points · {result.replications} replications each · "
        f"seed {result.seed} · mean and 95 % CI"
    )
    varied = "".join(f"<li><code>--vary {text(v.text)}</code></li>" for v in result.varies)
    names = [v.path for v in result.varies] + [str(ref) for ref in result.refs]
    head = [text(n).replace(".", ".<wbr>") for n in names]  # long paths break at their dots
    rows = []
    for point in result.points:
        cells = [text(label(value)) for value in point.values]
        for ref in result.refs:
            measured = point.measurements[str(ref)]
            shown = format_measured(ref, measured.value)
            cells.append(f"{text(shown)}<br><small>{text(format_interval(ref, measured))}</small>")
        rows.append(cells)
    parts = [
        f"<h1>{text(name)} · sweep</h1>",
        f'<p class="meta">{text(meta)}</p>',
    ]
    if result.scenario.description:
        parts.append(f"<p>{text(result.scenario.description)}</p>")
    if result.interrupted:
        parts.append("<p>Interrupted: not every point of the grid was run.</p>")
    parts += [f"<ul>{varied}</ul>", "<h2>Grid</h2>", table(head, rows, names=len(result.varies))]
    parts.append("<h2>Charts</h2>")
    for index, (title, svg) in enumerate(charts.items()):
        parts.append(inline_svg(svg, f"s{index}", title))
    return page(f"{name} · sweep · cxsim report", "\n".join(parts))


def write_sweep_report(result: Sweep, folder: Path) -> list[Path]:
    """Write a chart per metric and report.html into the sweep's folder; the files written."""
    written, charts = [], {}
    for ref in result.refs:
        path = write_svg(sweep_chart(result, ref), folder / chart_name(ref))
        charts[str(ref)] = path.read_bytes()
        written.append(path)
    report = folder / "report.html"
    atomic_write(report, sweep_page(result, charts))
    return [*written, report]
