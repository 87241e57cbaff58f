"""Event logs: exact rows on a small claim process, XES and OCEL shapes, streaming, pm4py."""

from __future__ import annotations

import csv
import gc
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from cxsim.cli import main
from cxsim.engine import build_world, run_world
from cxsim.engine.case import Case
from cxsim.eventlog import EventLog, EventLogRecorder
from cxsim.montecarlo import run
from tests.helpers import scenario
from tests.test_processes import ONE_AGENT

SCENARIOS = Path(__file__).parent.parent / "scenarios"
SCHEMA = Path(__file__).parent / "data" / "ocel20-schema-json.json"
XES = "{http://www.xes-standard.org/}"

CLAIM = """
    name: home-claim
    horizon: 30d
    start: 2024-03-04
    organizations: {insurer: {}, repairco: {kind: subcontractor}}
    customers:
      arrivals: {cohort: 2}
      journey: claim
    teams:
      claims_line: {size: 2, channels: [phone], org: insurer}
      adjusters: {size: 1, org: insurer}
      repairers: {size: 2, org: repairco}
    journeys:
      claim:
        start: report
        steps:
          report: {type: contact, team: claims_line, channel: phone, handle_time: 10min,
                   next: assess}
          assess: {type: task, team: adjusters, duration: 2h, next: approval}
          approval: {type: wait, owner: insurer, duration: 1d, next: book}
          book: {type: appointment, team: repairers, window: 4h, lead_time: 2d, next: repair}
          repair: {type: field_visit, team: repairers, duration: 3h}
      water_damage:
        start: dry_out
        steps:
          dry_out: {type: task, team: adjusters, duration: 1h}
    failures:
      - name: burst_pipe
        at: repair
        probability: 1
        effect: {spawn: {journey: water_damage, reported: 1}}
"""
"""Two home-insurance claims at once: reported by phone, assessed, approved by the insurer
(a wait held by the organization), a repair booked and done by a subcontractor, whose
visit bursts a pipe: a child case to dry the house out."""


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_claim_log_has_each_steps_start_and_end_in_order(tmp_path: Path) -> None:
    run(scenario(CLAIM), 1, jobs=1, events=EventLog(tmp_path, ("csv",)))
    rows = _rows(tmp_path / "events.csv")
    assert list(rows[0]) == [
        "case_id",
        "activity",
        "timestamp",
        "resource",
        "team",
        "organization",
        "lifecycle",
        "stream",
        "segment",
        "replication",
        "sequence",
    ]
    got = [
        (r["case_id"], r["activity"], r["timestamp"][5:16], r["resource"], r["lifecycle"][0])
        for r in rows
    ]
    assert got == [
        ("0-1", "report", "03-04T00:00", "claims_line-1", "s"),
        ("0-1", "report", "03-04T00:10", "claims_line-1", "c"),
        ("0-1", "assess", "03-04T00:10", "adjusters-1", "s"),
        ("0-1", "assess", "03-04T02:10", "adjusters-1", "c"),
        ("0-1", "approval", "03-04T02:10", "", "s"),
        ("0-1", "approval", "03-05T02:10", "", "c"),
        ("0-1", "book", "03-05T02:10", "", "s"),  # booking takes no time; the window waits
        ("0-1", "book", "03-05T02:10", "", "c"),
        ("0-1", "repair", "03-07T04:00", "repairers-1", "s"),  # on site, in the window
        ("0-1", "repair", "03-07T07:00", "repairers-1", "c"),
        ("0-1.1", "dry_out", "03-07T07:00", "adjusters-1", "s"),
        ("0-1.1", "dry_out", "03-07T08:00", "adjusters-1", "c"),
        # the second claim: another agent answers, the adjuster is busy till 02:10
        ("0-2", "report", "03-04T00:00", "claims_line-2", "s"),
        ("0-2", "report", "03-04T00:10", "claims_line-2", "c"),
        ("0-2", "assess", "03-04T02:10", "adjusters-1", "s"),
        ("0-2", "assess", "03-04T04:10", "adjusters-1", "c"),
        ("0-2", "approval", "03-04T04:10", "", "s"),
        ("0-2", "approval", "03-05T04:10", "", "c"),
        ("0-2", "book", "03-05T04:10", "", "s"),
        ("0-2", "book", "03-05T04:10", "", "c"),
        ("0-2", "repair", "03-07T08:00", "repairers-1", "s"),
        ("0-2", "repair", "03-07T11:00", "repairers-1", "c"),
        ("0-2.1", "dry_out", "03-07T11:00", "adjusters-1", "s"),
        ("0-2.1", "dry_out", "03-07T12:00", "adjusters-1", "c"),
    ]
    first = rows[0]
    assert first["timestamp"] == "2024-03-04T00:00:00.000"
    assert (first["team"], first["organization"], first["segment"]) == (
        "claims_line",
        "insurer",
        "default",
    )
    approval = rows[4]  # held by the insurer itself, not by one of its teams
    assert (approval["team"], approval["organization"]) == ("", "insurer")
    assert [int(r["sequence"]) for r in rows] == list(range(1, len(rows) + 1))
    assert {r["replication"] for r in rows} == {"0"}


