"""The guard against a case that loops through steps without time passing.

`cxsim validate` rejects the loops it can prove take no time and have no way out, but
some only show at run time (a condition already met, a failure that skips a step). Such
a case would keep the simulated clock where it is, and the run would never finish. So
the journey loop counts the steps a case takes at one instant; past `STEP_LIMIT` the
replication stops with a `RunawayCase` naming the journey and the steps looped through.
Monte Carlo records it as a failed replication and keeps the others.
"""

from __future__ import annotations

from cxsim.scenario.units import format_duration

STEP_LIMIT = 10_000
"""Steps a case may take without time passing before its replication is stopped."""

LOOP_SHOWN = 100
"""Steps followed past the limit to find the ones the case loops through."""


class RunawayCase(Exception):
    """A case looped through steps without time passing: its replication cannot finish.

    Its one argument is the message (SimPy rebuilds an exception from its arguments when
    it leaves a process); `runaway` words it.
    """


def runaway(case: str, journey: str, steps: list[str], at: float) -> RunawayCase:
    """The error for case `case` of `journey` looping through `steps` at time `at`."""
    names = [repr(step) for step in dict.fromkeys(steps)]  # each once
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return RunawayCase(
        f"case {case} of journey {journey!r} took {STEP_LIMIT:,} steps without time passing "
        f"(at {format_duration(at)}), looping through {'step' if len(names) == 1 else 'steps'} "
        f"{listed}: a loop with no way out that takes no time; the replication stopped there"
    )
