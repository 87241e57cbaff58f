"""Stopping a run on several processes: Ctrl-C, SIGTERM and SIGKILL leave no process behind.

Each test starts a real `cxsim run --jobs 2` and signals it as a terminal or a process
manager would; the pool's processes are read from /proc, so the tests are Linux-only.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from cxsim.montecarlo import replication_seed, replication_seeds

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "mmc_queue.yml"
LONG = ["--set", "horizon=100d", "--set", "warmup=0"]
"""Replications of about a minute each: still running when the signal comes."""
SHORT = ["--set", "horizon=1h", "--set", "warmup=0"]
"""Replications of a few hundredths of a second: some are over before the signal."""
PATIENCE = 30.0
"""Seconds to wait for what must happen (workers start, a replication ends) on a busy machine."""
PROMPT = 10.0
"""Seconds within which a stopped run must be gone: far less than one long replication."""

linux_only = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)"
)


def _stat(pid: int) -> tuple[str, int, str] | None:
    """(state, parent, start time) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after the command, which may hold spaces
    return fields[0], int(fields[1]), fields[19]


def _children(parent: int) -> dict[int, str]:
    """The live children of `parent`, each with its start time (pids may be reused)."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None and stat[1] == parent and stat[0] != "Z":
                found[int(entry)] = stat[2]
    return found


def _alive(processes: dict[int, str]) -> list[int]:
    """Those of `processes` still running (not gone, not a zombie, not another process)."""
    alive = []
    for pid, started in processes.items():
        stat = _stat(pid)
        if stat is not None and stat[0] != "Z" and stat[2] == started:
            alive.append(pid)
    return alive


def _wait_for(condition, what: str, timeout: float = PATIENCE) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what} after {timeout:.0f} s")
        time.sleep(0.05)


def _start(out: Path, *options: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "cxsim", "run", str(SCENARIO), "--jobs", "2", "--no-plots"]
    return subprocess.Popen(
        [*command, "--out", str(out), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a group of its own, as a terminal's foreground job has
        preexec_fn=_as_a_terminal_starts_it,
    )


def _as_a_terminal_starts_it() -> None:
    # a signal ignored by the process that starts a command stays ignored in it (Python
    # then installs no Ctrl-C handler): whatever this test process inherited or was left
    # with, the run gets what a shell gives a foreground job
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, signal.SIG_DFL)


def _workers(run: subprocess.Popen[str]) -> dict[int, str]:
    """The pool's processes, once both have started."""
    found: dict[int, str] = {}

    def started() -> bool:
        found.update(_children(run.pid))
        return len(found) >= 2 or run.poll() is not None

    _wait_for(started, "the pool's two processes")
    assert run.poll() is None, run.communicate()
    return found


def _end(run: subprocess.Popen[str]) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of a run that must end promptly."""
    try:
        stdout, stderr = run.communicate(timeout=PROMPT)
    except subprocess.TimeoutExpired:
        run.kill()
        stdout, stderr = run.communicate()
        raise AssertionError(f"the run did not end within {PROMPT:.0f} s:\n{stderr}") from None
    return run.returncode, stdout, stderr


def _run_folder(out: Path) -> Path:
    [folder] = list(out.glob("mmc-queue/*"))
    return folder


def test_a_replication_seed_alone_is_the_one_spawned_among_all() -> None:
    spawned = np.random.SeedSequence(42).spawn(50)
    for index in (0, 1, 17, 49):
        alone = replication_seed(42, index)
        assert alone.spawn_key == spawned[index].spawn_key == (index,)
        assert alone.generate_state(8).tolist() == spawned[index].generate_state(8).tolist()
    assert replication_seeds(42, 50)[17].entropy == replication_seed(42, 17).entropy


@linux_only
def test_sigkill_of_the_run_leaves_no_worker(tmp_path: Path) -> None:
    run = _start(tmp_path, "-r", "4", *LONG)
    workers = _workers(run)
    run.kill()
    run.wait()
    _wait_for(lambda: not _alive(workers), "the workers of a killed run to end", PROMPT)


@linux_only
def test_ctrl_c_stops_running_replications_promptly(tmp_path: Path) -> None:
    run = _start(tmp_path, "-r", "4", *LONG)
    workers = _workers(run)
    time.sleep(0.5)  # well into the first replications, which last about a minute
    os.killpg(run.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
    code, _, stderr = _end(run)
    assert code == 130, stderr
    assert "no replication finished; nothing written" in stderr
    assert "Traceback" not in stderr
    _wait_for(lambda: not _alive(workers), "the workers to end", PROMPT)


@linux_only
@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(lambda pid: os.killpg(pid, signal.SIGINT), id="ctrl-c"),
        pytest.param(lambda pid: os.kill(pid, signal.SIGTERM), id="sigterm"),
    ],
)
def test_a_stopped_run_keeps_the_replications_that_finished(tmp_path: Path, stop) -> None:  # type: ignore[no-untyped-def]
    # a hundred million replications: none of their seeds or tasks may be made up front
    run = _start(tmp_path, "-r", "100000000", *SHORT)
    workers = _workers(run)
    _wait_for(lambda: any(tmp_path.glob("mmc-queue/*/replications.csv")), "a replication")
    stop(run.pid)
    code, stdout, stderr = _end(run)
    assert code == 130, stderr
    kept = re.search(r"interrupted: (\d+) of 100000000 replications kept", stderr)
    assert kept is not None, stderr
    summary = json.loads((_run_folder(tmp_path) / "summary.json").read_text())
    assert summary["replications"] == int(kept.group(1)) >= 1
    assert summary["interrupted"] is True
    indexes = summary["per_replication"]["index"]
    # the ones that finished, in order: on two processes, replication 1 may end before 0
    assert indexes == sorted(set(indexes)) and len(indexes) == summary["replications"]
    assert "mmc-queue" in stdout
    _wait_for(lambda: not _alive(workers), "the workers to end", PROMPT)


@linux_only
def test_a_second_ctrl_c_does_not_hang(tmp_path: Path) -> None:
    run = _start(tmp_path, "-r", "4", *LONG)
    workers = _workers(run)
    os.killpg(run.pid, signal.SIGINT)
    time.sleep(0.05)
    os.killpg(run.pid, signal.SIGINT)
    code, _, stderr = _end(run)
    assert code == 130, stderr
    _wait_for(lambda: not _alive(workers), "the workers to end", PROMPT)


@linux_only
def test_a_worker_killed_from_outside_has_its_replications_run_again(tmp_path: Path) -> None:
    run = _start(tmp_path, "-r", "6", "--json", "--set", "horizon=1d", "--set", "warmup=0")
    workers = _workers(run)
    os.kill(next(iter(workers)), signal.SIGKILL)
    stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 0, stderr
    summary = json.loads(stdout)
    assert summary["replications"] == 6
    assert "failed_replications" not in summary
