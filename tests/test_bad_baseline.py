"""`cxsim check --baseline` with a broken file: bad input (exit 2) saying what and where.

A baseline is untrusted input (a file in a repository, changed in a pull request): absurd
nesting, absurd numbers, NaN, wrong types, no metrics or another process's teams must be
refused before the run, in one line, and never read as "no regression".
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cxsim import baseline as baseline_module
from cxsim import run
from cxsim.baseline import BadBaseline, load_baseline
from cxsim.check import check
from cxsim.cli import main
from cxsim.output import to_json
from cxsim.scenario import parse_scenario
from tests.helpers import small_queue

QUEUE = small_queue(replications=3, seed=3)
SHORT = ("horizon=1h", "warmup=10min")


@pytest.fixture(scope="module")
def summary() -> dict[str, Any]:
    """A summary.json of a short run of the queue, as `cxsim run` writes it."""
    model = parse_scenario(QUEUE, "queue.yml", SHORT)
    return json.loads(to_json(run(model, jobs=1).summary()))


def scenario(folder: Path) -> Path:
    path = folder / "queue.yml"
    path.write_text(QUEUE + "assertions:\n  - 'handoffs < 1'\n")
    return path


def check_with(folder: Path, baseline: Path, *args: str) -> Result:
    command = ["check", str(scenario(folder)), "--jobs", "1", "-r", "2"]
    command += ["--out", str(folder / "results"), "--baseline", str(baseline), *args]
    for text in SHORT:
        command += ["--set", text]
    return CliRunner().invoke(main, command)


def refused(result: Result, message: str, folder: Path) -> None:
    """Exit 2, the message alone on stderr, no traceback, and no run made."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.strip() == message
    assert "Traceback" not in result.output
    assert not (folder / "results").exists()


