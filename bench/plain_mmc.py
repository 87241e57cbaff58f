"""A hand-written plain-SimPy model of the M/M/10 queue in `scenarios/mmc_queue.yml`.

One process per customer and one `simpy.Resource`, draws from a numpy Generator: the
baseline cxsim is measured against. Prints the customers served and their mean wait.

    python bench/plain_mmc.py --horizon 11112 --seed 1
"""

from __future__ import annotations

import argparse
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

ARRIVALS_PER_MINUTE = 9.0
MEAN_HANDLE_MINUTES = 1.0
AGENTS = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--horizon", type=float, default=11112.0, help="minutes to simulate")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    waits: list[float] = []

    def customer() -> Generator[Any, Any, None]:
        arrived = env.now
        with agents.request() as request:
            yield request
            waits.append(env.now - arrived)
            yield env.timeout(rng.exponential(MEAN_HANDLE_MINUTES))

    def arrivals() -> Generator[Any, Any, None]:
        while True:
            yield env.timeout(rng.exponential(1 / ARRIVALS_PER_MINUTE))
            env.process(customer())

    env.process(arrivals())
    env.run(until=args.horizon)
    print(f"customers served {len(waits)}, mean wait {sum(waits) / len(waits):.3f} min")


if __name__ == "__main__":
    main()
