"""A dask.distributed cluster to run replications on: `--scheduler ADDRESS`, the `dask` extra.

`connect` reaches a scheduler; the `Cluster` it gives opens an executor for each pass of
a run (a `cxsim.montecarlo.Executor`, fed by the same loop as the local pool): the
pass's job — scenario, base seed, warm-up — goes to the cluster once, and each
replication is a task that names only its index, so the same seed gives the same
results as on this machine. A task whose worker is lost is run again on another (the
scheduler's own rescheduling), and one that fails there is tried `RETRIES` more times;
a replication that still cannot finish is recorded as failed, not fatal. Ctrl-C
cancels the tasks not begun; a task already running on a worker cannot be stopped
there and runs to its end, unwanted. `distributed` is imported only when a scheduler is
asked for: a run without one does not need the extra.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from cxsim.montecarlo import Job, Outcome, replicate

if TYPE_CHECKING:
    from distributed import Client, Future

RETRIES = 2
"""Times a replication's task is run again after an error on a worker (not the model's
own errors: those are recorded as a failed replication at once)."""


class ClusterError(Exception):
    """A scheduler that cannot be used: the extra not installed, a bad address, no answer."""


def connect(address: str) -> Cluster:
    """The cluster whose scheduler is at `address` (`tcp://host:8786`, `host:8786`).

    ClusterError says why when `distributed` is not installed or no scheduler answers;
    how long to wait for one is dask's `distributed.comm.timeouts.connect` (30 s unless
    configured, e.g. `DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=5s`).
    """
    try:
        from distributed import Client
        from distributed.comm import resolve_address
    except ImportError:
        raise ClusterError("a scheduler needs the dask extra: pip install 'cxsim[dask]'") from None
    try:
        # read first: a client given an address it cannot parse complains again as it goes
        resolve_address(address)
    except (OSError, ValueError) as error:  # malformed, or a host no one knows
        raise ClusterError(f"not a scheduler address: {error}") from None
    try:
        client = Client(address, set_as_default=False)
    except (OSError, ValueError) as error:  # nothing there, or it refused
        raise ClusterError(f"no dask scheduler answered: {error}") from None
    return Cluster(client)


class Cluster:
    """A connected dask cluster; `executor(job)` runs a job's replications on it."""

    def __init__(self, client: Client) -> None:
        self.client = client

    @property
    def address(self) -> str:
        """The scheduler's address."""
        return str(self.client.scheduler.address)

    def executor(self, job: Job) -> ClusterExecutor:
        """An executor for `job`'s replications (`cxsim.montecarlo.Executor`)."""
        return ClusterExecutor(self.client, job)

    def close(self) -> None:
        """Let go of the scheduler (the cluster itself goes on)."""
        self.client.close()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _held(job: Job) -> Job:
    """The job itself: a task whose result the replications' tasks share."""
    return job


class ClusterExecutor:
    """One job's replications as tasks on a cluster, gathered as they finish."""

    def __init__(self, client: Client, job: Job) -> None:
        from distributed import as_completed

        self.client = client
        self.run_key = f"cxsim-{uuid.uuid4().hex[:12]}"
        # sent once, not with every task (a scenario may carry a large empirical sample),
        # as a task of its own rather than scattered data: the scheduler can make it
        # again when the worker holding it is lost
        self.job: Future[Job] = client.submit(_held, job, key=f"{self.run_key}-job", pure=False)
        self.pending: dict[Future[Outcome], int] = {}
        self.done: Any = as_completed(loop=client.loop)

    @property
    def slots(self) -> int:
        """The threads of the workers the cluster has now (at least one)."""
        return max(1, sum(self.client.nthreads().values()))

    def submit(self, index: int) -> None:
        future = self.client.submit(
            replicate,
            self.job,
            index,
            key=f"{self.run_key}-{index}",
            retries=RETRIES,
            pure=False,
        )
        self.pending[future] = index
        self.done.add(future)

    def finished(self) -> list[tuple[int, Outcome]]:
        future = next(self.done)
        index = self.pending.pop(future)
        try:
            outcome: Outcome = future.result()
        except Exception as error:  # lost too often (KilledWorker), or not run on the workers
            outcome = f"not run on the cluster: {type(error).__name__}: {error}"
        future.release()
        return [(index, outcome)]

    def stop(self) -> None:
        self.client.cancel([*self.pending, self.job])
        self.pending.clear()

    def close(self) -> None:
        self.client.cancel([self.job])
