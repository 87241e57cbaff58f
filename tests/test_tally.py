"""The recorder folds cases into a fixed-size tally: the numbers of the rows, not the rows."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from cxsim import load_scenario
from cxsim.engine import build_world, run_world
from cxsim.engine.case import Case
from cxsim.engine.world import CustomerSegment, World
from cxsim.metrics import TIME_METRICS, Recorder, replication_metrics
from cxsim.sketch import CENSORED, COMPETING, RATIO, RELATIVE_ERROR, RESOLVED, LogHistogram
from cxsim.statistics import cumulative_incidence_quantiles
from cxsim.tally import HANDOFF_BUCKETS, Tally

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
QUANTILES = [0.5, 0.9, 0.99]


def energy(block: int | None = None) -> World:
    """Two weeks of the energy supplier (three streams of work), its rows kept."""
    model = load_scenario(SCENARIOS / "energy_supplier.yml", ["horizon=2w", "warmup=2d"])
    world = build_world(model, np.random.SeedSequence(3))
    world.recorder = Recorder(keep_rows=True)
    if block is not None:
        world.recorder.BLOCK = block
    run_world(world)
    return world


def exact_values(rows: dict[str, np.ndarray]) -> dict[str, float]:
    """The case metrics straight from the rows."""
    resolved = rows["resolved"] == 1
    process_resolved = rows["process_resolved"] == 1
    visited = rows["visits"] > 0
    contacts = rows["contacts"]
    plain = [
        "orphan_time",
        "handoffs",
        "cross_org_handoffs",
        "repeats",
        "contacts",
        "outbound",
        "customer_effort",
        "wasted_visits",
        "broken_promises",
        "missed_appointments",
    ]

    def mean(values: np.ndarray) -> float:
        return float(values.mean()) if len(values) else math.nan

    return {
        "time_to_resolution": mean(rows["time_to_resolution"][resolved]),
        "process_time_to_resolution": mean(rows["process_time_to_resolution"][process_resolved]),
        "resolved_rate": mean(resolved),
        "gave_up_rate": mean(rows["gave_up"]),
        "orphan_rate": mean(rows["orphaned"]),
        **{name: mean(rows[name]) for name in plain},
        "truck_rolls": mean(rows["visits"][visited]),
        "first_time_fix_rate": mean(rows["fixed_first_visit"][visited]),
        "first_contact_resolution": mean(resolved & (contacts == 1)),
        "repeat_contact_rate": mean(contacts > 1),
        "cases": float(len(resolved)),
    }


ENDINGS = {
    "time_to_resolution": ("resolved", "open"),
    "process_time_to_resolution": ("process_resolved", "process_open"),
}


def exact_quantiles(rows: dict[str, np.ndarray], name: str) -> tuple[list[float], float]:
    """Percentiles of a time straight from the rows, and the shortest censored time."""
    done, still_open = (rows[column] == 1 for column in ENDINGS[name])
    status = np.where(done, RESOLVED, np.where(still_open, CENSORED, COMPETING))
    censored = rows[name][still_open]
    shortest = float(censored.min()) if len(censored) else math.inf
    return cumulative_incidence_quantiles(rows[name], status, QUANTILES), shortest


def test_a_run_summarises_as_its_rows_do_means_exact_percentiles_within_the_error() -> None:
    world = energy()
    names = [stream.name for stream in world.customer_streams]
    assert len(names) == 3
    replication = replication_metrics(0, world.recorder.tally(), world.teams, streams=names)
    rows = world.recorder.arrays()
    assert rows["open"].sum() > 0 and rows["gave_up"].sum() > 0 and rows["orphaned"].sum() > 0
    groups = {"": slice(None)}
    groups.update({f"streams.{name}.": rows["stream"] == n for n, name in enumerate(names)})
    for prefix, chosen in groups.items():
        some = {column: values[chosen] for column, values in rows.items()}
        values = replication.streams[prefix.split(".")[1]] if prefix else replication.metrics
        assert values == pytest.approx(exact_values(some), rel=1e-12, nan_ok=True)
        for name in TIME_METRICS:
            exact, shortest = exact_quantiles(some, name)
            sketched = replication.times[prefix + name].quantiles(QUANTILES)
            assert exact[0] * RATIO < shortest  # the median at least is compared
            for low, high in zip(exact, sketched, strict=True):
                assert math.isinf(low) == math.isinf(high)
                # no case is censored before the drain: up to there the estimate is exact
                if math.isfinite(low) and low * RATIO < shortest:
                    assert abs(high - low) <= RELATIVE_ERROR * low * (1 + 1e-12)
    assert replication.metrics["cases"] == len(rows["created"])


def test_folding_in_blocks_of_any_size_gives_the_same_tally() -> None:
    whole, small = energy().recorder.tally(), energy(block=7).recorder.tally()
    assert small.sums == pytest.approx(whole.sums, rel=1e-12)
    assert small.times == whole.times  # streams appear in later blocks of 7, too
    assert small.orphan_times == whole.orphan_times
    assert small.handoffs.tolist() == whole.handoffs.tolist()


SEGMENT = CustomerSegment("default", None, [], [])


def close_cases(recorder: Recorder, first: int, count: int) -> None:
    """Record `count` made-up cases: two streams, each ending of a time from a fixed set."""
    for number in range(first, first + count):
        case = Case(number, number, SEGMENT, "work", float(number), counted=True)
        case.stream = number % 2
        case.handoffs = number % (HANDOFF_BUCKETS + 3)
        case.contacts = 1 + number % 3
        took = 0.5 * (1 + number % 400)
        if number % 11 == 0:
            recorder.case_closed(case, until=case.created + took)  # still open: censored
            continue
        case.end(case.created + took, "gave_up" if number % 7 == 0 else "resolved")
        recorder.case_closed(case)


def retained(tally: Tally) -> int:
    """Bytes of the arrays a tally holds."""
    histograms: list[LogHistogram] = [tally.orphan_times]
    for times in tally.times:
        histograms += [h for sketch in times.values() for h in sketch.endings.values()]
    held = sum(h.bins.nbytes + h.counts.nbytes for h in histograms)
    return held + tally.sums.nbytes + tally.handoffs.nbytes


def rows_held(recorder: Recorder) -> int:
    """Bytes of the rows a recorder keeps."""
    return sum(column.nbytes for column in recorder.arrays().values())


def test_the_recorder_does_not_grow_with_cases() -> None:
    recorder, keeping = Recorder(), Recorder(keep_rows=True)
    close_cases(recorder, 1, 10_000)
    close_cases(keeping, 1, 10_000)
    size, kept = retained(recorder.tally()), rows_held(keeping)
    close_cases(recorder, 10_001, 90_000)
    close_cases(keeping, 10_001, 90_000)
    tally = recorder.tally()
    assert tally.sums_of()["cases"] == 100_000
    assert retained(tally) == size
    assert recorder.blocks == [] and recorder.rows == []
    assert rows_held(keeping) == 10 * kept  # rows kept do grow
    assert tally.times[1]["time_to_resolution"].endings[COMPETING].total > 0


def test_rows_are_read_only_from_a_recorder_that_keeps_them() -> None:
    recorder = Recorder()
    close_cases(recorder, 1, 10)
    with pytest.raises(RuntimeError, match="keep_rows=True"):
        recorder.arrays()
    keeping = Recorder(keep_rows=True)
    close_cases(keeping, 1, 10)
    assert keeping.arrays()["created"].tolist() == [float(n) for n in range(1, 11)]
    assert Recorder(keep_rows=True).arrays()["created"].tolist() == []
