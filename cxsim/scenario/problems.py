"""Problems with a scenario: where each one is and what is wrong, and the error that carries them.

Every check of a scenario (YAML syntax, schema, references between names, overrides)
reports `Problem`s instead of raising at the first one, so a designer sees all of them at
once, one line each: `FILE:LINE:COL: dotted.path: what was expected, what was found`.
A warning is a `Problem` too (`FILE:LINE:COL: dotted.path: warning: …`): something that
is probably wrong but does not stop the scenario from running.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, with the place it was found."""

    where: str
    """`FILE:LINE:COL`, `--set PATH=VALUE` or a bare file name."""
    path: str
    """Dotted path inside the scenario (`teams.agents.size`), empty for the whole file."""
    message: str
    warning: bool = False
    """Probably wrong rather than unable to work: told, but the scenario still runs."""

    def __str__(self) -> str:
        head = f"{self.where}: " if self.where else ""
        path = f"{self.path}: " if self.path else ""
        kind = "warning: " if self.warning else ""
        return f"{head}{path}{kind}{self.message}"


class ScenarioError(Exception):
    """Bad input: a scenario or override that cannot be run. Carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(name: str, valid: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when `name` is close to one of `valid`, else an empty string."""
    names = [str(v) for v in valid]
    close = difflib.get_close_matches(str(name), names, n=1, cutoff=0.6)
    if not close and len(str(name)) >= 3:
        close = [v for v in names if v.startswith(str(name))][:1]
    return f" (did you mean {close[0]!r}?)" if close else ""


def one_of(valid: Iterable[str]) -> str:
    """`'a', 'b' or 'c'` for an error message."""
    names = [repr(str(v)) for v in valid]
    if not names:
        return "nothing"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]
