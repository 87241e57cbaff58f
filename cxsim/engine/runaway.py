"""The guards against a replication that cannot finish: time that stands still, cases without end.

`cxsim validate` rejects the loops it can prove take no time and have no way out, but
some only show at run time (a condition already met, a failure that skips a step). Such
a case would keep the simulated clock where it is, and the run would never finish. So
the journey loop counts the steps a case takes at one instant; past `STEP_LIMIT` the
replication stops with a `RunawayCase` naming the journey and the steps looped through.
Monte Carlo records it as a failed replication and keeps the others.

Other loops only show across cases (a repair that fails at once and reopens the step in
a child case that fails at once again), so the replication's clock is watched too
(`run_until`): past `INSTANT_LIMIT` events without the clock moving, it stops the same
way. And a replication opening more cases than the scenario's `max_cases` stops before
it eats the machine's memory.
"""

from __future__ import annotations

from itertools import repeat
from typing import TYPE_CHECKING, Any

from simpy.core import EmptySchedule, StopSimulation
from simpy.events import URGENT, Event

from cxsim.scenario.units import format_duration

if TYPE_CHECKING:
    import simpy

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


INSTANT_LIMIT = 500_000
"""Events a replication may process at one instant, on top of 100 per case of a cohort
(which all open at once), before it is stopped."""

CHECK_EVERY = 4096
"""Events processed between two looks at the clock."""


def too_many_cases(limit: int, at: float) -> RunawayCase:
    """The error for a replication opening more than `limit` cases, at time `at`."""
    return RunawayCase(
        f"the replication opened more than {limit:,} cases (max_cases) by "
        f"{format_duration(at)}; the replication stopped there: raise max_cases for a "
        "bigger run, or look for failures that open cases without end"
    )


def run_until(env: simpy.Environment, until: Any, instant_limit: int = INSTANT_LIMIT) -> None:
    """`env.run(until)`, stopped with a `RunawayCase` when the clock stands still for more
    than `instant_limit` events."""
    if not isinstance(until, Event):  # a time: stop before anything else happens then
        at = float(until)
        until = Event(env)
        until._ok, until._value = True, None
        env.schedule(until, URGENT, at - env.now)
    if until.callbacks is None:  # already processed
        return
    until.callbacks.append(StopSimulation.callback)
    step = env.step
    last, still = env.now, 0
    try:
        while True:
            for _ in repeat(None, CHECK_EVERY):
                step()
            now = env.now
            if now != last:
                last, still = now, 0
                continue
            still += CHECK_EVERY
            if still > instant_limit:
                raise RunawayCase(
                    f"time stood still at {format_duration(now)}: more than "
                    f"{instant_limit:,} events without the clock moving (work that takes no "
                    "time, repeated without end across cases: a repair that fails at once, a "
                    "follow-up answered in no time); the replication stopped there"
                )
    except StopSimulation:
        return
    except EmptySchedule:
        return
