"""A seeded structured fuzzer: mutants of the shipped scenarios, run as a user would run them.

Each mutant is a shipped scenario, shortened (a 2-day horizon, 2 replications) so it runs
in seconds, with one mutation: a key deleted, a value replaced by one of the wrong type,
zero, negative, huge, tiny, NaN, infinite, very long or odd, mappings nested deep, a step
sent back to itself, an extreme distribution. It runs `cxsim run --json` in a process of
its own, with a time limit and a memory limit, and is judged:

- `rejected`: exit 2 with located problems, no traceback;
- `ran`: exit 0 (or 1, replications that stopped with a message of their own);
- a defect otherwise: `traceback`, `hang` (past the time limit), `memory` (past the
  memory limit), `non-finite` (a NaN or infinity in the summary), `exit N`.

`tests/test_fuzz.py` runs a few dozen mutants; `bench/fuzz.py` runs hundreds.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yml"))

MEMORY_LIMIT = 3 * 2**30
"""Address space a mutant's run may take (bytes) before it counts as a blow-up."""

DEFECTS = ("traceback", "hang", "memory", "non-finite")

BIG_RUN = 500_000
"""Cases a mutant's replication may bring: more is a big run, not a hang (`max_cases`)."""

WRONG_TYPES: list[Any] = [True, 1, -1, 0.5, "x", [], {}, None, [1], {"a": 1}, [{"a": 1}], "1min"]
"""Values of every type, for `wrong_types`: what each place of a scenario may be given."""


def wrong_types(seed: int, count: int) -> list[Mutant]:
    """`count` shipped scenarios (shortened) with one value replaced by one of another type."""
    rng = random.Random(seed)
    bases = [(path.stem, shortened(path)) for path in SCENARIOS]
    made = []
    for _ in range(count):
        name, base = rng.choice(bases)
        data = json.loads(json.dumps(base))
        path = rng.choice(_paths(data))
        value = rng.choice(WRONG_TYPES)
        _parent(data, path)[path[-1]] = value
        made.append(Mutant(name, f"{'.'.join(map(str, path))} = {value!r}", data))
    return made


def _deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = {"a": value}
    return value


REPLACEMENTS: list[Any] = [
    0,
    -1,
    -1e9,
    1e308,
    10**400,
    1e-309,
    float("nan"),
    float("inf"),
    float("-inf"),
    "x" * 300,
    "",
    None,
    [],
    {},
    True,
    "1e308/min",
    "0/min",
    "0.0000000001/min",
    "-5min",
    "100000000000000d",
    "é\x01\x1b\u202e",
    {"lognormal": {"mean": 1e-300, "sd": 1e300}},
    {"gamma": {"mean": 1, "sd": 1e200}},
    {"exponential": {"mean": 0}},
    {"uniform": {"min": 0, "max": 1e308}},
    {"cohort": 10**9},
    _deep(200),
]
"""Values a mutation may put in place of any value."""


@dataclass(frozen=True)
class Mutant:
    """One mutation of one shipped scenario."""

    scenario: str
    mutation: str
    data: Any

    def text(self) -> str:
        return yaml.safe_dump(self.data, sort_keys=False, allow_unicode=True, width=1000)


def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside `data`."""
    found = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_paths(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_paths(value, (*path, index)))
    return found


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def shortened(path: Path) -> dict[str, Any]:
    """A shipped scenario as plain data, made quick to run: 2 days, 2 replications."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(horizon="2d", replications=2, drain="2d")
    data.pop("warmup", None)
    return data


