"""Monte Carlo: seeds, replications, and the local process pool that runs them.

Replication i draws from `SeedSequence(seed).spawn(n)[i]`; results are put back in
index order before anything is summed, so the same scenario and seed give identical
numbers whatever the number of processes. Under `warmup: auto` the replications run
twice: once to find the warm-up their waits need, then counted from it. A replication
that fails is recorded, not fatal; Ctrl-C stops the run and keeps the replications
already finished.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cxsim.engine import simulate
from cxsim.engine.runaway import RunawayCase
from cxsim.eventlog import EventLog
from cxsim.metrics import CASE_METRICS, TEAM_METRICS, Replication, summarize
from cxsim.scenario import Override, Scenario, load_scenario
from cxsim.warmup import suggested_warmup

if TYPE_CHECKING:
    from concurrent.futures import Future

ReplicationDone = Callable[[Replication], None]


@dataclass
class Results:
    """What a run produced: the replications that finished, in index order, and how it ended."""

    scenario: Scenario
    seed: int
    requested: int
    replications: list[Replication]
    failed: list[tuple[int, str]] = field(default_factory=list)
    interrupted: bool = False
    overrides: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every requested replication finished."""
        return len(self.replications) == self.requested

    def summary(self) -> dict[str, Any]:
        """The summary: means and 95 % intervals over replications, percentiles over cases.

        `per_replication` keeps each replication's value of every case and team metric
        (in index order, NaN where not measured), so a later `cxsim check --baseline`
        can compare two samples instead of a sample with a mean.
        """
        body = summarize(self.replications, self.scenario.horizon)
        summary: dict[str, Any] = {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "replications": len(self.replications),
            "metrics": body["metrics"],
        }
        if body["streams"]:
            summary["streams"] = body["streams"]
        summary["teams"] = body["teams"]
        if body["failures"]:
            summary["failures"] = body["failures"]
        summary["warmup"] = body["warmup"]
        summary["warnings"] = body["warnings"]
        done = self.replications
        team_names = list(done[0].teams) if done else []
        summary["per_replication"] = {
            "index": [r.index for r in done],
            "metrics": {m.name: [r.metrics[m.name] for r in done] for m in CASE_METRICS},
            "streams": {
                stream: {m.name: [r.streams[stream][m.name] for r in done] for m in CASE_METRICS}
                for stream in (done[0].streams if done else {})
            },
            "teams": {
                team: {m.name: [r.teams[team][m.name] for r in done] for m in TEAM_METRICS}
                for team in team_names
            },
        }
        if not self.complete:
            summary["requested_replications"] = self.requested
            summary["interrupted"] = self.interrupted
            summary["failed_replications"] = [{"index": i, "error": e} for i, e in self.failed]
        return summary


def replication_seeds(seed: int, replications: int) -> list[np.random.SeedSequence]:
    """The seed of each replication: `SeedSequence(seed).spawn(replications)`."""
    return np.random.SeedSequence(seed).spawn(replications)


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _replicate(
    scenario: Scenario,
    seed: np.random.SeedSequence,
    index: int,
    warmup: float | None,
    events: EventLog | None = None,
    worst: bool = True,
) -> Replication | str:
    recorder = events.recorder(scenario, index) if events is not None else None
    try:
        outcome: Replication | str = simulate(scenario, seed, index, warmup, recorder, worst)
    except RunawayCase as error:  # the scenario's doing, not the code's: said without a traceback
        outcome = str(error)
    except Exception:  # a failed replication is recorded, not fatal
        import traceback

        outcome = traceback.format_exc(limit=-3).strip()
    except BaseException:  # stopped (Ctrl-C in a one-process run): its part is not whole
        if recorder is not None:
            recorder.discard()
        raise
    if recorder is not None:
        if isinstance(outcome, str):
            recorder.discard()
        else:
            recorder.close()
    return outcome


