"""Promises to the customer: made with a deadline, then kept or broken.

An appointment window, a callback, an ETA: each is a `Promise` on the case with a due
time. The step that fulfils it keeps it; a watcher breaks it at the deadline if it was
not kept by then. What the customer hears when a promise breaks follows the scenario's
`late_notification` policy:

- `none`: nothing; the customer notices and chases at once (when they follow up at all).
- `generic`: a message that says something changed ("reply CHANGE") but gives no time;
  an outbound contact that does not stop the customer chasing.
- `eta`: a new time, when the process knows when the pending action will be done (plus
  `eta_margin`): a new promise; the customer waits for it instead of chasing.
- `rebook`: a new window offered around that time, taken from the field team's
  appointment slots (its opening hours, window grid, technicians and visits per day): a
  new promise the customer waits in for. The broken window's slot is free again; when
  the window the expected time falls in is full, the visit moves to the later one.

When the process does not know when it will act (the case sits stalled with nobody),
`eta` and `rebook` can only send the generic message. A visit whose technician never
came (the case stalled at it) is booked into a new window when the case is revived
(`rebook_visit`).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from cxsim.engine.case import Promise

if TYPE_CHECKING:
    from cxsim.engine.case import Case
    from cxsim.engine.world import World


def make_promise(
    env: simpy.Environment,
    world: World,
    case: Case,
    kind: str,
    due: float,
    by: str,
    window: float = 0.0,
    about: str | None = None,
) -> Promise:
    """Promise the customer `kind` by `due`; a watcher breaks it if it is not kept by then.

    `about` names the step whose completion keeps it (see `keep_about`).
    """
    promise = Promise(kind, env.now, due, by, window=window, about=about)
    case.promises.append(promise)
    case.progress_at = env.now
    if case.history is not None:
        case.note(env.now, by, None, "promise", kind=kind, due=due, number=len(case.promises))
    env.process(_watch(env, world, case, promise))
    return promise


def keep(env: simpy.Environment, case: Case, promise: Promise | None) -> None:
    """The promise is fulfilled now: kept if it is still open."""
    if promise is None or promise.kept is not None:
        return
    promise.kept = True
    if case.history is not None:
        case.note(
            env.now, promise.by, None, "promise kept", number=case.promises.index(promise) + 1
        )


def keep_about(env: simpy.Environment, case: Case, step: str) -> None:
    """Step `step` is done: every open promise about it is kept (an ETA given for it too)."""
    for promise in case.promises:
        if promise.kept is None and promise.about == step:
            keep(env, case, promise)


def keep_open(env: simpy.Environment, case: Case) -> None:
    """The pending action is done: every promise still open on the case is kept."""
    for promise in case.promises:
        if promise.kept is None:
            keep(env, case, promise)


def _watch(
    env: simpy.Environment, world: World, case: Case, promise: Promise
) -> Generator[Any, Any, None]:
    yield env.timeout(max(0.0, promise.due - env.now))
    if promise.kept is not None or case.ended_at is not None:
        return
    _break(env, case, promise)
    notify(env, world, case, promise)


def _break(env: simpy.Environment, case: Case, promise: Promise) -> None:
    """The promise is broken now."""
    promise.kept = False
    case.broken += 1
    if promise.kind == "appointment":
        case.missed += 1
    if case.history is not None:
        case.note(
            env.now, promise.by, None, "promise broken", number=case.promises.index(promise) + 1
        )


def book_window(
    env: simpy.Environment,
    world: World,
    case: Case,
    team: str,
    earliest: float,
    window: float,
    around: bool = False,
) -> Promise:
    """Book a window of `team`'s appointment slots from `earliest` on, and promise it.

    `around`: the window `earliest` falls in (or the next with a slot left), not the first
    starting after it (`Slots.book`).
    """
    slots = world.teams[team].slots
    assert slots is not None
    start = slots.book(earliest, window, around)
    booked = make_promise(env, world, case, "appointment", start + window, team, window=window)
    case.appointment = booked
    return booked


def give_up_window(env: simpy.Environment, world: World, case: Case, booked: Promise) -> None:
    """The window `booked` is given up for another: broken if it was still open, slot freed.

    The customer waited in from its start until it ended, or until now if sooner.
    """
    if booked.kept is None:
        _break(env, case, booked)
    start = booked.due - booked.window
    case.effort += max(0.0, min(env.now, booked.due) - start)
    slots = world.teams[booked.by].slots if booked.by in world.teams else None
    if slots is not None:
        slots.release(start)


def rebook_visit(
    env: simpy.Environment, world: World, case: Case, team: str, step: str
) -> Generator[Any, Any, None]:
    """The visit of `team` at `step` did not happen in its window: book the next free one.

    The field team holds the pending action again, and the case waits for the new
    window's start (the reviving team books the first window from now on).
    """
    booked = case.appointment
    assert booked is not None
    now = env.now
    give_up_window(env, world, case, booked)
    case.take(world.teams[team], now)
    case.expected = None
    new = book_window(env, world, case, team, now, booked.window)
    start = new.due - new.window
    if case.history is not None:
        case.note(now, team, None, "booked", step=step, window_start=start)
    if start > now:
        yield env.timeout(start - now)


def notify(env: simpy.Environment, world: World, case: Case, promise: Promise) -> None:
    """Tell the customer about a broken promise, as the `late_notification` policy says."""
    policies = world.scenario.policies
    policy = policies.late_notification
    if policy == "none":
        _alarm(case)
        return
    case.outbound += 1
    now = env.now
    expected = case.expected
    if policy == "generic" or expected is None or expected < now:
        if case.history is not None:
            case.note(now, promise.by, "sms", "told", message="something changed, reply CHANGE")
        _alarm(case)
        return
    due = expected + policies.eta_margin
    if policy == "rebook" and promise.window > 0:
        give_up_window(env, world, case, promise)  # waited in for the whole broken window
        new = book_window(env, world, case, promise.by, expected, promise.window, around=True)
        how = "new window offered"
    else:
        new = make_promise(env, world, case, "eta", due, promise.by, about=promise.about)
        how = "new time given"
    if case.history is not None:
        case.note(now, promise.by, "sms", "told", message=how, due=new.due)


def _alarm(case: Case) -> None:
    """The customer learns the promise broke and will chase (if they follow up at all)."""
    case.alarm = True
    nudge = case.nudge
    if nudge is not None and not nudge.triggered:
        nudge.succeed()
