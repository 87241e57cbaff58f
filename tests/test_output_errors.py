"""Output folders that cannot take the results: a clear message and exit code, no leftovers.

A bad `--out` (a file, below a file, read-only, a full disk) or `--junit` is found before
the run starts and is bad input (exit 2); a write that fails after the run keeps the
printed results, says what was lost and what was kept where, and exits 1. No temporary
file is ever left behind, and result files follow the umask.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cxsim.cli import main
from cxsim.output import OutputError, atomic_write, file_mode, writable_folder
from tests.helpers import small_queue

QUEUE = small_queue(replications=2, seed=3) + "assertions:\n  - 'handoffs < 1'\n"
SHORT = ["--set", "horizon=1h", "--set", "warmup=10min", "--jobs", "1"]
ROOT = os.geteuid() == 0
"""Root writes wherever it likes: read-only folders cannot be tried as root."""


def scenario(folder: Path) -> Path:
    path = folder / "queue.yml"
    path.write_text(QUEUE)
    return path


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


def leftovers(folder: Path) -> list[Path]:
    """Temporary files anywhere below `folder`."""
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp") or "probe" in p.name]


def test_out_that_is_a_file_is_bad_input_before_the_run(tmp_path: Path) -> None:
    path = scenario(tmp_path)
    afile = tmp_path / "afile"
    afile.write_text("")
    result = invoke("run", path, *SHORT, "--out", afile)
    assert result.exit_code == 2
    no_traceback(result)
    assert result.stderr == (
        f"--out: {afile}/queue: cannot make the results folder: {afile} is a file, not a folder\n"
    )
    assert result.stdout == ""  # nothing ran
    below = invoke("check", path, *SHORT, "--out", afile / "deeper" / "still")
    assert below.exit_code == 2
    no_traceback(below)
    assert below.stderr.endswith(f"{afile} is a file, not a folder\n")


@pytest.mark.parametrize("verb", ["compare", "sweep"])
def test_compare_and_sweep_try_their_out_before_the_runs(tmp_path: Path, verb: str) -> None:
    path = scenario(tmp_path)
    afile = tmp_path / "afile"
    afile.write_text("")
    extra = ["--set", "teams.phone.size=11"] if verb == "compare" else ["--vary", "seed=1,2"]
    result = invoke(verb, path, *extra, *SHORT, "-r", "2", "--out", afile)
    assert result.exit_code == 2
    no_traceback(result)
    told = f"--out: {afile}: cannot make the folder: {afile} is a file, not a folder\n"
    assert result.stderr == told


@pytest.mark.skipif(ROOT, reason="root ignores permissions")
def test_a_read_only_out_or_junit_is_bad_input_before_the_run(tmp_path: Path) -> None:
    path = scenario(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = invoke("run", path, *SHORT, "--out", locked)
        assert result.exit_code == 2
        no_traceback(result)
        assert result.stderr == (
            f"--out: {locked}/queue: cannot make the results folder: Permission denied\n"
        )
        junit = invoke("check", path, *SHORT, "--out", tmp_path / "r", "--junit", locked / "j.xml")
        assert junit.exit_code == 2
        no_traceback(junit)
        assert junit.stderr == f"--junit: {locked}: cannot write there: Permission denied\n"
        assert not (tmp_path / "r").exists()
    finally:
        locked.chmod(0o755)
    assert leftovers(tmp_path) == []


def test_a_folder_that_takes_no_files_is_bad_input_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission denied on the file, though the folder could be made (as root too)."""

    def refuse(*_: object, **__: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    result = invoke("run", scenario(tmp_path), *SHORT, "--out", tmp_path / "r")
    assert result.exit_code == 2
    no_traceback(result)
    assert result.stderr.startswith(f"--out: {tmp_path}/r/queue/")
    assert result.stderr.endswith(": cannot write there: Permission denied\n")
    assert list((tmp_path / "r" / "queue").iterdir()) == []  # the run folder is gone


def _fsync_failing(match: Callable[[str], bool]) -> Callable[[int], None]:
    """os.fsync that fails with ENOSPC for the files whose path `match` accepts."""
    real = os.fsync

    def fsync(descriptor: int) -> None:
        if match(os.readlink(f"/proc/self/fd/{descriptor}")):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(descriptor)

    return fsync


@pytest.fixture
def proc() -> Iterator[None]:
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to tell which file is written")
    yield


def test_a_full_disk_before_the_run_is_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, proc: None
) -> None:
    monkeypatch.setattr(os, "fsync", _fsync_failing(lambda _: True))
    result = invoke("check", scenario(tmp_path), *SHORT, "--out", tmp_path / "r")
    assert result.exit_code == 2
    no_traceback(result)
    assert result.stderr.endswith(": cannot write there: No space left on device\n")
    assert result.stdout == ""
    assert leftovers(tmp_path) == []


def test_a_disk_full_after_the_run_prints_the_summary_and_keeps_nothing_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, proc: None
) -> None:
    """The folder took the probe, then filled up: every result file fails."""
    monkeypatch.setattr(os, "fsync", _fsync_failing(lambda name: "probe" not in name))
    result = invoke("run", scenario(tmp_path), *SHORT, "--out", tmp_path / "r", "--no-plots")
    assert result.exit_code == 1
    no_traceback(result)
    assert "time to resolution" in result.stdout  # the numbers are not lost
    lines = result.stderr.splitlines()
    assert lines[-3].endswith("/replications.csv: cannot save the results: No space left on device")
    assert lines[-2:] == [
        "nothing of the run was kept on disk",
        "the summary printed above is whole; the files not kept are lost",
    ]
    assert list((tmp_path / "r" / "queue").iterdir()) == []
    assert leftovers(tmp_path) == []


