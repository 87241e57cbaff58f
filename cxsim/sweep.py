"""Sweeps: run a scenario over a grid of values and follow chosen metrics across it.

`--vary PATH=v1,v2,…` names a scenario value and the values to try, each read as YAML
like a `--set` value (commas inside brackets or quotes do not split). Several `--vary`
span the cartesian product. Every point of the grid runs with the same seed and number
of replications, so neighbouring points differ by the change, not by luck. Each chosen
metric (a reference as in `cxsim.measures`) is measured with its 95 % interval; the
sweep writes `sweep.csv`, one SVG chart per metric against the first varied value (one
line per combination of the others, `cxsim.report.sweeps`), a `report.html` and a
`manifest.json`, atomically, into a new folder `<out>/<scenario>/<run-id>/`.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxsim.measures import (
    Measurement,
    MetricRef,
    format_interval,
    format_measured,
    measure,
    parse_metric,
)
from cxsim.metrics import Replication
from cxsim.montecarlo import connected, run
from cxsim.output import atomic_write, file_sha256, run_folder, to_json, version
from cxsim.scenario import Override, Problem, Scenario, ScenarioError, load_scenario, parse_override

if TYPE_CHECKING:
    from cxsim.cluster import Cluster

DEFAULT_METRICS = ("time_to_resolution", "resolved_rate")
"""Metrics of a sweep without `--metric`; each team's `asa` and `occupancy` come on top."""


@dataclass(frozen=True)
class Vary:
    """One varied scenario value: its dotted path and the overrides that set each value."""

    text: str
    path: str
    values: tuple[Override, ...]


def split_values(raw: str) -> list[str]:
    """Split `v1,v2,…` at commas outside brackets, braces and quotes."""
    parts: list[str] = []
    depth, quote, start = 0, "", 0
    for index, char in enumerate(raw):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(raw[start:index])
            start = index + 1
    parts.append(raw[start:])
    return [part.strip() for part in parts]


def parse_vary(text: str) -> Vary:
    """Read `PATH=v1,v2,…`; ScenarioError names the `--vary` at fault."""
    where = f"--vary {text}"
    path, equals, raw = text.partition("=")
    values = split_values(raw) if equals else []
    if not equals or not path.strip() or not all(values):
        message = "expected PATH=v1,v2,… such as teams.agents.size=10,11,12"
        raise ScenarioError([Problem(where, "", f"{message}, got {text!r}")])
    overrides = []
    for value in values:
        try:
            overrides.append(parse_override(f"{path.strip()}={value}"))
        except ScenarioError as error:
            raise _at_vary(error, where) from None
    return Vary(text, path.strip(), tuple(overrides))


def _at_vary(error: ScenarioError, where: str, overrides: Sequence[Override] = ()) -> ScenarioError:
    """The error with problems caused by a varied value pointed at its `--vary`."""
    ours = {o.where for o in overrides}
    problems = [
        replace(p, where=where) if p.where in ours or not overrides else p for p in error.problems
    ]
    return ScenarioError(problems)


@dataclass
class Point:
    """One point of the grid: the varied values, the replications, the measurements."""

    overrides: tuple[Override, ...]
    replications: list[Replication] = field(default_factory=list, repr=False)
    measurements: dict[str, Measurement] = field(default_factory=dict)
    failed: list[tuple[int, str]] = field(default_factory=list)

    @property
    def values(self) -> tuple[Any, ...]:
        """The varied values (as read from YAML), in `--vary` order."""
        return tuple(o.value for o in self.overrides)


@dataclass
class Sweep:
    """A finished (or interrupted) sweep."""

    scenario: Scenario
    scenario_file: Path
    varies: list[Vary]
    refs: list[MetricRef]
    points: list[Point]
    seed: int
    replications: int
    overrides: list[str] = field(default_factory=list)
    interrupted: bool = False


def metric_refs(scenario: Scenario, names: Sequence[str]) -> list[MetricRef]:
    """The metrics to follow: `names` read as references, or the default set."""
    teams = list(scenario.teams)
    if not names:
        extra = [f"teams.{team}.{name}" for team in teams for name in ("asa", "occupancy")]
        names = [*DEFAULT_METRICS, *extra]
    refs, problems = [], []
    for name in names:
        try:
            refs.append(parse_metric(name, teams, scenario.customers.stream_names()))
        except ValueError as error:
            problems.append(Problem(f"--metric {name}", "", str(error)))
    if problems:
        raise ScenarioError(problems)
    return refs