def _ignore_interrupt() -> None:
    # Ctrl-C is handled once, by the parent, which stops the pool
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run(
    scenario: Scenario | str | Path,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    overrides: Sequence[str | Override] = (),
    on_replication: ReplicationDone | None = None,
    events: EventLog | None = None,
    worst: bool = True,
) -> Results:
    """Run a scenario's replications (on `jobs` processes) and return the results.

    `scenario` is a loaded `Scenario` or a path to a YAML file; `overrides` are
    `dotted.path=value` strings applied to a file before validation. Unset
    `replications` and `seed` come from the scenario. With `events`, the replications
    that finish write the event log into its folder (after an interrupt too). `worst`:
    replication 0 tells its worst cases for the report (`cxsim.figures`).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides)
    elif overrides:
        raise ValueError("overrides apply to a scenario file; pass its path instead")
    count = replications if replications is not None else scenario.replications
    base_seed = seed if seed is not None else scenario.seed
    if count < 1:
        raise ValueError(f"expected at least one replication, got {count}")
    seeds = replication_seeds(base_seed, count)
    workers = max(1, min(jobs or default_jobs(), count))
    done: dict[int, Replication] = {}
    failed: dict[int, str] = {}
    interrupted = False

    def finish(index: int, outcome: Replication | str) -> None:
        if isinstance(outcome, str):
            failed[index] = outcome
            return
        done[index] = outcome
        if on_replication is not None:
            on_replication(outcome)

    try:
        warmup = None
        if scenario.warmup == "auto":  # a first pass finds the warm-up the run needs
            pilot: dict[int, Replication] = {}

            def keep(index: int, outcome: Replication | str) -> None:
                if not isinstance(outcome, str):
                    pilot[index] = outcome

            _replications(scenario, seeds, workers, None, keep, worst=False)
            # summed in index order, so the detected warm-up does not depend on --jobs
            profiles = [pilot[i].wait_profile for i in sorted(pilot)]
            warmup = suggested_warmup(profiles, scenario.horizon)
        _replications(scenario, seeds, workers, warmup, finish, events, worst)
    except KeyboardInterrupt:
        interrupted = True
    if events is not None:
        events.join(scenario, sorted(done))
    return Results(
        scenario=scenario,
        seed=base_seed,
        requested=count,
        replications=[done[i] for i in sorted(done)],
        failed=sorted(failed.items()),
        interrupted=interrupted,
        overrides=[o.text if isinstance(o, Override) else o for o in overrides],
    )


def _replications(
    scenario: Scenario,
    seeds: list[np.random.SeedSequence],
    workers: int,
    warmup: float | None,
    finish: Callable[[int, Replication | str], None],
    events: EventLog | None = None,
    worst: bool = True,
) -> None:
    """Run one replication per seed, here or on a pool, handing each outcome to `finish`."""
    if workers == 1:
        for index, child in enumerate(seeds):
            finish(index, _replicate(scenario, child, index, warmup, events, worst))
    else:
        _run_pool(scenario, seeds, workers, warmup, finish, events, worst)


def _run_pool(
    scenario: Scenario,
    seeds: list[np.random.SeedSequence],
    workers: int,
    warmup: float | None,
    finish: Callable[[int, Replication | str], None],
    events: EventLog | None,
    worst: bool,
) -> None:
    # imported here: a one-process run should not pay for multiprocessing's start-up
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    executor = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupt)
    pending: dict[Future[Replication | str], int] = {}
    try:
        for index, child in enumerate(seeds):
            pending[executor.submit(_replicate, scenario, child, index, warmup, events, worst)] = (
                index
            )
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                finish(pending.pop(future), future.result())
    except BaseException:
        # replications already running finish before the process can exit in any case; with
        # an event log, wait for them here, so the parts they write are cleared up after them
        executor.shutdown(wait=events is not None, cancel_futures=True)
        raise
    executor.shutdown()
