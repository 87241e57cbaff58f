"""Cases per second and peak memory of the fiber-install story, with and without histories.

The story exercises what the M/M/c bench does not: appointments, field visits, promises,
customer follow-ups, failures, child cases and ownership. It runs one replication in this
process, on a horizon long enough for tens of thousands of cases, and reports:

- cases per second of simulated work (build and run of one replication, no start-up);
- peak traced memory (tracemalloc) of one replication;
- the same with per-case histories kept (what `cxsim trace` asks for), as a ratio: the
  price of histories, paid only when they are asked for. A history goes with its case
  once the case is recorded, so peak memory follows the cases in flight, not the
  length of the run (`bench/memory.py` follows the peak up to millions of cases).

    python bench/fiber.py               # 10 simulated years of 3 installs a day
    python bench/fiber.py --quick       # one year, for a smoke check
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from pathlib import Path

import numpy as np

from cxsim import load_scenario
from cxsim.engine import build_world, run_world

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "fiber_install.yml"


def one(horizon_days: int, history: bool, seed: int) -> tuple[float, int]:
    """Seconds and counted cases of one replication."""
    model = load_scenario(SCENARIO, [f"horizon={horizon_days}d"])
    start = time.perf_counter()
    world = build_world(model, np.random.SeedSequence(seed), history=history)
    run_world(world)
    seconds = time.perf_counter() - start
    cases = int(world.recorder.tally().sums_of()["cases"])
    return seconds, cases


def peak(horizon_days: int, history: bool) -> float:
    """Peak traced memory (MiB) of one replication."""
    tracemalloc.start()
    one(horizon_days, history, seed=1)
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one simulated year, 2 repeats")
    args = parser.parse_args()
    days, repeats = (365, 2) if args.quick else (3650, 5)
    rates = {False: [], True: []}
    cases = 0
    for seed in range(repeats):  # alternate, so a drift of the machine hits both
        for history in (False, True):
            seconds, cases = one(days, history, seed)
            rates[history].append(cases / seconds)
    plain, kept = statistics.median(rates[False]), statistics.median(rates[True])
    memory, memory_kept = peak(days, False), peak(days, True)
    print(f"fiber-install: {days} simulated days, ~{cases:,} cases a replication")
    print(f"cases per second          {plain:10,.0f}   with histories {kept:10,.0f}")
    print(f"speed with histories      {kept / plain:10.2f} ×")
    print(f"peak memory (MiB)         {memory:10.1f}   with histories {memory_kept:10.1f}")


if __name__ == "__main__":
    main()
