"""Results on disk: `DIR/<scenario>/<run-id>/` with summary, manifest and replications.

Every file is written to a temporary name in the same folder and renamed into place,
so a crash or Ctrl-C never leaves a half-written file, and a failed write leaves no
temporary file behind. `replications.csv` is rewritten as replications finish, so
finished replications survive an interrupted run. A folder that cannot be made or
written (a file in the way, no permission, a full disk) is found before the run starts
(`OutputError`); a write that fails after the run says what was lost and what was kept.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import io
import json
import math
import os
import platform
import re
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from cxsim.figures import figures
from cxsim.metrics import Replication
from cxsim.montecarlo import Results


class OutputError(Exception):
    """Results that cannot be written where asked: one line saying where, and why."""


def atomic_write(path: Path, content: str | bytes) -> None:
    """Write `content` to `path` so that readers see the old file or the new one, never half.

    Text is written as UTF-8. The file gets the mode the umask gives a new file. On
    failure the temporary file is removed, and the OSError raised names `path`.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise _naming(error, path) from error
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, file_mode())  # a temporary file is private; results are not
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):  # the first error is the one to tell
            temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _naming(error, path) from error
        raise


def _naming(error: OSError, path: Path) -> OSError:
    """The same error (same errno, so the same subclass) about `path`, not a temporary name."""
    if error.errno is None:
        return OSError(errno.EIO, str(error), str(path))
    return OSError(error.errno, error.strerror or os.strerror(error.errno), str(path))


def file_mode() -> int:
    """The mode a new file gets under the process's umask (0644 under the usual 022).

    Read from /proc where it can be, since setting the umask to read it back is not safe
    while another thread makes a file.
    """
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def reason(error: OSError, path: str | Path | None = None) -> str:
    """Why a path could not be made or written, for people: a file in the way, or strerror."""
    if error.errno in (errno.ENOTDIR, errno.EEXIST) and path is not None:
        for parent in (Path(path), *Path(path).parents):
            if parent.exists() or parent.is_symlink():
                if not parent.is_dir():
                    return f"{parent} is a file, not a folder"
                break
    return error.strerror or str(error)


PROBE_BYTES = 4096
"""Bytes written to see that a folder takes files: one block, so a full disk shows."""


def writable_folder(folder: str | Path) -> None:
    """See that results can be written in `folder`: make it, write and remove a file in it,
    and remove again the folders made for that; OutputError saying why if it fails.

    Run before a long run, so a folder that cannot take the results fails in a second,
    not after an hour of simulation.
    """
    folder = Path(folder)
    made = [p for p in (folder, *folder.parents) if not (p.exists() or p.is_symlink())]
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            why = reason(error, folder)
            raise OutputError(f"{folder}: cannot make the folder: {why}") from None
        probe = folder / ".cxsim-probe"
        try:
            atomic_write(probe, bytes(PROBE_BYTES))
        except OSError as error:
            raise OutputError(f"{folder}: cannot write there: {reason(error)}") from None
        finally:
            with contextlib.suppress(OSError):  # the error that made the probe fail is told
                probe.unlink(missing_ok=True)
    finally:
        for path in made:  # deepest first
            with contextlib.suppress(OSError):
                path.rmdir()


def to_json(data: Any) -> str:
    """JSON with NaN and infinities written as null."""
    return json.dumps(_clean(data), indent=2) + "\n"


