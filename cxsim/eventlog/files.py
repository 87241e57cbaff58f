"""The files of an event log: the part each replication writes, and the final file.

A replication writes its lines to `.events-NNNNNN.PART.tmp` in the run folder as its
root cases close, and renames it to `.events-NNNNNN.PART.part` once the replication is
over: a `.part` file is always whole. The final file is written to a temporary name and
renamed into place, so a crash or Ctrl-C leaves the old file or the new one, never half.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

PREFIX = ".events-"


def part_path(folder: Path, replication: int, part: str, done: bool = True) -> Path:
    """Where replication `replication` writes its `part` (`.tmp` while it writes it)."""
    suffix = "part" if done else "tmp"
    return folder / f"{PREFIX}{replication:06d}.{part}.{suffix}"


def leftovers(folder: Path) -> list[Path]:
    """The part files in `folder`, whole or not."""
    return sorted(folder.glob(f"{PREFIX}*.part")) + sorted(folder.glob(f"{PREFIX}*.tmp"))


@contextmanager
def atomic_file(path: Path) -> Iterator[TextIO]:
    """A text file that appears at `path` whole when the block ends, or not at all."""
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        # imported here: cxsim.output imports the engine, which imports the event log
        from cxsim.output import file_mode

        os.chmod(temporary, file_mode())  # a temporary file is private; results are not
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
