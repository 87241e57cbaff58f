"""Monte Carlo: seeds, replications, and the one loop that hands them to an executor.

Replication i draws from `SeedSequence(seed).spawn(n)[i]`, made alone when its turn
comes (`SeedSequence(seed, spawn_key=(i,))`, the same sequence); results are put back
in index order before anything is summed, so the same scenario and seed give identical
numbers whatever runs them: this process, a local pool of processes (`jobs`,
`cxsim.pool`) or a dask cluster (`scheduler`, `cxsim.cluster`). All three are an
`Executor`, fed by one loop that keeps at most twice as many replications submitted as
can run at once: a run of a hundred million replications holds no more than a run of
ten. Under `warmup: auto` the replications run twice: once to find the warm-up their
waits need, then counted from it. A replication that fails is recorded, not fatal.
Ctrl-C, or SIGTERM, stops the run: replications not begun are cancelled, those running
on this machine's processes are stopped, and those already finished are kept.
"""

from __future__ import annotations

import itertools
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from cxsim.engine import simulate
from cxsim.engine.runaway import RunawayCase
from cxsim.eventlog import EventLog
from cxsim.metrics import CASE_METRICS, TEAM_METRICS, Replication, summarize
from cxsim.pool import LocalPool
from cxsim.scenario import Override, Scenario, load_scenario
from cxsim.warmup import suggested_warmup

if TYPE_CHECKING:
    from cxsim.cluster import Cluster

ReplicationDone = Callable[[Replication], None]
Outcome = Replication | str
"""What a replication gives back: its measurements, or why it failed."""
Finish = Callable[[int, Outcome], None]


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


def replication_seed(seed: int, index: int) -> np.random.SeedSequence:
    """Replication `index`'s seed alone: `SeedSequence(seed).spawn(n)[index]` for any n > index."""
    return np.random.SeedSequence(seed, spawn_key=(index,))


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
) -> Outcome:
    recorder = events.recorder(scenario, index) if events is not None else None
    try:
        outcome: Outcome = simulate(scenario, seed, index, warmup, recorder, worst)
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


@dataclass(frozen=True)
class Job:
    """What the replications of one pass share: scenario, base seed, warm-up, what to keep.

    Sent once to each process or worker that runs them; a replication is then its index.
    """

    scenario: Scenario
    seed: int
    warmup: float | None = None
    events: EventLog | None = None
    worst: bool = True

    def __call__(self, index: int) -> Outcome:
        """Run replication `index`."""
        seed = replication_seed(self.seed, index)
        return _replicate(self.scenario, seed, index, self.warmup, self.events, self.worst)


def replicate(job: Job, index: int) -> Outcome:
    """Run replication `index` of `job` (what a cluster's worker is given to call)."""
    return job(index)


# --- executors ---------------------------------------------------------------------------


class Executor(Protocol):
    """Where the replications of one job run: this process, a local pool, a cluster."""

    @property
    def slots(self) -> int:
        """How many replications can run at once."""
        ...

    def submit(self, index: int) -> None:
        """Start replication `index`, or queue it to start when a slot frees."""

    def finished(self) -> list[tuple[int, Outcome]]:
        """Wait until at least one submitted replication is over; each that is, once."""
        ...

    def stop(self) -> None:
        """Cancel what has not begun and stop what can be stopped, promptly."""

    def close(self) -> None:
        """Every submitted replication is over: let go of what the executor holds."""


WINDOW = 2
"""Replications submitted ahead per slot: enough that a slot never waits for the next
task to arrive, few enough that a huge run holds only a handful."""


def _drive(executor: Executor, indexes: Iterable[int], finish: Finish) -> None:
    """Run the replications `indexes` on `executor`, handing each outcome to `finish`."""
    todo = iter(indexes)
    running = 0
    while True:
        for index in itertools.islice(todo, max(0, WINDOW * executor.slots - running)):
            executor.submit(index)
            running += 1
        if not running:
            return
        for index, outcome in executor.finished():
            running -= 1
            finish(index, outcome)


@contextmanager
def _opened(executor: Executor) -> Iterator[Executor]:
    """The executor, stopped if the block ends early (Ctrl-C), closed when it ends well."""
    try:
        yield executor
    except BaseException:
        with _signals_held():  # a second Ctrl-C must not leave processes behind
            executor.stop()
        raise
    executor.close()


