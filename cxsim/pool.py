"""A pool of this machine's processes to run replications on (`--jobs`).

Each process gets the job once, when it starts, and then only replication indexes. The
parent handles Ctrl-C and SIGTERM for all: stopping the pool kills its processes at
once (a replication running is not computed to its end), and each process watches its
parent and ends when it is gone, so a parent killed outright (SIGKILL) leaves none
behind. A process that dies on its own (killed, out of memory) breaks the pool: the
replications it held are run again on a new one, up to `TRIES` times each.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from cxsim.montecarlo import Job, Outcome

TRIES = 3
"""How many times a replication is started before a pool process that dies running it
(killed from outside, out of memory) makes it a failed replication."""

PARENT_POLL = 0.2
"""Seconds between a pool process's looks at whether the process that started it lives."""

_job: Job | None = None
"""In a pool's process: the job its replications belong to (set once, when it starts)."""


def _pool_process_started(parent: int, job: Job) -> None:
    """A pool process's start: hold the job, leave signals to the parent, die with it."""
    global _job
    _job = job
    # the parent handles Ctrl-C and SIGTERM once for all, and stops its processes itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    watcher = threading.Thread(target=_watch_parent, args=(parent,), daemon=True)
    watcher.start()


def _watch_parent(parent: int) -> None:
    # a parent killed outright (SIGKILL) cannot stop its processes: they stop themselves
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(1)


def _pool_replicate(index: int) -> Outcome:
    assert _job is not None, "a pool process runs replications only after it started"
    return _job(index)


class LocalPool:
    """Replications run on `workers` processes of this machine, each holding the job."""

    def __init__(self, job: Job, workers: int) -> None:
        self.job = job
        self.slots = workers
        self.pending: dict[Future[Outcome], int] = {}
        self.tries: dict[int, int] = {}
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # imported here: a one-process run should not pay for multiprocessing's start-up
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(
            max_workers=self.slots,
            initializer=_pool_process_started,
            initargs=(os.getpid(), self.job),
        )

    def submit(self, index: int) -> None:
        self.tries[index] = self.tries.get(index, 0) + 1
        self.pending[self.pool.submit(_pool_replicate, index)] = index

    def finished(self) -> list[tuple[int, Outcome]]:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        done, _ = wait(self.pending, return_when=FIRST_COMPLETED)
        outcomes, lost = [], []
        for future in done:
            index = self.pending.pop(future)
            try:
                outcomes.append((index, future.result()))
            except BrokenProcessPool:
                lost.append(index)
        if lost:  # a process died: every replication given to the pool is lost with it
            lost.extend(self.pending.values())
            self.pending.clear()
            self._kill()
            self.pool = self._start()
            for index in sorted(lost):
                if self.tries[index] < TRIES:
                    self.submit(index)
                else:
                    outcomes.append((index, f"its process died {TRIES} times running it"))
        for index, _ in outcomes:
            self.tries.pop(index, None)
        return outcomes

    def stop(self) -> None:
        self._kill()
        self.pending.clear()

    def close(self) -> None:
        self.pool.shutdown()

    def _kill(self) -> None:
        """Kill the pool's processes now and wait for them to be gone."""
        kill = getattr(self.pool, "kill_workers", None)  # Python 3.14 and later
        # no public way to reach the processes before that
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        if kill is not None:
            kill()
        else:
            for process in processes:
                process.kill()
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:  # gone before anyone clears up the files they wrote
            process.join()