def test_an_abandoned_contact_is_no_activity(tmp_path: Path) -> None:
    run(scenario(ONE_AGENT), 1, jobs=1, events=EventLog(tmp_path, ("csv",)))
    got = [
        (r["case_id"], r["timestamp"][11:16], r["lifecycle"])
        for r in _rows(tmp_path / "events.csv")
    ]
    assert got == [
        ("0-1", "00:00", "start"),
        ("0-1", "00:05", "complete"),
        ("0-2", "00:05", "start"),
        ("0-2", "00:10", "complete"),
    ]  # the third customer gave up in the queue: no work was done on their case


SLOW_FIX = """
    name: slow-fix
    horizon: 1d
    drain: 0min
    customers:
      arrivals: {cohort: 2}
      journey: fix
      give_up_after: 3h
    teams:
      desk: {size: 1}
    journeys:
      fix:
        start: repair
        steps:
          repair: {type: task, team: desk, duration: 2h}
"""


def test_work_cut_short_ends_with_the_case_and_open_work_has_no_end(tmp_path: Path) -> None:
    run(scenario(SLOW_FIX), 1, jobs=1, events=EventLog(tmp_path, ("csv",)))
    rows = _rows(tmp_path / "events.csv")
    got = [(r["case_id"], r["timestamp"][11:16], r["resource"], r["lifecycle"]) for r in rows]
    assert got == [
        ("0-1", "00:00", "desk-1", "start"),
        ("0-1", "02:00", "desk-1", "complete"),
        # the second customer walks away at 03:00, an hour into the work on their case
        ("0-2", "02:00", "desk-1", "start"),
        ("0-2", "03:00", "desk-1", "complete"),
    ]
    still_open = tmp_path / "open"
    still_open.mkdir()
    model = scenario(SLOW_FIX, "horizon=1h", "customers.give_up_after=null")
    run(model, 1, jobs=1, events=EventLog(still_open, ("csv",)))
    rows = _rows(still_open / "events.csv")
    assert [(r["case_id"], r["lifecycle"]) for r in rows] == [("0-1", "start")]


def test_xes_declares_its_extensions_and_has_the_standard_attributes(tmp_path: Path) -> None:
    run(scenario(CLAIM), 1, jobs=1, events=EventLog(tmp_path, ("xes",)))
    log = ET.parse(tmp_path / "events.xes").getroot()
    assert log.tag == f"{XES}log"
    prefixes = {e.get("prefix") for e in log.findall(f"{XES}extension")}
    assert prefixes == {"concept", "time", "org", "lifecycle"}
    traces = log.findall(f"{XES}trace")
    names = [t.find(f"{XES}string[@key='concept:name']").get("value") for t in traces]  # type: ignore[union-attr]
    assert names == ["0-1", "0-1.1", "0-2", "0-2.1"]
    child = traces[1]
    assert child.find(f"{XES}string[@key='parent']").get("value") == "0-1"  # type: ignore[union-attr]
    repair = traces[0].findall(f"{XES}event")[8]
    values = {a.get("key"): a.get("value") for a in repair}
    assert values == {
        "concept:name": "repair",
        "time:timestamp": "2024-03-07T04:00:00.000",
        "lifecycle:transition": "start",
        "org:resource": "repairers-1",
        "org:group": "repairers",
        "organization": "repairco",
        "sequence": "9",
    }
    assert repair.find(f"{XES}date[@key='time:timestamp']") is not None