def mutate(data: dict[str, Any], rng: random.Random) -> tuple[str, dict[str, Any]]:
    """One mutation of `data` (a copy): what was done, and the mutant."""
    data = json.loads(json.dumps(data))  # a deep copy of plain data
    paths = _paths(data)
    path = rng.choice(paths)
    parent, key = _parent(data, path), path[-1]
    where = ".".join(str(part) for part in path)
    kind = rng.random()
    if kind < 0.15 and isinstance(parent, dict):
        del parent[key]
        return f"delete {where}", data
    if kind < 0.25:
        steps = [p for p in paths if len(p) == 4 and p[0] == "journeys" and p[2] == "steps"]
        if steps:
            step = rng.choice(steps)
            body = _parent(data, step)[step[-1]]
            if isinstance(body, dict):
                body.pop("outcomes", None)
                body["next"] = step[-1]
                return f"loop {'.'.join(map(str, step))} to itself", data
    if kind < 0.3 and isinstance(parent, list):
        parent.append(json.loads(json.dumps(parent[key])))
        return f"repeat {where}", data
    if kind < 0.6 and _scalable(parent[key]):
        value = _scaled(parent[key], rng.choice(SCALES))
        parent[key] = value
        return f"{where} = {_short(value)}", data
    value = rng.choice(REPLACEMENTS)
    parent[key] = value
    return f"{where} = {_short(value)}", data


SCALES = (0.0, 1e-4, 0.5, 2.0, 100.0, 1e6)
"""Factors a number (or the number of a duration or rate) may be scaled by: values of the
right type and shape, often valid, that the engine must run or refuse cleanly."""

_NUMBER = re.compile(r"^([0-9]+(?:\.[0-9]*)?)(.*)$")


def _scalable(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or (
        isinstance(value, str) and _NUMBER.match(value) is not None
    )


def _scaled(value: Any, factor: float) -> Any:
    if isinstance(value, int):
        return int(value * factor)
    if isinstance(value, float):
        return value * factor
    match = _NUMBER.match(value)
    assert match is not None
    return f"{float(match[1]) * factor:g}{match[2]}"


def mutants(seed: int, count: int) -> list[Mutant]:
    """`count` mutants, the same ones for the same seed, spread over the shipped scenarios."""
    rng = random.Random(seed)
    bases = {path.stem: shortened(path) for path in SCENARIOS}
    made = []
    for index in range(count):
        name = sorted(bases)[index % len(bases)]
        mutation, data = mutate(bases[name], rng)
        made.append(Mutant(name, mutation, data))
    return made


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


def judge(mutant: Mutant, timeout: float = 60.0) -> str:
    """Run `mutant` as `cxsim run --json` and say how it went (see the module's doc)."""
    with tempfile.TemporaryDirectory() as folder:
        scenario = Path(folder) / f"{mutant.scenario}.yml"
        scenario.write_text(mutant.text(), encoding="utf-8")
        for data in (ROOT / "scenarios").glob("*.csv"):  # empirical files beside them
            (Path(folder) / data.name).write_bytes(data.read_bytes())
        # 2 replications and half a million cases at most whatever the mutant says (a
        # count it sets is still validated): a mutant that asks for a big run is refused
        # by the budget, not taken for a hang
        command = [sys.executable, "-m", "cxsim", "run", str(scenario), "--json", "-r", "2"]
        command += ["--set", f"max_cases={BIG_RUN}"]
        command += ["--jobs", "1", "--no-plots", "--out", str(Path(folder) / "out")]
        environment = {**os.environ, "PYTHONHASHSEED": "0"}
        environment.pop("CXSIM_SCHEDULER", None)
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=timeout,
                preexec_fn=_limit_memory if sys.platform == "linux" else None,
                env=environment,
            )
        except subprocess.TimeoutExpired:
            return "hang"
    output = done.stdout + done.stderr
    if "MemoryError" in output or done.returncode in (-9, 137):
        return "memory"
    if "Traceback (most recent call last)" in output:
        return "traceback"
    if done.returncode == 2:
        return "rejected"
    if done.returncode not in (0, 1):
        return f"exit {done.returncode}"
    if done.returncode == 0 or done.stdout.strip().startswith("{"):
        try:
            summary = json.loads(done.stdout, parse_constant=lambda name: math.nan)
        except json.JSONDecodeError:
            return "ran" if done.returncode == 1 else "traceback"
        if not _finite(summary):
            return "non-finite"
    return "ran"