def written(folder: Path, data: Any, name: str = "summary.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(data))
    return path


def test_a_real_summary_is_a_baseline(tmp_path: Path, summary: dict[str, Any]) -> None:
    loaded = load_baseline(written(tmp_path, summary), ["phone"])
    assert loaded["metrics"]["handoffs"]["mean"] == summary["metrics"]["handoffs"]["mean"]
    result = check_with(tmp_path, written(tmp_path, summary))
    assert result.exit_code == 0, result.output
    assert "0 regressed → ok" in result.stdout


def test_json_nested_100000_deep_is_refused_with_its_place(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"metrics":\n' + "[" * 100_000 + "]" * 100_000 + "}")
    refused(
        check_with(tmp_path, path), f"{path}:2:32: expected JSON nested at most 32 deep", tmp_path
    )


def test_a_number_of_5000_digits_is_refused_with_its_path(
    tmp_path: Path, summary: dict[str, Any]
) -> None:
    text = json.dumps(summary).replace(
        '"handoffs": {"mean": 0.0', '"handoffs": {"mean": 1' + "0" * 4999, 1
    )
    path = tmp_path / "digits.json"
    path.write_text(text)
    message = (
        f"{path}: metrics.handoffs.mean: expected a finite number, got a number of 5000 digits"
    )
    refused(check_with(tmp_path, path), message, tmp_path)


def _changed(summary: dict[str, Any], change: Any) -> dict[str, Any]:
    data = copy.deepcopy(summary)
    change(data)
    return data


BROKEN = [
    (
        lambda d: d["metrics"]["handoffs"].update(mean=math.nan),
        "metrics.handoffs.mean: expected a finite number, got NaN",
    ),
    (
        lambda d: d["per_replication"]["teams"]["phone"]["asa"].__setitem__(1, -math.inf),
        "per_replication.teams.phone.asa.1: expected a finite number, got -Infinity",
    ),
    (
        lambda d: d["metrics"]["handoffs"].update(mean="0.0"),
        "metrics.handoffs.mean: expected a number or null, got the text '0.0'",
    ),
    (
        lambda d: d["teams"]["phone"]["asa"].update(mean=True),
        "teams.phone.asa.mean: expected a number or null, got true",
    ),
    (
        lambda d: d["teams"]["phone"]["asa"].update(mean=1e300),
        "teams.phone.asa.mean: expected a number from -1e+15 to 1e+15, got 1e+300",
    ),
    (
        lambda d: d["metrics"]["handoffs"].update(ci95=[0.0, 1.0, 2.0]),
        "metrics.handoffs.ci95: expected a list of 2 numbers or nulls, got a list of 3 values",
    ),
    (
        lambda d: d["metrics"]["handoffs"].pop("mean"),
        "metrics.handoffs: expected an object with 'mean', got none",
    ),
    (lambda d: d.update(seed="3"), "seed: expected a whole number ≥ 0, got the text '3'"),
    (lambda d: d.update(scenario=7), "scenario: expected the scenario's name, got 7"),
    (
        lambda d: d.update(metrics=[]),
        "metrics: expected an object of metrics, got a list of 0 values",
    ),
    (
        lambda d: d.pop("metrics"),
        "expected the summary.json of a cxsim run, with 'metrics', got none",
    ),
    (
        lambda d: d["per_replication"]["index"].__setitem__(1, 0),
        "per_replication.index: expected each replication once, got one twice",
    ),
    (
        lambda d: d["per_replication"]["index"].__setitem__(0, -1),
        "per_replication.index.0: expected a replication number, got -1",
    ),
]


@pytest.mark.parametrize(("change", "message"), BROKEN, ids=[m for _, m in BROKEN])
def test_a_broken_value_is_refused_with_its_path(
    tmp_path: Path, summary: dict[str, Any], change: Any, message: str
) -> None:
    path = written(tmp_path, _changed(summary, change))
    with pytest.raises(BadBaseline) as raised:
        load_baseline(path, ["phone"])
    assert str(raised.value) == f"{path}: {message}"


def test_nan_is_refused_through_the_command_line(tmp_path: Path, summary: dict[str, Any]) -> None:
    path = written(
        tmp_path, _changed(summary, lambda d: d["metrics"]["handoffs"].update(mean=math.nan))
    )
    message = f"{path}: metrics.handoffs.mean: expected a finite number, got NaN"
    refused(check_with(tmp_path, path), message, tmp_path)


def test_a_baseline_with_nothing_to_compare_is_refused(
    tmp_path: Path, summary: dict[str, Any]
) -> None:
    empty = written(tmp_path, {"metrics": {}, "teams": {"phone": {}}}, "empty.json")
    message = (
        f"{empty}: metrics: expected the mean of at least one metric to compare with, got none"
    )
    refused(check_with(tmp_path, empty), message, tmp_path)

    def unmeasured(data: dict[str, Any]) -> None:
        for entries in [data["metrics"], *data["teams"].values()]:
            for entry in entries.values():
                entry["mean"] = None

    nulls = written(tmp_path, _changed(summary, unmeasured), "nulls.json")
    with pytest.raises(BadBaseline, match="expected the mean of at least one metric"):
        load_baseline(nulls, ["phone"])


def test_a_baseline_of_other_teams_is_refused(tmp_path: Path, summary: dict[str, Any]) -> None:
    def renamed(data: dict[str, Any]) -> None:
        data["teams"] = {"voice": data["teams"].pop("phone")}
        del data["per_replication"]

    path = written(tmp_path, _changed(summary, renamed))
    message = f"{path}: teams: expected the scenario's teams 'phone', got 'voice'"
    refused(check_with(tmp_path, path), message, tmp_path)
    extra = written(tmp_path, _changed(summary, lambda d: d["teams"].update(chat={})), "extra.json")
    with pytest.raises(BadBaseline, match=r"got 'chat', 'phone'$"):
        load_baseline(extra, ["phone"])


def test_names_from_the_file_are_shown_short_and_printable(
    tmp_path: Path, summary: dict[str, Any]
) -> None:
    odd = "\x1b[31m" + "x" * 10_000
    path = written(tmp_path, _changed(summary, lambda d: d["teams"].update({odd: {}})))
    with pytest.raises(BadBaseline) as raised:
        load_baseline(path, ["phone"])
    message = str(raised.value)
    assert message.isprintable() and len(message) < len(str(path)) + 150
    assert "?[31mxxx" in message and "…" in message


def test_what_is_not_a_small_regular_utf8_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, summary: dict[str, Any]
) -> None:
    with pytest.raises(BadBaseline, match=r": expected a summary.json file, got a folder$"):
        load_baseline(tmp_path)
    with pytest.raises(
        BadBaseline, match=r"^/dev/null: expected a summary.json file, got no regular"
    ):
        load_baseline("/dev/null")
    with pytest.raises(BadBaseline, match=r": cannot read: No such file or directory$"):
        load_baseline(tmp_path / "missing.json")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b'{"metrics": "\xff"}')
    with pytest.raises(BadBaseline, match=r"expected UTF-8 JSON, got binary content at byte 13$"):
        load_baseline(binary)
    path = written(tmp_path, summary)
    monkeypatch.setattr(baseline_module, "MOST_BYTES", 2**20)
    big = tmp_path / "big.json"
    big.write_text(" " * 2**21 + json.dumps(summary))
    with pytest.raises(BadBaseline, match=r"expected a summary.json of at most 1 MiB, got 2 MiB$"):
        load_baseline(big)
    assert load_baseline(path)["seed"] == summary["seed"]


@pytest.mark.parametrize("tolerance", ["nan", "inf", "-inf", "-0.1", "1e308"])
def test_a_tolerance_that_is_not_a_sane_share_is_bad_input(
    tmp_path: Path, summary: dict[str, Any], tolerance: str
) -> None:
    path = written(tmp_path, summary)
    result = check_with(tmp_path, path, f"--tolerance={tolerance}")
    assert result.exit_code == 2, result.output
    shown = f"{float(tolerance):g}"
    assert f"Invalid value for --tolerance: expected a number from 0 to 1000, got {shown}" in (
        result.stderr
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / "results").exists()


def test_check_refuses_a_tolerance_that_is_not_a_number(
    tmp_path: Path, summary: dict[str, Any]
) -> None:
    model = parse_scenario(QUEUE, "queue.yml", SHORT)
    results = run(model, replications=2, jobs=1)
    path = written(tmp_path, summary)
    with pytest.raises(ValueError, match="tolerance: expected a number from 0 to 1000, got nan"):
        check(results, baseline=path, tolerance=math.nan)
    assert check(results, baseline=path, tolerance=1000).ok
