"""cxsim against plain SimPy on the same M/M/10 queue, and 1 job against 2 jobs.

Both are timed as whole processes (start-up included), alternating A B A B so a drift
of the machine's speed hits both; the figures are medians of the paired ratios. On
Linux each run also says how much of the cores it asked for other work took meanwhile
(beyond the cores it left free), and the median of the quiet pairs (under 10 % each) is
given apart: 2 jobs cannot be twice as fast as 1 on cores someone else is using. Two
separate runs of 20 replications started together, alternated with the jobs, tell what
the machine gives two processes at best (shared caches and memory, a neighbour's load):
2 jobs can be no faster than that.

    python bench/compare_mmc.py                 # ~100,000 customers, 5 pairs
    python bench/compare_mmc.py --quick         # smaller, for a smoke check
    python bench/compare_mmc.py --jobs-only     # only 1 job against 2 jobs

Targets: cxsim / plain <= 1.2 for one replication on one core; 1 job / 2 jobs >= 1.9
for 40 replications of the shipped scenario.
"""

from __future__ import annotations

import argparse
import os
import resource
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
QUIET = 0.10
"""A pair is quiet when other work took less than this share of each run's cores."""


def busy_seconds() -> float:
    """CPU seconds the whole machine has worked since it started (Linux), else 0."""
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # idle, iowait


def own_seconds() -> float:
    """CPU seconds used by the commands this script ran (and their processes)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


Command = tuple[list[str], int]
"""A command line and how many cores it keeps busy."""


def timed(command: Command) -> tuple[float, float]:
    """Wall seconds of one run, and the share of its cores other work took meanwhile."""
    line, cores = command
    busy, own, start = busy_seconds(), own_seconds(), time.perf_counter()
    subprocess.run(line, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    others = ((busy_seconds() - busy) - (own_seconds() - own)) / wall  # in cores
    free = (os.cpu_count() or 1) - cores  # what others may use without slowing the run
    return wall, max(0.0, others - free) / cores


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


def cxsim(out: str, horizon: float, replications: int, jobs: int) -> Command:
    return [
        sys.executable, "-m", "cxsim", "run", str(SCENARIO),
        "-r", str(replications), "--jobs", str(jobs),
        "--set", f"horizon={horizon}min", "--set", "warmup=0", "--out", out, "--no-plots",
    ], jobs  # fmt: skip


Run = tuple[float, float]
"""Wall seconds of one run, and the share of its cores others took meanwhile."""


def alternated(commands: list[Command], rounds: int) -> list[list[Run]]:
    """Each round runs every command in turn, after one warm-up of each."""
    for command in commands:
        timed(command)
    return [[timed(command) for command in commands] for _ in range(rounds)]


def at_once(command: Command, copies: int) -> Command:
    """`copies` of `command` started together, as one command that ends with the last."""
    line, cores = command
    launch = (
        "import subprocess, sys;"
        f"runs = [subprocess.Popen(sys.argv[1:]) for _ in range({copies})];"
        "sys.exit(max(run.wait() for run in runs))"
    )
    return [sys.executable, "-c", launch, *line], cores * copies


def report(label: str, rounds: list[list[Run]], target: str, a: int = 0, b: int = 1) -> None:
    """The ratio of command `a`'s time to `b`'s, round by round and as a median."""
    runs = [(r[a][0], r[a][1], r[b][0], r[b][1]) for r in rounds]
    ratios = [time_a / time_b for time_a, _, time_b, _ in runs]
    print(
        f"{label}: median {statistics.median(r[0] for r in runs):.2f} s vs "
        f"{statistics.median(r[2] for r in runs):.2f} s, ratio median "
        f"{statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f});"
        f" target {target}"
    )
    for (time_a, taken_a, time_b, taken_b), ratio in zip(runs, ratios, strict=True):
        print(
            f"  {time_a:.2f} s ({taken_a:.0%} taken) vs {time_b:.2f} s ({taken_b:.0%}): {ratio:.2f}"
        )
    quiet = [r for r, run in zip(ratios, runs, strict=True) if max(run[1], run[3]) < QUIET]
    if quiet and len(quiet) < len(runs):
        print(f"  quiet pairs: {len(quiet)}, ratio median {statistics.median(quiet):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="10,000 customers, 2 pairs")
    parser.add_argument("--jobs-only", action="store_true", help="only 1 job against 2 jobs")
    args = parser.parse_args()
    customers, pairs = (10_000, 2) if args.quick else (args.customers, args.pairs)
    horizon = customers / ARRIVALS_PER_MINUTE

    # byte-compile first, as an installed package is: time start-up, not compilation
    package = HERE.parent / "cxsim"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    with tempfile.TemporaryDirectory() as out:
        plain = [sys.executable, str(PLAIN), "--horizon", str(horizon)], 1
        one = cxsim(out, horizon, 1, 1)
        if not args.jobs_only:
            report(f"one replication, {customers:,} customers: cxsim vs plain SimPy",
                   alternated([one, plain], pairs), "<= 1.2")  # fmt: skip
            print(f"peak memory: cxsim {peak_memory(one[0]):.0f} MiB, "
                  f"plain {peak_memory(plain[0]):.0f} MiB")  # fmt: skip

        # the scenario as shipped: 2 days of 9 calls a minute, about 26,000 per replication,
        # about 35 s for 40 of them on one core; the work of one core that the other does
        # not share (start-up, the summary, writing) is about a second of it
        length = horizon / 10 if args.quick else 2 * 1440
        serial, parallel = cxsim(out, length, 40, 1), cxsim(out, length, 40, 2)
        # what the machine gives at best: two separate runs of 20, each on a core of its own
        halves = at_once(cxsim(out, length, 20, 1), 2)
        rounds = alternated([serial, parallel, halves], pairs)
        report("40 replications: 1 job vs 2 jobs", rounds, ">= 1.9")
        report("40 replications: 1 job vs two runs of 20 at once (the machine's ceiling)",
               rounds, "the same as 2 jobs", 0, 2)  # fmt: skip


if __name__ == "__main__":
    main()
