"""Coverage of the 95 % interval of `asa` in an M/M/1 queue at 90 % load over one day.

A run that starts empty reads better than the queue it models until the queue fills,
so an interval over short replications misses the true mean wait on the low side more
often than 5 %. This script runs the same M/M/1 (arrivals 0.9/min, service 1 min, one
day, 10 replications) for many seeds, each with a fixed warm-up and with `warmup: auto`,
and counts how often the run's 95 % interval of `teams.one.asa` covers the Erlang C
value (9 min).

    python bench/warmup_coverage.py              # 100 seeds
    python bench/warmup_coverage.py --seeds 20   # a quicker look
"""

from __future__ import annotations

import argparse
import textwrap

from cxsim import run
from cxsim.scenario import parse_scenario

SCENARIO = """
    name: mm1
    horizon: 1d
    warmup: {warmup}
    customers: {{arrivals: 0.9/min, journey: s}}
    teams:
      one: {{size: 1, channels: [phone]}}
    journeys:
      s:
        start: call
        steps:
          call: {{type: contact, team: one, handle_time: {{exponential: {{mean: 1min}}}}}}
"""
TRUE_ASA = 0.9 / (1.0 - 0.9)  # Erlang C (M/M/1): rho / (mu - lambda), minutes


def coverage(warmup: str, seeds: int, replications: int, jobs: int) -> tuple[int, int, int]:
    """Seeds whose interval covers the true value, misses low, misses high."""
    model = parse_scenario(textwrap.dedent(SCENARIO.format(warmup=warmup)), "mm1.yml")
    covered = low = high = 0
    for seed in range(seeds):
        asa = run(model, replications, seed, jobs).summary()["teams"]["one"]["asa"]
        lower, upper = asa["ci95"]
        if upper < TRUE_ASA:
            low += 1
        elif lower > TRUE_ASA:
            high += 1
        else:
            covered += 1
    return covered, low, high


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--warmup", action="append", help="warm-ups to try (default: 0, 2h, auto)")
    args = parser.parse_args()
    print(f"M/M/1 at 90 % load, 1 day, {args.replications} replications, {args.seeds} seeds")
    print(f"true asa (Erlang C): {TRUE_ASA:.2f} min")
    for warmup in args.warmup or ["0", "2h", "auto"]:
        covered, low, high = coverage(warmup, args.seeds, args.replications, args.jobs)
        print(
            f"warmup {warmup:>5}: covered {covered / args.seeds:6.1%}"
            f"  missed low {low}  missed high {high}"
        )


if __name__ == "__main__":
    main()
