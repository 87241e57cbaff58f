"""Reading scenarios: YAML pitfalls, units, and every kind of bad input, located and worded."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cxsim.cli import main
from cxsim.scenario import ScenarioError, load_scenario, parse_scenario
from cxsim.scenario.units import format_duration, parse_duration, parse_rate
from cxsim.scenario.yamlfile import read_yaml

MMC = Path(__file__).parent.parent / "scenarios" / "mmc_queue.yml"

GOOD = """\
name: good
horizon: 1d
customers:
  arrivals: 2/min
  journey: support
teams:
  agents: {size: 3, channels: [phone]}
journeys:
  support:
    start: call
    steps:
      call: {type: contact, team: agents, handle_time: 1min}
"""


def problems(text: str, *overrides: str) -> list[str]:
    """Every problem line for YAML `text` (named `s.yml`)."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(textwrap.dedent(text), "s.yml", overrides)
    return [str(p) for p in caught.value.problems]


def write(tmp_path: Path, content: bytes | str, name: str = "s.yml") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


# --- units ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("45s", 0.75), ("30min", 30), ("2h", 120), ("3d", 4320), ("1w", 10080), (5, 5), ("1.5h", 90)],
)
def test_durations_are_minutes(text: object, minutes: float) -> None:
    assert parse_duration(text) == pytest.approx(minutes)


@pytest.mark.parametrize(
    ("text", "per_minute"), [("9/min", 9), ("40/h", 40 / 60), ("120/day", 120 / 1440)]
)
def test_rates_are_per_minute(text: str, per_minute: float) -> None:
    assert parse_rate(text) == pytest.approx(per_minute)


@pytest.mark.parametrize("bad", ["1:30", "-2h", "2 fortnights", "", True, None, "9/min"])
def test_bad_durations_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="expected"):
        parse_duration(bad)


@given(st.floats(0, 1e7, allow_nan=False))
def test_a_formatted_duration_reads_back_close(minutes: float) -> None:
    number, unit = format_duration(minutes).split()
    back = parse_duration(number + unit)
    assert back == pytest.approx(minutes, rel=0.06, abs=0.5 / 60)


# --- YAML ------------------------------------------------------------------------------------


def test_yaml_1_1_surprises_stay_strings() -> None:
    data = read_yaml("a: NO\nb: 1:30\nc: on\nd: yes\ne: 0x1F\nf: 010\ng: true\nh: ~\n", "x").data
    assert data == {
        "a": "NO",
        "b": "1:30",
        "c": "on",
        "d": "yes",
        "e": 31,
        "f": 10,
        "g": True,
        "h": None,
    }


def test_duplicate_keys_are_problems_with_both_lines() -> None:
    document = read_yaml("a: 1\nb: 2\na: 3\n", "x.yml")
    assert [str(p) for p in document.problems] == [
        "x.yml:3:1: a: duplicate key 'a', first given at line 1"
    ]


def test_tags_never_build_objects() -> None:
    document = read_yaml("x: !!python/object/apply:os.system ['echo hacked']\n", "x.yml")
    assert len(document.problems) == 1
    assert "tags are not allowed" in str(document.problems[0])


def test_alias_bomb_stops_quickly() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    document = read_yaml("\n".join(lines), "bomb.yml")
    assert document.data is None
    assert "more than" in str(document.problems[0])


# --- bad files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "s.yml: empty file, expected a scenario"),
        (b"\x00\x01binary", "s.yml: binary content (NUL bytes)"),
        (b"name: x\nhorizon: 1d\xff\n", "s.yml:2:12: expected UTF-8 text, got byte 0xff"),
        (b"- a\n- b\n", "s.yml:1:1: expected a mapping of scenario keys, got a list"),
        (b"a: [\n", "s.yml:2:1: invalid YAML"),
        (b"a: 1\n---\nb: 2\n", "invalid YAML"),
        (b"[" * 5000, "s.yml:1:65: invalid YAML: nested more than 64 deep"),
        (b"a: " + b"{b: " * 5000 + b"1" + b"}" * 5000, "s.yml:1:"),
        (
            b"".join(b"- %d\n" % i for i in range(60_000)),
            "s.yml:50000:3: invalid YAML: more than 50,000 values",
        ),
    ],
)
def test_unreadable_files_are_one_located_problem(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write(tmp_path, content))
    text = str(caught.value).replace(str(tmp_path) + "/", "")
    assert expected in text


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "absent.yml")
    with pytest.raises(ScenarioError, match="is a directory"):
        load_scenario(tmp_path)