def test_ocel_follows_the_standard_schema_and_relates_events_to_objects(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    run(scenario(CLAIM), 1, jobs=1, events=EventLog(tmp_path, ("ocel",)))
    log = json.loads((tmp_path / "events.ocel.json").read_text())
    jsonschema.validate(log, json.loads(SCHEMA.read_text()))
    kinds = {o["id"]: o["type"] for o in log["objects"]}
    assert kinds == {
        "0-customer-0": "customer",
        "0-1": "case",
        "0-1-appointment-1": "appointment",
        "0-repairers-1": "technician",
        "0-1.1": "child case",
        "0-customer-1": "customer",
        "0-2": "case",
        "0-2-appointment-1": "appointment",
        "0-2.1": "child case",
    }
    assert {t["name"] for t in log["eventTypes"]} == {
        "report",
        "assess",
        "approval",
        "book",
        "repair",
        "dry_out",
    }
    declared = {t["name"] for t in log["objectTypes"]}
    assert set(kinds.values()) <= declared
    child = next(o for o in log["objects"] if o["id"] == "0-1.1")
    assert {"objectId": "0-1", "qualifier": "parent"} in child["relationships"]
    repair = next(e for e in log["events"] if e["type"] == "repair")
    assert {(r["qualifier"], r["objectId"]) for r in repair["relationships"]} == {
        ("case", "0-1"),
        ("customer", "0-customer-0"),
        ("appointment", "0-1-appointment-1"),
        ("technician", "0-repairers-1"),
    }
    assert len(log["events"]) == 24
    assert len({e["id"] for e in log["events"]}) == 24


QUEUE = """
    name: queue
    horizon: 4h
    seed: 5
    customers: {arrivals: 2/min, journey: support, patience: {exponential: {mean: 4min}}}
    teams:
      phone: {size: 4, channels: [phone]}
      back: {size: 2}
    journeys:
      support:
        start: call
        steps:
          call: {type: contact, team: phone, handle_time: {exponential: {mean: 2min}},
                 outcomes: {fix: 0.3, end: 0.7}}
          fix: {type: task, team: back, duration: {exponential: {mean: 10min}}}
"""


def test_same_seed_gives_the_same_bytes_whatever_the_number_of_processes(tmp_path: Path) -> None:
    model = scenario(QUEUE)
    everything = ("csv", "xes", "ocel")
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    run(model, 4, jobs=1, events=EventLog(one, everything))
    run(model, 4, jobs=2, events=EventLog(two, everything))
    names = ["events.csv", "events.ocel.json", "events.xes"]
    assert sorted(p.name for p in one.iterdir()) == names  # no part left behind
    assert sorted(p.name for p in two.iterdir()) == names
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    rows = _rows(one / "events.csv")
    assert [r["replication"] for r in rows] == sorted(r["replication"] for r in rows)
    assert len({r["case_id"] for r in rows if r["replication"] == "0"}) > 100


def test_an_interrupted_run_keeps_the_finished_replications_events(tmp_path: Path) -> None:
    def stop(_: object) -> None:
        raise KeyboardInterrupt

    results = run(
        scenario(QUEUE), 3, jobs=1, on_replication=stop, events=EventLog(tmp_path, ("csv", "xes"))
    )
    assert results.interrupted and len(results.replications) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv", "events.xes"]
    assert {r["replication"] for r in _rows(tmp_path / "events.csv")} == {"0"}
    ET.parse(tmp_path / "events.xes")  # whole


def test_a_case_written_to_the_log_is_not_kept(tmp_path: Path) -> None:
    model = scenario(QUEUE)
    world = build_world(model, np.random.SeedSequence(1), history=True)
    segments: set[int] = set()  # the world's segments tell its cases from other tests'
    written = 0

    class Watching(EventLogRecorder):
        def case_closed(self, case: Case, until: float | None = None) -> None:
            nonlocal written
            super().case_closed(case, until)
            assert case.history is None and case.activities is None
            segments.add(id(case.segment))
            written += 1

    recorder = Watching(EventLog(tmp_path, ("csv",)), model, 0)
    world.recorder = recorder
    run_world(world)
    recorder.close()
    del world  # its pending timers still hold some cases; the recorder must hold none
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, Case) and id(o.segment) in segments]
    assert written > 400
    assert alive == []
    assert recorder.tally().sums_of()["cases"] == written  # the recorder is alive and did record


