"""Peak memory of one replication as its number of cases grows: it must stay flat.

Fiber-install work (`scenarios/fiber_install.yml`: appointments, field visits, promises,
follow-ups, failures, child cases) at 100 times its volume — 300 installs a day, every
team 100 times its size, so that 10 million cases fit in a horizon of at most 100 years
— with the story's watchdog what-if on, so that no case is left open for ever (without
it, leak cases whose owner went silent pile up: cases in flight, not records), and a
drain of 60 days. The horizon is set for the number of cases asked.

Each count runs in a fresh process, which reports its peak resident memory (ru_maxrss:
the interpreter and its imports included) and the size of the pickled replication it
would send back to a parent process. The cases in flight are the same at every count,
so the peak must not grow with the cases; the target is under 300 MB at 10 million.

    python bench/memory.py            # 100,000 and 1,000,000 cases (about 20 minutes)
    python bench/memory.py --quick    # 20,000 and 100,000
    python bench/memory.py --ten-million   # 100,000, 1,000,000 and 10,000,000 (hours)
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "fiber_install.yml"
SCALE = 100
"""Times the story's volume and team sizes."""
TEAMS = {
    "store": 3,
    "network_ops": 2,
    "installers": 4,
    "customer_care": 12,
    "social_care": 2,
    "relations": 1,
    "assessors": 2,
    "plumbers": 1,
}
"""The story's team sizes."""
PER_DAY = 3
"""The story's installs a day."""
WARMUP_DAYS = 30
TARGET_MB = 300.0


def overrides(cases: int) -> list[str]:
    """The scenario's overrides for about `cases` counted cases."""
    rate = PER_DAY * SCALE
    days = WARMUP_DAYS + cases / rate
    return [
        f"customers.arrivals={rate}/day",
        f"horizon={days:.3f}d",
        "drain=60d",
        "policies.watchdog={after: 14d}",
        *(f"teams.{name}.size={size * SCALE}" for name, size in TEAMS.items()),
    ]


def one(cases: int, histories: bool) -> dict[str, float]:
    """Run one replication in this process and measure it."""
    from cxsim import load_scenario
    from cxsim.engine.replication import simulate

    model = load_scenario(SCENARIO, overrides(cases))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    # replication 0 also keeps the histories of its cases in flight, to tell the worst
    replication = simulate(model, np.random.SeedSequence(1), index=0 if histories else 1)
    seconds = time.perf_counter() - start
    return {
        "cases": replication.metrics["cases"],
        "seconds": seconds,
        "start_mb": before,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "pickled_kb": len(pickle.dumps(replication)) / 1024,
    }


def measured(cases: int, histories: bool) -> dict[str, float]:
    """`one` in a fresh process, so each peak is its own."""
    command = [sys.executable, __file__, "--one", str(cases)]
    if histories:
        command.append("--histories")
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 and 100,000 cases")
    parser.add_argument("--ten-million", action="store_true", help="also 10,000,000 cases")
    parser.add_argument("--histories", action="store_true", help="as replication 0 runs")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, args.histories)))
        return
    counts = [20_000, 100_000] if args.quick else [100_000, 1_000_000]
    if args.ten_million:
        counts.append(10_000_000)
    which = "replication 0 (histories in flight)" if args.histories else "a replication"
    print(f"fiber-install ×{SCALE} ({PER_DAY * SCALE} installs a day), {which}")
    print(
        f"{'cases':>12} {'seconds':>9} {'after imports MB':>17} {'peak MB':>9} {'pickled KB':>11}"
    )
    rows = []
    for count in counts:
        row = measured(count, args.histories)
        rows.append(row)
        print(
            f"{row['cases']:12,.0f} {row['seconds']:9.0f} {row['start_mb']:17.1f} "
            f"{row['peak_mb']:9.1f} {row['pickled_kb']:11.1f}",
            flush=True,
        )
    first, last = rows[0], rows[-1]
    growth = (last["peak_mb"] - first["peak_mb"]) * 1024 / (last["cases"] - first["cases"])
    print(f"peak grows {growth:.4f} KiB a case from the first count to the last")
    verdict = "under" if last["peak_mb"] < TARGET_MB else "OVER"
    print(
        f"peak at {last['cases']:,.0f} cases: {last['peak_mb']:.0f} MB, {verdict} {TARGET_MB:.0f}"
    )


if __name__ == "__main__":
    main()