# --- schema and references -------------------------------------------------------------------


def test_every_problem_is_reported_at_once_sorted_by_line() -> None:
    found = problems(
        """\
        name: many
        horizon: 1d
        warmup: 2d
        teams:
          agents: {size: -1, channels: [fone], calender: x}
        customers:
          arrivals: 9/min
          journey: suport
        journeys:
          support:
            start: cal
            steps:
              call: {type: contact, team: agent, handle_time: {exponential: {mean: 0}},
                     next: nowhere}
        """
    )
    assert found == [
        "s.yml:3:1: warmup: expected a warm-up shorter than the horizon, got one as long",
        "s.yml:5:12: teams.agents.size: expected a number greater than or equal to 0, got -1",
        "s.yml:5:33: teams.agents.channels.0: expected 'phone', 'chat', 'video', 'in_person', "
        "'email', 'social', 'sms', 'web' or 'app', got 'fone' (did you mean 'phone'?)",
        "s.yml:5:40: teams.agents.calender: unknown key 'calender', expected 'size', 'channels', "
        "'calendar', 'service_level_target', 'org', 'handle_time', 'keeps_context', 'powers', "
        "'revive', 'travel', 'visits_per_day' or 'overflow' (did you mean 'calendar'?)",
        "s.yml:8:3: customers.journey: expected the name of a journey ('support'), got 'suport' "
        "(did you mean 'support'?)",
        "s.yml:11:5: journeys.support.start: expected the name of a step ('call'), got 'cal' "
        "(did you mean 'call'?)",
        "s.yml:13:29: journeys.support.steps.call.team: expected the name of a team ('agents'), "
        "got 'agent' (did you mean 'agents'?)",
        "s.yml:13:70: journeys.support.steps.call.handle_time.exponential.mean: "
        "expected a number greater than 0, got 0",
        "s.yml:14:14: journeys.support.steps.call.next: expected the name of a step ('call'), "
        "got 'nowhere'",
    ]


def test_unknown_distribution_and_step_type_suggest_the_valid_names() -> None:
    text = GOOD.replace("handle_time: 1min", "handle_time: {expo: {mean: 1min}}")
    (found,) = problems(text)
    assert found.startswith(
        "s.yml:12:43: journeys.support.steps.call.handle_time: unknown distribution 'expo'"
    )
    assert "(did you mean 'exponential'?)" in found
    (found,) = problems(GOOD.replace("type: contact", "type: contcat"))
    assert (
        "unknown step type 'contcat', expected 'contact', 'task', 'transfer', 'appointment', "
        "'field_visit' or 'wait'" in found
    )
    assert "(did you mean 'contact'?)" in found


def test_missing_keys_point_at_their_parent() -> None:
    (found,) = problems(
        GOOD.replace("  agents: {size: 3, channels: [phone]}", "  agents: {channels: [phone]}")
    )
    assert found == "s.yml:7:3: teams.agents: missing required key 'size'"


def test_segment_shares_must_add_up_and_outcomes_too() -> None:
    text = GOOD.replace(
        "  journey: support\n",
        "  journey: support\n  segments:\n"
        "    - {name: a, share: 0.5}\n    - {name: a, share: 0.4}\n",
    ).replace("handle_time: 1min}", "handle_time: 1min, outcomes: {call: 0.5, end: 0.4}}")
    found = problems(text)
    assert (
        "s.yml:6:3: customers.segments: expected shares adding up to 1, got a sum of 0.9" in found
    )
    assert "s.yml:8:8: customers.segments.1.name: duplicate segment name 'a'" in found
    assert any(
        "outcomes: expected probabilities adding up to 1, got a sum of 0.9" in p for p in found
    )


