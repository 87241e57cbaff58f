"""A long run of the fuzzer of `tests/fuzzing.py`: hundreds of mutants of the shipped scenarios.

Prints how many ran, were refused cleanly, or ended in a defect (traceback, hang, memory
blow-up, non-finite summary, other exit code), and each defect with its mutation, so it
can be turned into a test.

    python bench/fuzz.py                   # 500 mutants, seed 1, 2 at a time
    python bench/fuzz.py -n 100 --seed 7 --jobs 4
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzzing import judge, mutants


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a hang")
    args = parser.parse_args()
    made = mutants(args.seed, args.count)
    start = time.perf_counter()
    verdicts: Counter[str] = Counter()
    defects: list[str] = []
    with ThreadPoolExecutor(args.jobs) as pool:
        for done, (mutant, verdict) in enumerate(
            zip(made, pool.map(lambda m: judge(m, args.timeout), made), strict=True), 1
        ):
            verdicts[verdict] += 1
            if verdict not in ("ran", "rejected"):
                defects.append(f"{verdict}: {mutant.scenario}: {mutant.mutation}")
            if done % 50 == 0:
                print(f"{done}/{len(made)} …", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - start
    print(f"{len(made)} mutants (seed {args.seed}) in {seconds:.0f} s")
    for verdict, count in verdicts.most_common():
        print(f"  {verdict:12} {count}")
    for defect in defects:
        print(defect)
    sys.exit(1 if defects else 0)


if __name__ == "__main__":
    main()
