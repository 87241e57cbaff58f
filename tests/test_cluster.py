"""Replications on a dask cluster: the same numbers as here, a clear word when it cannot be."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxsim import run
from cxsim.cli import main
from cxsim.metrics import Replication
from cxsim.output import to_json
from tests.helpers import scenario

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

SMALL = """
    name: small
    horizon: 4h
    warmup: 30min
    replications: 5
    seed: 11
    customers:
      arrivals: 2/min
      journey: support
      patience: {exponential: {mean: 3min}}
    teams:
      agents: {size: 3, channels: [phone]}
    journeys:
      support:
        start: call
        steps:
          call: {type: contact, team: agents, handle_time: {lognormal: {mean: 80s, sd: 40s}}}
"""


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.LocalCluster]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as local:
        yield local


def test_a_cluster_gives_the_summary_of_the_local_pool(cluster: distributed.LocalCluster) -> None:
    model = scenario(SMALL)
    there = run(model, scheduler=cluster.scheduler_address)
    here = run(model, jobs=2)
    assert there.complete and len(there.replications) == 5
    assert to_json(there.summary()) == to_json(here.summary())


def test_auto_warmup_on_a_cluster_finds_the_same_warmup(cluster: distributed.LocalCluster) -> None:
    model = scenario(SMALL, "warmup=auto")
    there = run(model, replications=3, scheduler=cluster.scheduler_address)
    here = run(model, replications=3, jobs=1)
    assert to_json(there.summary()) == to_json(here.summary())


def test_ctrl_c_keeps_the_replications_gathered(cluster: distributed.LocalCluster) -> None:
    seen: list[Replication] = []

    def stop_after_two(replication: Replication) -> None:
        seen.append(replication)
        if len(seen) == 2:
            raise KeyboardInterrupt

    model = scenario(SMALL)
    results = run(model, on_replication=stop_after_two, scheduler=cluster.scheduler_address)
    assert results.interrupted and not results.complete
    assert len(results.replications) == 2
    # what was kept is what those replications give anywhere
    alone = {r.index: r for r in run(model, jobs=1).replications}
    for kept in results.replications:
        assert repr(kept.metrics) == repr(alone[kept.index].metrics)


def test_a_worker_lost_mid_run_has_its_replications_run_again() -> None:
    model = scenario(SMALL, "horizon=2d")  # replications long enough to be lost midway
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as local,
        distributed.Client(local, set_as_default=False) as client,
    ):
        pids = client.run(os.getpid)
        killed: list[int] = []

        def kill_one(replication: Replication) -> None:
            if not killed:  # the other worker is busy with a replication of its own
                killed.append(pids[sorted(pids)[0]])
                os.kill(killed[0], signal.SIGKILL)

        there = run(model, on_replication=kill_one, scheduler=local.scheduler_address)
    assert killed
    assert there.complete and not there.failed
    assert to_json(there.summary()) == to_json(run(model, jobs=1).summary())


def test_the_command_line_reads_the_scheduler_from_the_environment(
    cluster: distributed.LocalCluster, tmp_path: Path
) -> None:
    path = tmp_path / "small.yml"
    path.write_text(SMALL.replace("\n    ", "\n"))
    options = ["run", str(path), "--json", "--no-plots", "--out", str(tmp_path)]
    there = CliRunner().invoke(main, options, env={"CXSIM_SCHEDULER": cluster.scheduler_address})
    here = CliRunner().invoke(main, [*options, "--jobs", "1"], env={"CXSIM_SCHEDULER": ""})
    assert there.exit_code == 0, there.output
    assert there.stdout == here.stdout


def test_a_sweep_runs_its_points_on_the_cluster(
    cluster: distributed.LocalCluster, tmp_path: Path
) -> None:
    path = tmp_path / "small.yml"
    path.write_text(SMALL.replace("\n    ", "\n"))
    vary = ["sweep", str(path), "--vary", "teams.agents.size=3,4", "-r", "3"]
    options = [*vary, "--metric", "teams.agents.asa", "--out", str(tmp_path)]
    there = CliRunner().invoke(main, [*options, "--scheduler", cluster.scheduler_address])
    here = CliRunner().invoke(main, [*options, "--jobs", "1"])
    assert there.exit_code == 0, there.output
    assert there.stdout == here.stdout


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("no-port-here", "not a scheduler address: missing port"),
        ("udp://127.0.0.1:8786", "not a scheduler address: unknown address scheme 'udp'"),
        ("tcp://127.0.0.1:9", "no dask scheduler answered"),
    ],
)
def test_a_bad_address_is_bad_input_said_plainly(address: str, said: str, tmp_path: Path) -> None:
    path = Path(__file__).parent.parent / "scenarios" / "mmc_queue.yml"
    options = ["run", str(path), "--scheduler", address, "--out", str(tmp_path)]
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):  # nothing listens there
        result = CliRunner().invoke(main, options)
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith(f"--scheduler={address}: {said}"), result.stderr
    assert "Traceback" not in result.output


def test_without_the_extra_a_scheduler_is_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    path = Path(__file__).parent.parent / "scenarios" / "mmc_queue.yml"
    options = ["run", str(path), "--out", str(tmp_path)]
    result = CliRunner().invoke(main, options, env={"CXSIM_SCHEDULER": "tcp://127.0.0.1:8786"})
    assert result.exit_code == 2
    assert "CXSIM_SCHEDULER=tcp://127.0.0.1:8786: a scheduler needs the dask extra" in (
        result.stderr
    )
    assert "pip install 'cxsim[dask]'" in result.stderr


def test_an_event_log_is_not_written_from_a_cluster(
    cluster: distributed.LocalCluster, tmp_path: Path
) -> None:
    path = Path(__file__).parent.parent / "scenarios" / "mmc_queue.yml"
    options = ["run", str(path), "--events", "csv", "--out", str(tmp_path)]
    result = CliRunner().invoke(main, [*options, "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 2
    assert "--events writes the log from this machine: not with --scheduler" in result.output
