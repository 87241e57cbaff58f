"""A small builder of figures.json data, as `cxsim run` writes it, and run folders to report on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cxsim.cli import main


def curve(points: list[tuple[float, float]]) -> dict[str, list[float]]:
    """A cumulative curve from (minutes, share) points."""
    return {"minutes": [m for m, _ in points], "share": [s for _, s in points]}


def event(
    time: float,
    what: str,
    lane: str = "customer",
    team: str | None = None,
    org: str | None = None,
    channel: str | None = None,
    case: str = "17",
    **details: Any,
) -> dict[str, Any]:
    """One history line of a traced case."""
    day, rest = divmod(time, 1440)
    clock = f"day {int(day):>3} Mon {int(rest // 60):02d}:{int(rest % 60):02d}"
    return {
        "time": time,
        "clock": clock,
        "case": case,
        "team": team,
        "org": org,
        "lane": lane,
        "channel": channel,
        "what": what,
        "details": details,
    }


def timeline(case: str = "17", length: float = 4000.0) -> dict[str, Any]:
    """A traced case that crosses every lane, with a promise broken and a failure."""
    return {
        "case": case,
        "replication": 0,
        "stream": None,
        "segment": "default",
        "journey": "support",
        "values": {
            "time_to_resolution": length,
            "resolved": 1.0,
            "open": 0.0,
            "handoffs": 3.0,
            "repeats": 1.0,
            "contacts": 2.0,
            "orphaned": 1.0,
            "orphan_time": 900.0,
            "broken_promises": 1.0,
        },
        "events": [
            event(0.0, "arrived", case=case),
            event(2.0, "answered", "front", "agents", channel="phone", case=case, waited=2.0),
            event(10.0, "promise", "front", "agents", case=case, due=1440.0),
            event(30.0, "task queued", "back", "backoffice", case=case),
            event(1500.0, "promise broken", "customer", case=case),
            event(2000.0, "failure", "partner", "installers", "messyco", case=case, name="late"),
            event(2100.0, "child case", "partner", "installers", "messyco", case=f"{case}.1"),
            event(length, "resolved", "back", "backoffice", case=case),
        ],
    }


def hours(value: float | None, closed: range = range(0)) -> list[float | None]:
    """168 hourly values, None in the `closed` hours."""
    return [None if hour in closed else value for hour in range(168)]


def figures(teams: tuple[str, ...] = ("agents",), timelines: int = 3) -> dict[str, Any]:
    """A whole figures.json for a run with the given teams."""
    night = range(0, 8)
    return {
        "version": 1,
        "start": "2026-01-05",
        "weekday": 0,
        "replications": 3,
        "time_to_resolution": {
            "customer": curve([(0.0, 0.0), (60.0, 0.4), (600.0, 0.7), (3000.0, 0.85)]),
            "process": curve([(0.0, 0.0), (30.0, 0.5), (300.0, 0.8), (2000.0, 0.95)]),
            "gave_up": 0.1,
            "open": 0.05,
        },
        "handoffs": {"counts": [0, 1, 2, 3], "share": [0.4, 0.3, 0.2, 0.1]},
        "handoff_matrix": {
            "agents": {"backoffice": 80.0, "messyco": 12.5},
            "backoffice": {"agents": 3.0},
            "messyco": {"backoffice": 9.0},
        },
        "holders": {
            "agents": {"org": None, "kind": "team"},
            "backoffice": {"org": None, "kind": "team"},
            "messyco": {"org": "messyco", "kind": "organization"},
        },
        "orphans": {
            "rate": 0.12,
            "per_replication": 23.4,
            "time": curve([(10.0, 0.2), (600.0, 0.6), (4000.0, 1.0)]),
            "after_step": {"support.call": 20.0, "support.visit": 3.4},
        },
        "teams": {
            name: {
                "org": None,
                "calendar": True,
                "hour_of_week": {
                    "offered": hours(40.0, night),
                    "asa": hours(0.5, night),
                    "occupancy": hours(0.8, night),
                },
            }
            for name in teams
        },
        "timelines": [timeline(str(17 + i), 4000.0 - 500 * i) for i in range(timelines)],
    }


MMC = Path(__file__).parent.parent / "scenarios" / "mmc_queue.yml"


def run_folder(out: Path, *options: str) -> Path:
    """A real run folder of a tiny run (mmc_queue.yml, one day, three replications)."""
    args = ["run", str(MMC), "--set", "horizon=1d", "-r", "3", "--jobs", "1", "--out", str(out)]
    result = CliRunner().invoke(main, [*args, *options])
    assert result.exit_code == 0, result.output
    (folder,) = (out / "mmc-queue").iterdir()
    return folder


def with_figures(folder: Path, data: dict[str, Any] | None = None) -> Path:
    """The run folder with figures.json replaced by `data` (the builder's when None)."""
    body = figures() if data is None else data
    (folder / "figures.json").write_text(json.dumps(body), encoding="utf-8")
    return folder
