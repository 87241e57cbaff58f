"""A case's process, started in the step that opens the case.

`env.process(generator)` schedules an `Initialize` event and runs the generator only when
the event queue reaches it. A new case needs no such wait: its first step (joining a
queue, booking a window) can happen at the instant it arrives, in the step that opened
it. `start` makes a SimPy process whose generator runs at once up to its first yield,
which spares every case one trip through the event queue. Everything else about the
process is SimPy's own: it can be interrupted, waited on, and fails its replication if
its generator raises.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy
from simpy.events import Event


def start(env: simpy.Environment, generator: Generator[Any, Any, Any]) -> simpy.Process:
    """A process running `generator`, started now rather than at its turn in the queue."""
    process = simpy.Process.__new__(simpy.Process)
    process.env = env
    process.callbacks = []
    process._generator = generator
    started = Event(env)  # an event already processed: resuming with it runs the generator
    started._ok, started._value, started.callbacks = True, None, None  # type: ignore[assignment]
    process._target = started
    running = env.active_process  # the process that opened the case goes on after it
    process._resume(started)
    env._active_proc = running  # type: ignore[attr-defined]
    return process