def plan(
    path: str | Path,
    varies: Sequence[str],
    overrides: Sequence[str] = (),
    warnings: list[Problem] | None = None,
) -> tuple[list[Vary], list[tuple[Override, ...]], list[Scenario]]:
    """Read the `--vary` options and validate every point of the grid before any runs.

    The warnings about the points are added to `warnings` when a list is given, each
    once, those a varied value causes pointed at its `--vary`.
    """
    parsed = [parse_vary(text) for text in varies]
    if not parsed:
        raise ScenarioError([Problem("--vary", "", "expected at least one --vary PATH=v1,v2,…")])
    grid = list(itertools.product(*(v.values for v in parsed)))
    scenarios, problems = [], []
    for point in grid:
        told: list[Problem] = []
        try:
            scenarios.append(load_scenario(path, [*overrides, *point], told))
        except ScenarioError as error:
            for override, vary in zip(point, parsed, strict=True):
                error = _at_vary(error, _vary_of(vary, override), [override])
            problems.extend(p for p in error.problems if p not in problems)
        if warnings is not None:
            found = ScenarioError(told)
            for override, vary in zip(point, parsed, strict=True):
                found = _at_vary(found, _vary_of(vary, override), [override])
            warnings.extend(w for w in found.problems if w not in warnings)
    if problems:
        raise ScenarioError(problems)
    return parsed, grid, scenarios


def _vary_of(vary: Vary, override: Override) -> str:
    """`--vary PATH=VALUE`: the one value of a `--vary` that makes a point."""
    return f"--vary {vary.path}={override.text.split('=', 1)[1]}"


def sweep(
    path: str | Path,
    varies: Sequence[str],
    metrics: Sequence[str] = (),
    overrides: Sequence[str] = (),
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    on_replication: Callable[[Replication], None] | None = None,
    scheduler: str | Cluster | None = None,
) -> Sweep:
    """Run the scenario file at `path` at every point of the grid; measure `metrics`.

    The points run one after another, each on `jobs` local processes or, with
    `scheduler`, on a dask cluster connected to once for the whole grid.
    """
    parsed, grid, scenarios = plan(path, varies, overrides)
    base = scenarios[0]
    refs = metric_refs(base, metrics)
    count = replications if replications is not None else base.replications
    common_seed = seed if seed is not None else base.seed
    result = Sweep(base, Path(path), parsed, refs, [], common_seed, count, list(overrides))
    with connected(scheduler) as cluster:
        for point, scenario in zip(grid, scenarios, strict=True):
            results = run(
                scenario, count, common_seed, jobs, on_replication=on_replication, scheduler=cluster
            )
            done = Point(point, results.replications, failed=results.failed)
            done.measurements = {str(ref): measure(results.replications, ref) for ref in refs}
            result.points.append(done)
            if results.interrupted:
                result.interrupted = True
                break
    return result


# --- tables and files -------------------------------------------------------------------


def _label(value: Any) -> str:
    return value if isinstance(value, str) else to_json(value).strip().replace("\n", "")


def format_sweep(result: Sweep) -> str:
    """The sweep as aligned text: one grid point a line, each metric with its interval."""
    heads = [v.path for v in result.varies] + [str(ref) for ref in result.refs]
    rows = []
    for point in result.points:
        cells = [_label(value) for value in point.values]
        for ref in result.refs:
            measured = point.measurements[str(ref)]
            cells.append(
                f"{format_measured(ref, measured.value)} ({format_interval(ref, measured)})"
            )
        rows.append(cells)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(heads)]
    title = (
        f"{result.scenario.name} · {len(result.points)} points · {result.replications} "
        f"replications each · seed {result.seed} · mean (95 % CI)"
    )
    lines = [title, "", "  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True))]
    lines.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
    return "\n".join(line.rstrip() for line in lines)


def _number(value: float | None) -> str:
    if value is None or math.isnan(value):
        return ""
    return repr(value)


def sweep_csv(result: Sweep) -> str:
    """One row per grid point: the varied values, then each metric's mean and interval."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    head = [v.path for v in result.varies]
    for ref in result.refs:
        head.extend([str(ref), f"{ref}.ci95_low", f"{ref}.ci95_high"])
    writer.writerow([*head, "replications"])
    for point in result.points:
        row = [_label(value) for value in point.values]
        for ref in result.refs:
            measured = point.measurements[str(ref)]
            row.extend(_number(v) for v in (measured.value, measured.low, measured.high))
        writer.writerow([*row, len(point.replications)])
    return buffer.getvalue()


def write_sweep(result: Sweep, out: str | Path) -> Path:
    """Write CSV, charts, report.html and manifest into a new folder under `out`; the folder."""
    # imported here: matplotlib costs a second of start-up that other commands need not pay
    from cxsim.report.sweeps import write_sweep_report

    folder = run_folder(out, result.scenario.name)
    atomic_write(folder / "sweep.csv", sweep_csv(result))
    write_sweep_report(result, folder)
    manifest = {
        "cxsim_version": version(),
        "scenario": result.scenario.name,
        "scenario_file": str(result.scenario_file),
        "scenario_sha256": file_sha256(result.scenario_file),
        "seed": result.seed,
        "replications": result.replications,
        "overrides": result.overrides,
        "vary": [v.text for v in result.varies],
        "metrics": [str(ref) for ref in result.refs],
        "points": len(result.points),
        "complete": not result.interrupted and not any(p.failed for p in result.points),
    }
    atomic_write(folder / "manifest.json", to_json(manifest))
    return folder