def _clean(data: Any) -> Any:
    if isinstance(data, float) and not math.isfinite(data):
        return None
    if isinstance(data, dict):
        return {key: _clean(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_clean(value) for value in data]
    return data


def version() -> str:
    """The installed cxsim version."""
    try:
        return metadata.version("cxsim")
    except metadata.PackageNotFoundError:
        return "unknown"


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class RunWriter:
    """Writes one run's folder as it goes: replications as they finish, the rest at the end."""

    CHECKPOINT_EVERY = 1.0
    """Seconds between rewrites of replications.csv while the run goes on."""

    def __init__(
        self, out: str | Path, scenario_name: str, scenario_file: str | Path | None
    ) -> None:
        self.started = datetime.now(UTC)
        try:
            self.directory = run_folder(out, scenario_name, self.started)
        except OSError as error:
            where = Path(out) / folder_name(scenario_name)
            why = reason(error, where)
            raise OutputError(f"{where}: cannot make the results folder: {why}") from None
        try:
            writable_folder(self.directory)
        except OutputError:
            with contextlib.suppress(OSError):
                self.directory.rmdir()
            raise
        self.scenario_file = scenario_file
        self._rows: dict[int, dict[str, float]] = {}
        self._written = 0.0
        self._kept = 0
        """Replications in the replications.csv on disk."""
        self.checkpoint_error: OSError | None = None
        """The last checkpoint that could not be written; the run went on without it."""

    def replication_done(self, replication: Replication) -> None:
        """Keep a finished replication; rewrite the checkpoint now and then."""
        row: dict[str, float] = {"replication": replication.index, **replication.metrics}
        for stream, values in replication.streams.items():
            row.update({f"streams.{stream}.{name}": value for name, value in values.items()})
        for team, values in replication.teams.items():
            row.update({f"teams.{team}.{name}": value for name, value in values.items()})
        self._rows[replication.index] = row
        if time.monotonic() - self._written >= self.CHECKPOINT_EVERY:
            try:
                self._write_replications()
            except OSError as error:  # the run goes on: finish writes all it holds again
                self.checkpoint_error = error
                self._written = time.monotonic()

    def _write_replications(self) -> None:
        if not self._rows:
            return
        rows = [self._rows[i] for i in sorted(self._rows)]
        fields = list(rows[0])
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: "" if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
            )
        atomic_write(self.directory / "replications.csv", buffer.getvalue())
        self._written = time.monotonic()
        self._kept = len(rows)

    def discard(self) -> None:
        """Remove the run folder when nothing was written into it."""
        with contextlib.suppress(OSError):
            if not any(self.directory.iterdir()):
                self.directory.rmdir()

    def unsaved(self, error: OSError) -> list[str]:
        """What a failed write of the results lost, and what the run folder kept: two lines.

        A run folder left empty is removed.
        """
        where = error.filename or self.directory
        lines = [f"{where}: cannot save the results: {reason(error)}"]
        try:
            kept = sorted(p.name for p in self.directory.iterdir() if not p.name.startswith("."))
        except OSError:
            kept = []
        if not kept:
            self.discard()
            return [*lines, "nothing of the run was kept on disk"]
        done = len(self._rows)
        shown = [
            f"{name} ({self._kept} of {done} replications)" if name == "replications.csv" else name
            for name in kept
        ]
        return [*lines, f"kept in {self.directory}: {', '.join(shown)}"]

    def finish(self, results: Results, summary: dict[str, Any], jobs: int) -> Path:
        """Write the summary, manifest and resolved scenario; return the run folder.

        An OSError names the file that could not be written (`unsaved` tells the rest).
        """
        for replication in results.replications:
            if replication.index not in self._rows:
                self.replication_done(replication)
        self._write_replications()
        atomic_write(self.directory / "summary.json", to_json(summary))
        data = figures(results.replications, results.scenario)
        atomic_write(self.directory / "figures.json", to_json(data))
        scenario = results.scenario.model_dump(mode="json")
        atomic_write(self.directory / "scenario.json", to_json(scenario))
        atomic_write(self.directory / "manifest.json", to_json(self.manifest(results, jobs)))
        return self.directory

    def manifest(self, results: Results, jobs: int) -> dict[str, Any]:
        """Everything needed to run this again and get the same numbers."""
        sha = file_sha256(self.scenario_file) if self.scenario_file else None
        return {
            "cxsim_version": version(),
            "scenario": results.scenario.name,
            "scenario_file": str(self.scenario_file) if self.scenario_file else None,
            "scenario_sha256": sha,
            "seed": results.seed,
            "replications": len(results.replications),
            "requested_replications": results.requested,
            "overrides": results.overrides,
            "complete": results.complete,
            "interrupted": results.interrupted,
            "failed_replications": [index for index, _ in results.failed],
            "jobs": jobs,
            "started": self.started.isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "packages": {
                name: _package_version(name) for name in ("simpy", "numpy", "scipy", "pydantic")
            },
        }


def _package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def run_folder(
    out: str | Path, scenario_name: str, started: datetime | None = None, prefix: str = ""
) -> Path:
    """Create and return a new folder `out/<scenario>/<prefix><run-id>` (run id: start time).

    The scenario's name is made safe for a folder first (`folder_name`).
    """
    base = Path(out) / folder_name(scenario_name)
    base.mkdir(parents=True, exist_ok=True)
    stamp = (started or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return _unique(base, prefix + stamp)


FOLDER_NAME_MOST = 80
"""Characters of a scenario's name kept in its results folder's name, at most."""


def folder_name(name: str) -> str:
    """A scenario's name as a folder's: letters, digits, `.`, `_` and `-` only (others
    become `-`), not starting with a dot, at most `FOLDER_NAME_MOST` characters; a name cut
    short ends with 8 hex digits of its hash, so two long names stay apart."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).lstrip(".-") or "scenario"
    if len(safe) > FOLDER_NAME_MOST:
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        safe = f"{safe[: FOLDER_NAME_MOST - 9]}-{digest}"
    return safe


def _unique(base: Path, stamp: str) -> Path:
    for suffix in range(1000):
        candidate = base / (stamp if suffix == 0 else f"{stamp}-{suffix}")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"no free run folder under {base}")
