"""How much common random numbers help `cxsim compare`.

1. Variance reduction on workshop what-ifs. For each (scenario, change, metric) the
   base runs with its seed; the variant runs once with the same seed (paired, as
   `cxsim compare` does: common random numbers) and once with another seed
   (independent). The variance of the per-replication differences variant − base is
   taken in both cases; independent ÷ paired is how many times more replications two
   independent runs would need for an interval of the difference as narrow. `corr.` is
   the correlation of base and paired variant across replications: even at 1 the
   paired variance is (sd base − sd variant)², so a change that shrinks a metric's
   spread (a wait cut by two thirds) gains less than one that shifts it.
2. The pairing through abandonment. In an M/M/10 queue whose customers give up after an
   exponential patience (mean 2 min), 10 against 11 agents, one replication each: the
   share of customers served in both runs whose handling time is the same. Draws are
   keyed by the customer's arrival index, so it holds even though the runs lose
   different customers. Had the n-th customer answered taken the n-th handling draw
   (draws in event order), only the customers answered in the same position in both
   runs would match: that share is shown for contrast.

    python bench/crn.py            # 20 replications, under 3 minutes on two cores
    python bench/crn.py --quick    # a smoke check
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cxsim import run
from cxsim.engine import build_world, run_world
from cxsim.engine.case import Case
from cxsim.montecarlo import Results, replication_seeds
from cxsim.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
PATIENCE = "customers.patience={exponential: {mean: 2min}}"


@dataclass(frozen=True)
class WhatIf:
    """A change to a scenario file and the metrics to look at, with the horizons to run."""

    scenario: str
    change: str
    metrics: tuple[str, ...]
    horizon: str
    """Horizon of a full run (a short one: the ratio depends little on it)."""
    quick: str
    """Horizon under --quick."""


WHAT_IFS = [
    WhatIf(
        "mmc_queue.yml",
        "teams.agents.size=11",
        ("teams.agents.asa", "time_to_resolution"),
        "1d",
        "6h",
    ),
    # the technicians are 30 % busy: one more changes next to nothing, six fewer is felt
    WhatIf(
        "roadside_assistance.yml",
        "teams.technicians.size=15",
        ("time_to_resolution", "teams.technicians.occupancy"),
        "7d",
        "2d",
    ),
    WhatIf(
        "roadside_assistance.yml",
        "teams.technicians.size=8",
        ("time_to_resolution", "teams.technicians.occupancy"),
        "7d",
        "2d",
    ),
]


def values(results: Results, key: str) -> list[float]:
    """The per-replication values of `time_to_resolution` or `teams.TEAM.METRIC`."""
    parts = key.split(".")
    if parts[0] == "teams":
        return [r.teams[parts[1]][parts[2]] for r in results.replications]
    return [r.metrics[key] for r in results.replications]


def difference_variance(base: Sequence[float], variant: Sequence[float]) -> float:
    """Sample variance of variant − base, replication by replication (NaN pairs left out)."""
    diffs = [
        v - b for b, v in zip(base, variant, strict=True) if not (math.isnan(b) or math.isnan(v))
    ]
    return statistics.variance(diffs)


def correlation(base: Sequence[float], variant: Sequence[float]) -> str:
    """Pearson correlation of base and variant across replications, `–` when one is constant."""
    pairs = [
        (b, v) for b, v in zip(base, variant, strict=True) if not (math.isnan(b) or math.isnan(v))
    ]
    try:
        return f"{statistics.correlation(*zip(*pairs, strict=True)):.3f}"
    except statistics.StatisticsError:
        return "–"


def spread(key: str, variance: float) -> str:
    """A standard deviation for people: seconds for times, percentage points for rates."""
    sd = math.sqrt(variance)
    if key.endswith(("asa", "time_to_resolution")):
        return f"{sd * 60:.3g} s"
    return f"{sd * 100:.3g} pp"


def ratio(independent: float, paired: float) -> str:
    if paired == 0:
        return "paired all 0"
    value = independent / paired
    return f"×{value:,.0f}" if value >= 100 else f"×{value:.1f}"


def variance_reduction(replications: int, jobs: int, quick: bool) -> None:
    print(
        f"1. variance of variant − base over {replications} replications:"
        " paired (same seed) against independent (seed + 1)"
    )
    print(
        f"{'scenario':<24} {'change':<26} {'horizon':>7}  {'metric':<28}"
        f" {'corr.':>6} {'sd paired':>11} {'sd indep.':>11} {'indep. ÷ paired':>16}"
    )
    bases: dict[tuple[str, str], Results] = {}
    for what_if in WHAT_IFS:
        horizon = what_if.quick if quick else what_if.horizon
        path = SCENARIOS / what_if.scenario
        shorter = [f"horizon={horizon}"]
        base = bases.get((what_if.scenario, horizon))
        if base is None:
            base = run(path, replications, None, jobs, overrides=shorter)
            bases[(what_if.scenario, horizon)] = base
        changed = [*shorter, what_if.change]
        paired = run(path, replications, base.seed, jobs, overrides=changed)
        independent = run(path, replications, base.seed + 1, jobs, overrides=changed)
        for key in what_if.metrics:
            before, after = values(base, key), values(paired, key)
            same = difference_variance(before, after)
            other = difference_variance(before, values(independent, key))
            print(
                f"{what_if.scenario:<24} {what_if.change:<26} {horizon:>7}  {key:<28}"
                f" {correlation(before, after):>6} {spread(key, same):>11}"
                f" {spread(key, other):>11} {ratio(other, same):>16}"
            )


def cases_of(overrides: Sequence[str], seed: int) -> dict[int, Case]:
    """Every case of replication 0 of mmc_queue.yml changed by `overrides`, by arrival index."""
    model = load_scenario(SCENARIOS / "mmc_queue.yml", overrides)
    world = build_world(model, replication_seeds(seed, 1)[0], history=True)
    cases: dict[int, Case] = {}
    closed = world.recorder.case_closed

    def keep(case: Case, until: float | None = None) -> None:
        cases[case.key] = case
        closed(case, until)

    world.recorder.case_closed = keep  # type: ignore[method-assign]
    run_world(world)
    return cases


def answered_at(case: Case) -> float | None:
    """When a served customer was answered; None when they were not served."""
    if case.outcome != "resolved":
        return None
    for event in case.history or []:
        if event.what == "answered":
            return event.time
    return None


def handling_time(case: Case) -> float | None:
    """How long a served customer was handled: from the answer to the end of the case."""
    answered = answered_at(case)
    if answered is None or case.ended_at is None:
        return None
    return case.ended_at - answered


def abandoned(case: Case) -> bool:
    return any(event.what == "abandoned" for event in case.history or [])


def positions(cases: dict[int, Case]) -> dict[int, int]:
    """The place of each served customer in the order of answers (which draw event order gives)."""
    served = [(t, key) for key, case in cases.items() if (t := answered_at(case)) is not None]
    return {key: place for place, (_, key) in enumerate(sorted(served))}


def pairing_through_abandonment(horizon: str, seed: int) -> None:
    print()
    print(
        f"2. mmc_queue.yml with patience exp(2 min), 10 against 11 agents,"
        f" horizon {horizon}, seed {seed}, replication 0"
    )
    shorter = [f"horizon={horizon}", PATIENCE]
    base = cases_of(shorter, seed)
    variant = cases_of([*shorter, "teams.agents.size=11"], seed)
    both = base.keys() & variant.keys()
    served = {
        k: (first, second)
        for k in both
        if (first := handling_time(base[k])) is not None
        and (second := handling_time(variant[k])) is not None
    }
    same = sum(abs(first - second) <= 1e-9 for first, second in served.values())
    gave_up = [sum(abandoned(cases[k]) for k in both) for cases in (base, variant)]
    differs = sum(abandoned(base[k]) != abandoned(variant[k]) for k in both)
    first_places, second_places = positions(base), positions(variant)
    in_place = sum(first_places[k] == second_places[k] for k in served)
    print(f"customers in both runs                     {len(both):>8,}")
    print(f"abandoned: 10 agents / 11 agents           {gave_up[0]:>8,} / {gave_up[1]:,}")
    print(f"abandonment differs between the runs       {differs / len(both):>8.1%}  ({differs:,})")
    print(f"served in both runs                        {len(served):>8,}")
    print(f"same handling time (keyed draws, to 1e-9)  {same / len(served):>8.1%}  ({same:,})")
    print(
        f"same place in the order of answers         {in_place / len(served):>8.1%}  ({in_place:,})"
        "  what draws in event order would pair"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="5 replications, shorter horizons")
    args = parser.parse_args()
    replications = min(args.replications, 5) if args.quick else args.replications
    started = time.perf_counter()
    variance_reduction(replications, args.jobs, args.quick)
    mmc_seed = load_scenario(SCENARIOS / "mmc_queue.yml").seed
    pairing_through_abandonment("6h" if args.quick else "1d", mmc_seed)
    print()
    print(f"took {time.perf_counter() - started:.0f} s on {args.jobs} jobs")


if __name__ == "__main__":
    main()