def test_a_disk_full_midway_says_what_was_kept_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, proc: None
) -> None:
    monkeypatch.setattr(os, "fsync", _fsync_failing(lambda name: "figures.json" in name))
    result = invoke("run", scenario(tmp_path), *SHORT, "--out", tmp_path / "r", "--json")
    assert result.exit_code == 1
    no_traceback(result)
    assert '"per_replication"' in result.stdout
    (folder,) = (tmp_path / "r" / "queue").iterdir()
    assert result.stderr.splitlines()[-3:] == [
        f"{folder}/figures.json: cannot save the results: No space left on device",
        f"kept in {folder}: replications.csv (2 of 2 replications), summary.json",
        "the summary printed above is whole; the files not kept are lost",
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["replications.csv", "summary.json"]
    assert leftovers(tmp_path) == []


def test_a_junit_file_that_cannot_be_written_after_the_check_fails_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, proc: None
) -> None:
    monkeypatch.setattr(os, "fsync", _fsync_failing(lambda name: "junit.xml" in name))
    junit = tmp_path / "reports" / "junit.xml"
    result = invoke("check", scenario(tmp_path), *SHORT, "--out", tmp_path / "r", "--junit", junit)
    assert result.exit_code == 1  # the check is ok, but CI would read no report
    no_traceback(result)
    assert result.stdout.endswith("→ ok\n")
    assert result.stderr.splitlines()[-2:] == [
        f"--junit: {junit}: cannot write: No space left on device",
        "the check printed above is whole; the files not kept are lost",
    ]
    (folder,) = (tmp_path / "r" / "queue").iterdir()
    assert (folder / "check.json").is_file()
    assert not junit.exists()
    assert leftovers(tmp_path) == []


def test_a_checkpoint_that_fails_during_the_run_does_not_stop_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, proc: None
) -> None:
    """The disk is full while replications finish, and has room again at the end."""
    full = True
    real = os.fsync

    def fsync(descriptor: int) -> None:
        if full and "replications.csv" in os.readlink(f"/proc/self/fd/{descriptor}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    from cxsim.output import RunWriter

    finish = RunWriter.finish

    def room_again(self: RunWriter, *args: object) -> Path:
        nonlocal full
        assert self.checkpoint_error is not None and self.checkpoint_error.errno == errno.ENOSPC
        full = False
        return finish(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(RunWriter, "finish", room_again)
    result = invoke("run", scenario(tmp_path), *SHORT, "--out", tmp_path / "r", "--no-plots")
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "r" / "queue").iterdir()
    assert len((folder / "replications.csv").read_text().splitlines()) == 3
    assert leftovers(tmp_path) == []


def test_a_report_that_cannot_be_written_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, proc: None
) -> None:
    made = invoke("run", scenario(tmp_path), *SHORT, "--out", tmp_path / "r", "--no-plots")
    assert made.exit_code == 0, made.output
    (folder,) = (tmp_path / "r" / "queue").iterdir()
    monkeypatch.setattr(os, "fsync", _fsync_failing(lambda name: "report.html" in name))
    result = invoke("report", folder)
    assert result.exit_code == 1
    no_traceback(result)
    assert result.stderr == (
        f"{folder}/report.html: cannot write the report: No space left on device\n"
    )
    assert not (folder / "report.html").exists()
    assert leftovers(tmp_path) == []


def test_result_files_and_folders_follow_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        assert file_mode() == 0o640
        args = ["--out", tmp_path / "r", "--events", "csv", "--no-plots"]
        result = invoke("run", scenario(tmp_path), *SHORT, *args)
        assert result.exit_code == 0, result.output
        os.umask(0o022)
        assert file_mode() == 0o644
        atomic_write(tmp_path / "shared.json", "{}")
    finally:
        os.umask(previous)
    (folder,) = (tmp_path / "r" / "queue").iterdir()
    files = list(folder.iterdir())
    assert {p.name for p in files} >= {"summary.json", "events.csv", "replications.csv"}
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o640}
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "shared.json").stat().st_mode) == 0o644


def test_writable_folder_leaves_nothing_behind(tmp_path: Path) -> None:
    (tmp_path / "there").mkdir()
    writable_folder(tmp_path / "there")
    writable_folder(tmp_path / "a" / "b")  # made to be tried, then removed again
    assert [p.name for p in tmp_path.iterdir()] == ["there"]
    assert list((tmp_path / "there").iterdir()) == []
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError) as raised:
        writable_folder(tmp_path / "file" / "c")
    assert str(raised.value) == (
        f"{tmp_path}/file/c: cannot make the folder: {tmp_path}/file is a file, not a folder"
    )


def test_a_failed_write_names_the_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(_: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    (tmp_path / "old.json").write_text("old")
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError) as raised:
        atomic_write(tmp_path / "old.json", "new")
    assert (raised.value.errno, raised.value.filename) == (errno.ENOSPC, str(tmp_path / "old.json"))
    assert (tmp_path / "old.json").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["old.json"]
    monkeypatch.undo()
    real_fdopen = os.fdopen

    class Full(io.BufferedWriter):
        def write(self, _: object) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fdopen(descriptor: int, *_: object, **__: object) -> io.BufferedWriter:
        return Full(real_fdopen(descriptor, "wb", buffering=0))  # type: ignore[arg-type]

    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.raises(OSError, match="No space left on device") as raised:
        atomic_write(tmp_path / "new.json", "{}")
    assert raised.value.filename == str(tmp_path / "new.json")
    assert [p.name for p in tmp_path.iterdir()] == ["old.json"]
    monkeypatch.undo()
    with pytest.raises(FileNotFoundError) as missing:
        atomic_write(tmp_path / "nowhere" / "x.json", "{}")
    assert missing.value.filename == str(tmp_path / "nowhere" / "x.json")
