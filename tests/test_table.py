"""The text table: one unit per line, `—` for what is undefined, failures, field teams."""

from __future__ import annotations

import math

from cxsim.compare import compare, format_comparison
from cxsim.metrics import TEAM_METRICS
from cxsim.montecarlo import run
from cxsim.scenario.units import UNDEFINED, format_duration
from cxsim.table import summary_table
from tests.helpers import scenario

FIELD_AND_DESK = """
name: field-and-desk
horizon: 3d
seed: 3
customers: {arrivals: 1/h, journey: repair}
teams:
  desk: {size: 2, channels: [phone]}
  back: {size: 1}
  techs: {size: 2, visits_per_day: 8}
failures:
  - {name: wrong_part, at: visit, probability: 0.25, effect: {delay: 1h}}
journeys:
  repair:
    start: call
    steps:
      call: {type: contact, team: desk, handle_time: 6min, next: log}
      log: {type: task, team: back, duration: 20min, next: book}
      book: {type: appointment, team: techs, lead_time: 1d, window: 4h, next: visit}
      visit: {type: field_visit, team: techs, duration: 1h}
"""


def _line(table: str, label: str, after: str | None = None) -> str:
    text = table if after is None else table[table.index(after) :]
    return next(line for line in text.splitlines() if line.strip().startswith(label))


def test_a_time_line_is_written_in_the_unit_of_its_mean() -> None:
    entry_line = summary_table(
        {
            "scenario": "s",
            "replications": 1,
            "seed": 1,
            "metrics": {
                "time_to_resolution": {
                    "mean": 138.0,  # 2.3 h, with a low end under two hours
                    "ci95": [113.3, 168.0],
                    "p50": 30.0,
                    "p90": 300.0,
                    "p99": None,
                }
            },
        }
    )
    line = _line(entry_line, "time to resolution")
    assert line.count(" h") == 5 and " min" not in line and " d" not in line
    assert "1.9 h – 2.8 h" in line and "0.50 h" in line and "beyond reach" in line
    assert "1 replication ·" in entry_line


def test_format_duration_in_a_given_unit() -> None:
    assert format_duration(90.0, (60.0, "h")) == "1.5 h"
    assert format_duration(30.0, (60.0, "h")) == "0.50 h"
    assert format_duration(math.nan, (60.0, "h")) == UNDEFINED


def test_the_table_of_a_run_with_field_work_and_failures() -> None:
    model = scenario(FIELD_AND_DESK)
    results = run(model, 3, jobs=1)
    table = summary_table(results.summary(), model)
    assert "3 replications" in table
    # a team with no real-time channel has no service level: undefined, not 0 %
    assert UNDEFINED in _line(table, "service level", after="team back")
    assert "%" in _line(table, "service level", after="team desk")
    # the field team tells the time from booking to visit, not a queue's wait
    techs = table[table.index("team techs") :]
    assert "asa" not in techs and "service level" not in techs
    booking = _line(table, "booking to visit", after="team techs")
    assert booking.split()[4] == "d" or booking.split()[4] == "h"
    assert "booking to visit" not in table[table.index("team desk") : table.index("team techs")]
    # per-failure counts, per case
    failures = _line(table, "wrong_part", after="failures (occurrences per case)")
    assert float(failures.split()[1]) > 0
    # no overflow configured: no overflowed line
    assert "overflowed" not in table
    assert {m.name for m in TEAM_METRICS} >= {"booking_to_visit", "overflowed"}


def test_booking_to_visit_is_the_time_from_booking_to_arrival() -> None:
    model = scenario(FIELD_AND_DESK, "failures=[]", "customers.arrivals=0.2/h")
    results = run(model, 2, jobs=1)
    team = results.summary()["teams"]["techs"]
    # booked 1 day ahead, window of 4 h, technicians rarely busy: from 1 d to 1 d 4 h
    assert 1440.0 <= team["booking_to_visit"]["mean"] <= 1440.0 + 240.0
    assert team["service_level"]["mean"] is None


def test_a_comparison_leaves_out_what_is_undefined_in_both_runs() -> None:
    base = scenario(FIELD_AND_DESK)
    variant = scenario(FIELD_AND_DESK, "teams.desk.size=3")
    text = format_comparison(compare(base, variant, 2, 3, 1, {}))
    back = text[text.index("team back") : text.index("team techs")]
    assert "service level" not in back and "booking to visit" not in back
    assert "booking to visit" in text[text.index("team techs") :]
    assert "service level" in text[text.index("team desk") : text.index("team back")]