def test_a_contact_needs_a_team_that_answers_its_channel() -> None:
    (found,) = problems(
        GOOD.replace("team: agents, handle_time", "team: agents, channel: chat, handle_time")
    )
    assert "expected a channel team 'agents' answers ('phone'), got 'chat'" in found


def test_a_wait_names_its_owner_a_team_an_organization_or_nobody() -> None:
    hold = "handle_time: 1min, next: hold}\n      hold: {type: wait, duration: 3d}\n"
    text = GOOD.replace("handle_time: 1min}\n", hold)
    missing = "s.yml:13:7: journeys.support.steps.hold: missing required key 'owner'"
    assert problems(text) == [missing]
    found = problems(text.replace("duration: 3d", "duration: 3d, owner: agent"))
    assert found == [
        "s.yml:13:40: journeys.support.steps.hold.owner: expected a team, an organization or "
        "nobody ('agents' or 'nobody'), got 'agent' (did you mean 'agents'?)"
    ]
    for owner in ("agents", "nobody"):
        parse_scenario(text.replace("duration: 3d", f"duration: 3d, owner: {owner}"), "s.yml")


# --- overrides -------------------------------------------------------------------------------


def test_overrides_are_yaml_applied_before_validation() -> None:
    model = parse_scenario(
        GOOD, "s.yml", ["teams.agents.size=7", "customers.patience={exponential: {mean: 2min}}"]
    )
    assert model.teams["agents"].size == 7
    assert model.customers.patience is not None


def test_a_bad_override_is_located_at_the_override() -> None:
    found = problems(GOOD, "teams.agents.size=many", "teams.agent.channels=[phone]", "horizon=1:30")
    assert (
        "--set teams.agents.size=many: teams.agents.size: expected a valid integer, got 'many'"
        in found
    )
    assert "--set teams.agent.channels=[phone]: teams.agent: missing required key 'size'" in found
    assert any(p.startswith("--set horizon=1:30: horizon: expected a duration") for p in found)
    assert problems(GOOD, "noequals") == ["--set noequals: expected dotted.path=value, got no '='"]


def test_override_into_a_list_by_index() -> None:
    text = GOOD.replace(
        "  journey: support\n", "  journey: support\n  segments:\n    - {name: a, share: 1}\n"
    )
    assert (
        parse_scenario(text, "s.yml", ["customers.segments.0.share=1.0"])
        .customers.segments[0]
        .share
        == 1
    )
    (found,) = problems(text, "customers.segments.3.share=1")
    assert "expected a list index below 1, got '3'" in found


# --- the command line ------------------------------------------------------------------------


