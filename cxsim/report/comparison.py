"""A what-if comparison's folder: comparison.json, the differences chart and a report.html.

`cxsim compare` writes them into `<out>/<base scenario>/compare-<run-id>/`. The page is
made from comparison.json alone (the same data `cxsim compare --json` prints): both
means, the paired difference with its 95 % interval and the verdict of every metric,
times in human units and rates in percentage points, with the chart of the differences.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxsim.compare import difference_unit, format_difference
from cxsim.metrics import CASE_METRICS, TEAM_METRICS, Metric
from cxsim.output import atomic_write, run_folder, to_json
from cxsim.report.charts import svg_bytes
from cxsim.report.differences import differences_chart
from cxsim.report.html import inline_svg, page, table, text
from cxsim.scenario.units import UNDEFINED
from cxsim.table import format_value, row_unit

if TYPE_CHECKING:
    from cxsim.compare import Comparison

_CASE = {m.name: m for m in CASE_METRICS}
_TEAM = {m.name: m for m in TEAM_METRICS}
SKIPPED = ("cases",)
"""Metrics left out of the table: the number of cases follows the arrivals, not the change."""


def _rows(group: Mapping[str, Any], metrics: Mapping[str, Metric]) -> list[list[str]]:
    rows = []
    for name, item in group.items():
        metric = metrics.get(name)
        if metric is None or name in SKIPPED:
            continue
        base, variant = item.get("base"), item.get("variant")
        if base is None and variant is None:
            continue  # undefined in both (the service level of a back office)
        low, high = item.get("ci95") or (None, None)
        unit = difference_unit(metric, item.get("difference"))
        interval = (
            UNDEFINED
            if low is None or high is None
            else f"{format_difference(metric, low, unit)} – {format_difference(metric, high, unit)}"
        )
        level = row_unit(metric, {"mean": base, "ci95": [variant, None]})
        verdict = item.get("verdict", "")
        rows.append(
            [
                text(name.replace("_", " ")),
                text(format_value(metric, base, level)),
                text(format_value(metric, variant, level)),
                text(format_difference(metric, item.get("difference"), unit)),
                text(interval),
                f'<span class="{verdict.split()[0] if verdict else ""}">{text(verdict)}</span>',
            ]
        )
    return rows


HEAD = ["metric", "base", "variant", "difference", "95 % CI of difference", "verdict"]


def comparison_page(data: Mapping[str, Any], chart: bytes | None) -> str:
    """The comparison's report as one HTML document."""
    base = (data.get("base") or {}).get("scenario", "base")
    variant = (data.get("variant") or {}).get("scenario", "variant")
    meta = (
        f"{(data.get('base') or {}).get('replications', '?')} replications · "
        f"seed {data.get('seed', '?')} · common random numbers"
    )
    parts = [f"<h1>{text(base)} → {text(variant)}</h1>", f'<p class="meta">{text(meta)}</p>']
    changes = [f"both: --set-both {o}" for o in data.get("set_both") or []]
    shared = len(data.get("set_both") or [])
    changes += [
        f"variant: --set {o}" for o in (data.get("variant") or {}).get("overrides", [])[shared:]
    ]
    if changes:
        parts.append(
            "<ul>" + "".join(f"<li><code>{text(c)}</code></li>" for c in changes) + "</ul>"
        )
    parts.append(
        "<p>Each difference is variant − base, replication by replication, with its 95 % "
        "interval; negligible: the whole interval within ± the smallest difference worth "
        "reporting.</p>"
    )
    if chart is not None:
        parts += ["<h2>Differences</h2>", inline_svg(chart, "d0", "differences")]
    parts += ["<h2>Metrics</h2>", table(HEAD, _rows(data.get("metrics") or {}, _CASE))]
    for kind, metrics, word in (("streams", _CASE, "stream"), ("teams", _TEAM, "team")):
        for name, group in (data.get(kind) or {}).items():
            parts += [f"<h3>{word} {text(name)}</h3>", table(HEAD, _rows(group, metrics))]
    return page(f"{base} → {variant} · cxsim compare", "\n".join(parts))


COMPARISON = "comparison.json"


def write_comparison(comparison: Comparison, out: str | Path) -> Path:
    """Write comparison.json, plots/differences.svg and report.html into a new folder."""
    folder = run_folder(out, comparison.base.scenario.name, prefix="compare-")
    atomic_write(folder / COMPARISON, to_json(comparison.to_dict()))
    write_comparison_report(folder)
    return folder


def write_comparison_report(folder: Path) -> Path:
    """(Re)write a compare folder's chart and report.html from its comparison.json."""
    data = json.loads((folder / COMPARISON).read_text(encoding="utf-8"))
    chart = svg_bytes(differences_chart(data))
    (folder / "plots").mkdir(exist_ok=True)
    atomic_write(folder / "plots" / "differences.svg", chart)
    path = folder / "report.html"
    atomic_write(path, comparison_page(data, chart))
    return path
