"""How often `cxsim check --baseline` cries wolf, and how often it catches a real worsening.

False alarms: for each story in `scenarios/` and each of N seed pairs, a baseline run on
one seed and a run of the unchanged scenario on another seed; a check with any
regression is a false alarm. With Holm at 5 % over the metrics of a check, at most about
5 % of checks should raise one (fewer with a tolerance above 0, since the true
difference then lies inside H0). The same pairs are also judged by the rule `check`
used before per-replication values were kept (a regression when the new run's whole
95 % interval lies beyond the baseline mean moved by the tolerance), for comparison.

Power: `fiber_install.yml` with a change that raises `orphan_rate` by about one
percentage point (by default the drilled pipe's probability, `failures.1.probability`,
from 0.05 to 0.066; the orphan_rate of both runs is measured and printed, so a changed
engine shows here whether the knob still gives about +1 pp). It is checked against each
baseline on the same seed (paired test, common random numbers: how a CI pipeline runs
it) and on another seed (Welch's test).

Simulation goes through the library (`cxsim.run`); nothing here is timed. Shares come
with exact (Clopper–Pearson) 95 % intervals: N pairs cannot tell 3 % from 6 %.

    python bench/baseline_false_alarms.py                       # 20 seed pairs, as shipped
    python bench/baseline_false_alarms.py -r 10 --set fiber_install:horizon=120d  # as CI might
    python bench/baseline_false_alarms.py --quick               # a smoke check
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cxsim import load_scenario, run
from cxsim.check import DEFAULT_TOLERANCE, Regression, find_regressions
from cxsim.montecarlo import Results
from cxsim.output import to_json
from cxsim.scenario import Scenario, ScenarioError
from cxsim.statistics import clopper_pearson

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
STORIES = ("router_outage", "dsl_outage", "fiber_install", "roadside_assistance")
POWER_STORY = "fiber_install"
POWER_CHANGE = "failures.1.probability=0.066"
"""The drilled pipe (failure 1 of fiber_install.yml) on 6.6 % of installs instead of 5 %."""
FIRST_SEED = 10_000


def baseline_of(results: Results) -> dict[str, Any]:
    """The summary as `check --baseline` reads it from a file: through JSON."""
    return json.loads(to_json(results.summary()))


def old_rule(found: Sequence[Regression]) -> bool:
    """Any regression by the rule before: the whole new interval beyond the limit."""
    for r in found:
        low, high = r.measurement.low, r.measurement.high
        if r.ref.metric.better == "lower" and low is not None and low > r.limit:
            return True
        if r.ref.metric.better == "higher" and high is not None and high < r.limit:
            return True
    return False


def share(count: int, total: int) -> str:
    """`3/20 = 15 % (3 %–38 %)`: a share with its exact 95 % interval."""
    low, high = clopper_pearson(count, total)
    return f"{count}/{total} = {percent(count / total)} ({percent(low)}–{percent(high)})"


def percent(value: float, digits: int = 0) -> str:
    """`15 %`."""
    return f"{value * 100:.{digits}f} %"


def mean(values: Sequence[float]) -> float:
    """Plain mean (the runs' orphan rates)."""
    return sum(values) / len(values)


def overrides_for(story: str, overrides: Sequence[str]) -> list[str]:
    """The `--set` values for `story`: plain ones, and `STORY:PATH=VALUE` of that story."""
    chosen = []
    for text in overrides:
        key, _, value = text.partition("=")
        name, colon, path = key.partition(":")
        if not colon:
            chosen.append(text)
        elif name not in STORIES:
            sys.exit(f"--set {text}: unknown story {name!r}, expected one of {', '.join(STORIES)}")
        elif name == story:
            chosen.append(f"{path}={value}")
    return chosen


class Bench:
    """The options of one bench run and the runs it needs."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.seeds: int = args.seeds
        self.replications: int | None = args.replications
        self.overrides: list[str] = list(args.overrides)
        self.tolerance: float = args.tolerance
        self.jobs: int | None = args.jobs
        self.stories: list[str] = args.stories or list(STORIES)
        self.power_change: str = args.power_change

    def scenario(self, story: str, *more: str) -> Scenario:
        """A story with the bench's overrides for it (and `more`) applied."""
        return load_scenario(
            SCENARIOS / f"{story}.yml", [*overrides_for(story, self.overrides), *more]
        )

    def run(self, model: Scenario, seed: int) -> Results:
        """One run; a failed replication stops the bench, as it would fail the check."""
        results = run(model, self.replications, seed, self.jobs)
        if results.failed or results.interrupted:
            index, error = results.failed[0] if results.failed else (None, "interrupted")
            sys.exit(f"{model.name} seed {seed}: replication {index} failed:\n{error}")
        return results

    def pair_seeds(self, pair: int) -> tuple[int, int]:
        """Seeds of the baseline and of the other run of a pair; distinct across pairs."""
        return FIRST_SEED + 2 * pair, FIRST_SEED + 2 * pair + 1


def false_alarms(bench: Bench, story: str, baselines: dict[int, dict[str, Any]]) -> str:
    """The row of one story: checks with a false regression, new rule and old."""
    model = bench.scenario(story)
    alarms = old = 0
    tripped: Counter[str] = Counter()
    metrics = 0
    for pair in range(bench.seeds):
        first, second = bench.pair_seeds(pair)
        baseline = baseline_of(bench.run(model, first))
        baselines[pair] = baseline
        found = find_regressions(bench.run(model, second), baseline, bench.tolerance)
        metrics = len(found)
        regressed = [r.ref.key for r in found if r.regressed]
        alarms += bool(regressed)
        tripped.update(regressed)
        old += old_rule(found)
        print(f"  {story} pair {pair}: {', '.join(regressed) or 'ok'}", file=sys.stderr)
    often = ", ".join(f"{key} ×{n}" for key, n in tripped.most_common(3)) or "–"
    return (
        f"{story:<21} {metrics:>7}  {share(alarms, bench.seeds):<22}"
        f"  {share(old, bench.seeds):<22}  {often}"
    )


def power(bench: Bench, baselines: dict[int, dict[str, Any]]) -> list[str]:
    """How often the +1 pp orphan_rate change is caught, paired and Welch."""
    changed = bench.scenario(POWER_STORY, bench.power_change)
    before: list[float] = []
    after: list[float] = []
    caught = {"paired": [0, 0], "welch": [0, 0]}  # orphan_rate regressed, any regression
    for pair in range(bench.seeds):
        first, second = bench.pair_seeds(pair)
        baseline = baselines[pair]
        before.append(baseline["metrics"]["orphan_rate"]["mean"])
        for mode, seed in (("paired", first), ("welch", second)):
            results = bench.run(changed, seed)
            after.append(results.summary()["metrics"]["orphan_rate"]["mean"])
            found = {r.ref.key: r for r in find_regressions(results, baseline, bench.tolerance)}
            orphans = found["orphan_rate"]
            assert orphans.test == mode, (orphans.test, mode)
            caught[mode][0] += orphans.regressed
            caught[mode][1] += any(r.regressed for r in found.values())
            print(f"  power {mode} pair {pair}: orphan_rate p={orphans.p_value}", file=sys.stderr)
    lines = [
        f"power: {POWER_STORY}.yml with --set {bench.power_change}: orphan_rate"
        f" {percent(mean(before), 2)} → {percent(mean(after), 2)}"
        f" ({(mean(after) - mean(before)) * 100:+.2f} pp,"
        " means over the runs)",
    ]
    for mode, label in (("paired", "same seed (paired)"), ("welch", "other seed (Welch)")):
        orphan, any_ = caught[mode]
        lines.append(
            f"  {label:<19} orphan_rate flagged {share(orphan, bench.seeds):<22}"
            f"  any regression {share(any_, bench.seeds)}"
        )
    return lines


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The bench's options."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="seed pairs per story (20)")
    parser.add_argument(
        "-r", "--replications", type=int, help="replications per run (default: the scenario's)"
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override every story, as `cxsim --set` (e.g. warmup=1d), or one story:"
        " STORY:PATH=VALUE (e.g. fiber_install:horizon=120d); repeatable",
    )
    parser.add_argument(
        "--tolerance", type=float, default=DEFAULT_TOLERANCE, help="as `cxsim check` (0.05)"
    )
    parser.add_argument("--jobs", type=int, help="processes per run (default: all cores)")
    parser.add_argument(
        "--story",
        dest="stories",
        action="append",
        choices=STORIES,
        help="only this story (repeatable; default: all four)",
    )
    parser.add_argument(
        "--power-change",
        default=POWER_CHANGE,
        metavar="PATH=VALUE",
        help=f"the change of {POWER_STORY}.yml that should be caught ({POWER_CHANGE})",
    )
    parser.add_argument(
        "--no-power", action="store_true", help="skip the power part (false alarms only)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke check: 2 seed pairs, 5 replications"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.replications = 2, 5
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Run the bench and print its tables; bad overrides stop it, one line each."""
    try:
        bench_main(parse_args(argv))
    except ScenarioError as error:
        sys.exit("\n".join(str(problem) for problem in error.problems))


def bench_main(args: argparse.Namespace) -> None:
    """The false alarms of each story, then the power on the fiber story."""
    bench = Bench(args)
    started = time.perf_counter()
    fiber = bench.scenario(POWER_STORY)
    if fiber.failures[1].name != "drilled_pipe":
        sys.exit(f"{POWER_STORY}.yml: failure 1 is {fiber.failures[1].name!r}, not drilled_pipe")
    replications = bench.replications or "the scenario's"
    print(
        f"baseline false alarms: unchanged scenario, baseline and check on other seeds;"
        f" {bench.seeds} seed pairs, {replications} replications,"
        f" tolerance {bench.tolerance:g}, Holm at 5 %"
        + (f"; --set {' --set '.join(bench.overrides)}" if bench.overrides else "")
    )
    print()
    print(
        f"{'story':<21} {'metrics':>7}  {'checks with a false one':<22}"
        f"  {'old rule (interval)':<22}  most often"
    )
    baselines: dict[str, dict[int, dict[str, Any]]] = {}
    for story in bench.stories:
        baselines[story] = {}
        print(false_alarms(bench, story, baselines[story]), flush=True)
    if not args.no_power:
        if POWER_STORY not in baselines:
            baselines[POWER_STORY] = {}
            for pair in range(bench.seeds):
                first, _ = bench.pair_seeds(pair)
                baselines[POWER_STORY][pair] = baseline_of(bench.run(fiber, first))
        print()
        print("\n".join(power(bench, baselines[POWER_STORY])))
    print(f"\n({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