def test_validate_exit_codes(tmp_path: Path) -> None:
    good, bad = write(tmp_path, GOOD, "good.yml"), write(tmp_path, "name: [", "bad.yml")
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", str(good), str(MMC)])
    assert ok.exit_code == 0 and ok.stdout.count(": ok") == 2
    failed = runner.invoke(main, ["validate", str(good), str(bad)])
    assert failed.exit_code == 2
    assert "bad.yml:1:8: invalid YAML" in failed.stderr


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00garbage", b"a: &a [*a]\n", b"teams: 5\n"])
def test_no_traceback_through_the_real_command(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path, content)
    for verb in ("validate", "run"):
        done = subprocess.run(
            [sys.executable, "-m", "cxsim", verb, str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        assert done.stderr.strip()


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_garbage_bytes_give_problems_never_exceptions(
    tmp_path_factory: pytest.TempPathFactory, content: bytes
) -> None:
    path = tmp_path_factory.mktemp("garbage") / "g.yml"
    path.write_bytes(content)
    try:
        load_scenario(path)
    except ScenarioError as error:
        assert error.problems


def test_failures_and_policies_are_checked_like_everything_else() -> None:
    text = GOOD + textwrap.dedent(
        """\
        failures:
          - {name: f1, at: cal, probability: 1.5, effect: denny}
          - {name: f2, team: agent, probability: 1, effect: {spawn: {journey: suport}}}
          - {name: f3, at: call, effect: {dely: 5min}}
        policies: {ownership: single, watchdog: {after: 1d, team: agnts}}
        """
    )
    found = problems(text)
    assert found == [
        "s.yml:14:16: failures.0.at: expected the name of a step ('call'), got 'cal' "
        "(did you mean 'call'?)",
        "s.yml:14:25: failures.0.probability: expected a number less than or equal to 1, got 1.5",
        "s.yml:14:43: failures.0.effect: expected one of 'delay', 'skip', 'precondition_missing', "
        "'spawn', 'drop', 'lose_context', 'deny', 'fail_fix' or 'channel_down', got 'denny' "
        "(did you mean 'deny'?)",
        "s.yml:15:16: failures.1.team: expected the name of a team ('agents'), got 'agent' "
        "(did you mean 'agents'?)",
        "s.yml:15:62: failures.1.effect.spawn.journey: expected the name of a journey ('support'), "
        "got 'suport' (did you mean 'support'?)",
        "s.yml:16:5: failures.2: missing required key 'probability'",
        "s.yml:16:26: failures.2.effect: unknown effect 'dely', expected 'delay', 'skip', "
        "'precondition_missing', 'spawn', 'drop', 'lose_context', 'deny', 'fail_fix' or "
        "'channel_down' "
        "(did you mean 'delay'?)",
        "s.yml:17:12: policies.ownership: expected 'per_team' or 'single_owner', got 'single' "
        "(did you mean 'single_owner'?)",
        "s.yml:17:53: policies.watchdog.team: expected the name of a team ('agents'), got 'agnts' "
        "(did you mean 'agents'?)",
    ]


def test_warmup_auto_drain_and_partial_give_up_read_and_say_what_is_wrong() -> None:
    good = parse_scenario(
        GOOD,
        "s.yml",
        ["warmup=auto", "drain=0", "customers.give_up_after={after: 2d, probability: 0.1}"],
    )
    assert good.warmup == "auto" and good.drain == 0
    assert good.customers.give_up_after is not None
    found = problems(
        GOOD,
        "warmup=autox",
        "drain=-1",
        "customers.give_up_after={after: 2d, probability: 2}",
    )
    assert any("warmup: expected 'auto', got 'autox' (did you mean 'auto'?)" in p for p in found)
    assert any(p.endswith("drain: expected a non-negative finite duration, got -1") for p in found)
    assert any(
        "customers.give_up_after.probability: expected a number less than" in p for p in found
    )


def test_weekly_arrivals_start_dates_and_holidays_say_what_is_wrong() -> None:
    weekly = GOOD.replace(
        "arrivals: 2/min", 'arrivals: {weekly: {mon-fri: {"8-12": 4/h}, fri: {"9-10": 1/h}}}'
    )
    assert problems(weekly) == [
        "s.yml:4:14: customers.arrivals.weekly: fri is given twice, in 'mon-fri' and 'fri'"
    ]
    assert problems(GOOD.replace("arrivals: 2/min", "arrivals: {weekly: {sat: {}}}")) == [
        "s.yml:4:14: customers.arrivals.weekly: "
        "expected at least one hour with a positive rate, got none"
    ]
    holidays = GOOD.replace(
        "customers:", 'calendars:\n  office: {mon-fri: "8-17", holidays: [2026-12-25]}\ncustomers:'
    )
    assert problems(holidays) == [
        "s.yml:4:29: calendars.office.holidays: expected a scenario start date "
        "(start: 2026-12-01) to place them on, got none"
    ]
    parse_scenario(holidays.replace("horizon: 1d", "horizon: 1d\nstart: 2026-12-21"), "s.yml")
    found = problems(holidays.replace("2026-12-25]", "2026-12-32]"), "start=2026-13-01")
    assert (
        "--set start=2026-13-01: start: expected a date such as 2026-12-25, got '2026-13-01'"
        in found
    )
    bad_date = "s.yml:4:3: calendars.office: expected a date such as 2026-12-25, got '2026-12-32'"
    assert bad_date in found