class InProcess:
    """Replications run here, one after another, when their outcome is asked for."""

    slots = 1

    def __init__(self, job: Job) -> None:
        self.job = job
        self.queued: list[int] = []

    def submit(self, index: int) -> None:
        self.queued.append(index)

    def finished(self) -> list[tuple[int, Outcome]]:
        index = self.queued.pop(0)
        return [(index, self.job(index))]

    def stop(self) -> None:
        self.queued.clear()

    def close(self) -> None:
        pass


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ignore Ctrl-C and SIGTERM for a short while (in the main thread, where they land)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, previous in held.items():
            signal.signal(sig, previous)


@contextmanager
def _terminate_interrupts() -> Iterator[None]:
    """While replications run, SIGTERM stops them as Ctrl-C does: what finished is kept.

    Only in the main thread, and only when nobody else handles SIGTERM already.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def connected(scheduler: str | Cluster | None) -> Iterator[Cluster | None]:
    """The cluster at `scheduler` (an address, or a cluster already connected), or None.

    An address is connected to for the block and let go after it; `cxsim.cluster` (and
    the `dask` extra it needs) is imported only then.
    """
    if scheduler is None or not isinstance(scheduler, str):
        yield scheduler
        return
    from cxsim.cluster import connect

    cluster = connect(scheduler)
    try:
        yield cluster
    finally:
        cluster.close()


def _executor(job: Job, workers: int, cluster: Cluster | None) -> Executor:
    if cluster is not None:
        return cluster.executor(job)
    if workers == 1:
        return InProcess(job)
    return LocalPool(job, workers)


def _replications(
    job: Job, count: int, workers: int, cluster: Cluster | None, finish: Finish
) -> None:
    """Run replications 0 … count-1 of `job`, handing each outcome to `finish` as it comes."""
    # replication 0 first: when it tells the worst cases it is the longest, best begun early
    with _opened(_executor(job, workers, cluster)) as executor:
        _drive(executor, range(count), finish)


def run(
    scenario: Scenario | str | Path,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    overrides: Sequence[str | Override] = (),
    on_replication: ReplicationDone | None = None,
    events: EventLog | None = None,
    worst: bool = True,
    scheduler: str | Cluster | None = None,
) -> Results:
    """Run a scenario's replications (on `jobs` processes, or a cluster) and return the results.

    `scenario` is a loaded `Scenario` or a path to a YAML file; `overrides` are
    `dotted.path=value` strings applied to a file before validation. Unset
    `replications` and `seed` come from the scenario. With `events`, the replications
    that finish write the event log into its folder (after an interrupt too). `worst`:
    replication 0 tells its worst cases for the report (`cxsim.figures`). `scheduler`:
    a dask scheduler's address (or a `cxsim.cluster.Cluster`) to run the replications
    on instead of `jobs` local processes; same seed, same results.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides)
    elif overrides:
        raise ValueError("overrides apply to a scenario file; pass its path instead")
    count = replications if replications is not None else scenario.replications
    base_seed = seed if seed is not None else scenario.seed
    if count < 1:
        raise ValueError(f"expected at least one replication, got {count}")
    if events is not None and scheduler is not None:
        # a cluster's workers would write their parts into folders of their own machines
        raise ValueError("an event log is written by this machine's processes: not on a cluster")
    workers = max(1, min(jobs or default_jobs(), count))
    done: dict[int, Replication] = {}
    failed: dict[int, str] = {}
    interrupted = False

    def finish(index: int, outcome: Outcome) -> None:
        if isinstance(outcome, str):
            failed[index] = outcome
            return
        done[index] = outcome
        if on_replication is not None:
            on_replication(outcome)

    with connected(scheduler) as cluster, _terminate_interrupts():
        try:
            warmup = None
            if scenario.warmup == "auto":  # a first pass finds the warm-up the run needs
                pilot: dict[int, Replication] = {}

                def keep(index: int, outcome: Outcome) -> None:
                    if not isinstance(outcome, str):
                        pilot[index] = outcome

                pilot_job = Job(scenario, base_seed, worst=False)
                _replications(pilot_job, count, workers, cluster, keep)
                # summed in index order, so the detected warm-up does not depend on --jobs
                profiles = [pilot[i].wait_profile for i in sorted(pilot)]
                warmup = suggested_warmup(profiles, scenario.horizon)
            job = Job(scenario, base_seed, warmup, events, worst)
            _replications(job, count, workers, cluster, finish)
        except KeyboardInterrupt:
            interrupted = True
    if events is not None:
        # after a Ctrl-C, another must not cut short the saving of what finished
        with _signals_held() if interrupted else nullcontext():
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
