"""cxsim against plain SimPy on the same M/M/10 queue, and 1 job against 2 jobs.

Both are timed as whole processes (start-up included), alternating A B A B so a drift
of the machine's speed hits both; the figures are medians of the paired ratios.

    python bench/compare_mmc.py                 # ~100,000 customers, 5 pairs
    python bench/compare_mmc.py --quick         # smaller, for a smoke check

Targets: cxsim / plain <= 1.5 for one replication on one core; 1 job / 2 jobs >= 1.7
for 20 replications of the shipped scenario.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIO = HERE.parent / "scenarios" / "mmc_queue.yml"
PLAIN = HERE / "plain_mmc.py"
ARRIVALS_PER_MINUTE = 9.0


def timed(command: list[str]) -> float:
    """Wall seconds of one run of `command`."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def peak_memory(command: list[str]) -> float:
    """Peak resident memory (MiB) of the largest process of one run of `command`."""
    probe = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe, *command], check=True, capture_output=True, text=True
    ).stdout
    return int(output.split()[-1]) / 1024  # ru_maxrss is in KiB on Linux


def cxsim(out: str, horizon: float, replications: int, jobs: int) -> list[str]:
    return [
        sys.executable, "-m", "cxsim", "run", str(SCENARIO),
        "-r", str(replications), "--jobs", str(jobs),
        "--set", f"horizon={horizon}min", "--set", "warmup=0", "--out", out, "--no-plots",
    ]  # fmt: skip


def paired(a: list[str], b: list[str], pairs: int) -> tuple[list[float], list[float]]:
    """Wall times of `a` and `b`, run in turn after one warm-up of each."""
    timed(a)
    timed(b)
    times_a, times_b = [], []
    for _ in range(pairs):
        times_a.append(timed(a))
        times_b.append(timed(b))
    return times_a, times_b


def report(label: str, times_a: list[float], times_b: list[float], target: str) -> None:
    ratios = [a / b for a, b in zip(times_a, times_b, strict=True)]
    print(
        f"{label}: median {statistics.median(times_a):.2f} s vs {statistics.median(times_b):.2f} s,"
        f" ratio median {statistics.median(ratios):.2f} (min {min(ratios):.2f},"
        f" max {max(ratios):.2f}); target {target}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="10,000 customers, 2 pairs")
    args = parser.parse_args()
    customers, pairs = (10_000, 2) if args.quick else (args.customers, args.pairs)
    horizon = customers / ARRIVALS_PER_MINUTE

    # byte-compile first, as an installed package is: time start-up, not compilation
    package = HERE.parent / "cxsim"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    with tempfile.TemporaryDirectory() as out:
        plain = [sys.executable, str(PLAIN), "--horizon", str(horizon)]
        one = cxsim(out, horizon, 1, 1)
        times_cx, times_plain = paired(one, plain, pairs)
        report(f"one replication, {customers:,} customers: cxsim vs plain SimPy",
               times_cx, times_plain, "<= 1.5")  # fmt: skip
        print(f"peak memory: cxsim {peak_memory(one):.0f} MiB, plain {peak_memory(plain):.0f} MiB")

        # the scenario as shipped: 2 days of 9 calls a minute, about 26,000 per replication
        length = horizon / 10 if args.quick else 2 * 1440
        serial, parallel = cxsim(out, length, 20, 1), cxsim(out, length, 20, 2)
        times_1, times_2 = paired(serial, parallel, max(2, pairs // 2))
        report("20 replications: 1 job vs 2 jobs", times_1, times_2, ">= 1.7")


if __name__ == "__main__":
    main()
