"""A hand-written plain-SimPy model of the M/M/10 queue in `scenarios/mmc_queue.yml`.

Written as an expert would write it for speed: one process per customer, one
`simpy.Resource`, draws from the standard library's `random` (a numpy call per draw
costs more than the draw), bound methods looked up once, no per-customer allocation it
can avoid. It is the baseline cxsim is measured against. Prints the customers served
and their mean wait.

    python bench/plain_mmc.py --horizon 11112 --seed 1
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Generator
from typing import Any

import simpy

ARRIVALS_PER_MINUTE = 9.0
MEAN_HANDLE_MINUTES = 1.0
AGENTS = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--horizon", type=float, default=11112.0, help="minutes to simulate")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    draw = random.Random(args.seed).expovariate
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    timeout, request = env.timeout, agents.request
    served = 0
    wait_sum = 0.0

    def customer() -> Generator[Any, Any, None]:
        nonlocal served, wait_sum
        arrived = env.now
        with request() as granted:
            yield granted
            served += 1
            wait_sum += env.now - arrived
            yield timeout(draw(1 / MEAN_HANDLE_MINUTES))

    def arrivals() -> Generator[Any, Any, None]:
        process = env.process
        while True:
            yield timeout(draw(ARRIVALS_PER_MINUTE))
            process(customer())

    env.process(arrivals())
    env.run(until=args.horizon)
    print(f"customers served {served}, mean wait {wait_sum / served:.3f} min")


if __name__ == "__main__":
    main()