def test_events_option_takes_lists_and_says_what_is_wrong(tmp_path: Path) -> None:
    mmc = SCENARIOS / "mmc_queue.yml"
    quick = ["--set", "horizon=1h", "--set", "warmup=0min", "-r", "1", "--jobs", "1"]
    bad = CliRunner().invoke(main, ["run", str(mmc), *quick, "--events", "csv,xsl"])
    assert bad.exit_code == 2
    assert "'xsl'" in bad.output and "did you mean 'xes'" in bad.output
    done = CliRunner().invoke(
        main,
        ["run", str(mmc), *quick, "--events", "xes,csv", "--events", "csv", "--out", str(tmp_path)],
    )
    assert done.exit_code == 0, done.output
    (folder,) = (tmp_path / "mmc-queue").iterdir()
    files = sorted(p.name for p in folder.iterdir())
    assert "events.csv" in files and "events.xes" in files
    assert not [name for name in files if name.startswith(".")]


def test_pm4py_reads_the_logs_and_finds_the_scenarios_steps(tmp_path: Path) -> None:
    pm4py = pytest.importorskip("pm4py")
    import pandas as pd

    outage = SCENARIOS / "dsl_outage.yml"
    args = ["run", str(outage), "--set", "horizon=2d", "-r", "2", "--jobs", "2"]
    done = CliRunner().invoke(main, [*args, "--events", "csv,xes,ocel", "--out", str(tmp_path)])
    assert done.exit_code == 0, done.output
    (folder,) = (tmp_path / "dsl-outage").iterdir()
    steps = {"call", "line_check", "book", "visit"}

    frame = pm4py.format_dataframe(
        pd.read_csv(folder / "events.csv"),
        case_id="case_id",
        activity_key="activity",
        timestamp_key="timestamp",
    )
    completes = frame[frame["lifecycle"] == "complete"]
    dfg, starts, ends = pm4py.discover_dfg(completes)
    assert {a for pair in dfg for a in pair} | set(starts) | set(ends) == steps
    assert set(starts) == {"call"}

    log = pm4py.read_xes(str(folder / "events.xes"))
    assert set(log["concept:name"]) == steps
    assert set(log["lifecycle:transition"]) == {"start", "complete"}
    tree = pm4py.discover_process_tree_inductive(log[log["lifecycle:transition"] == "complete"])
    net, _, _ = pm4py.convert_to_petri_net(tree)
    labels = {t.label for t in net.transitions if t.label is not None}
    assert labels == steps

    ocel = pm4py.read_ocel2_json(str(folder / "events.ocel.json"))
    assert set(ocel.events["ocel:activity"]) == steps
    assert {"case", "customer", "appointment", "technician"} <= set(ocel.objects["ocel:type"])


def test_cases_of_the_warm_up_are_left_out_of_the_log(tmp_path: Path) -> None:
    model = scenario(CLAIM, "warmup=10d", "customers.arrivals=1/d")
    results = run(model, 1, jobs=1, events=EventLog(tmp_path, ("csv",)))
    logged = {row["case_id"].split(".")[0] for row in _rows(tmp_path / "events.csv")}
    counted = results.replications[0].metrics["cases"]
    assert 0 < len(logged) == counted < 30  # a month of one a day, the first ten days left out
    first = min(row["timestamp"] for row in _rows(tmp_path / "events.csv"))
    assert first >= "2024-03-14"
