"""Empirical files are read with care: a scenario from someone else cannot leak a file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cxsim.scenario.empirical import read_column


def test_a_file_outside_the_scenario_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text("minutes\n5\n")
    scenario = tmp_path / "scenarios"
    scenario.mkdir()
    with pytest.raises(ValueError, match="in the scenario's folder or below it"):
        read_column("../secret.csv", "minutes", "min", scenario)
    with pytest.raises(ValueError, match="in the scenario's folder or below it"):
        read_column(str(tmp_path / "secret.csv"), "minutes", "min", scenario)


def test_a_file_in_a_subfolder_is_read(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "times.csv").write_text("\ufeffminutes\n5\n7\n")  # with a BOM
    assert read_column("data/times.csv", "minutes", "min", tmp_path) == [5.0, 7.0]


def test_what_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(ValueError, match="expected a regular file"):
        read_column("folder.csv", "minutes", "min", tmp_path)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.csv")
        with pytest.raises(ValueError, match="expected a regular file"):
            read_column("pipe.csv", "minutes", "min", tmp_path)


def test_a_problem_shows_no_more_than_a_short_printable_header(tmp_path: Path) -> None:
    secret = "TOKEN=" + "x" * 200 + "\x1b[31m"
    (tmp_path / "env.csv").write_text(f"{secret},other\n1,2\n")
    with pytest.raises(ValueError) as error:
        read_column("env.csv", "minutes", "min", tmp_path)
    message = str(error.value)
    assert "x" * 50 not in message and "\x1b" not in message
    assert "TOKEN=" in message  # enough to recognize the column


def test_a_huge_field_is_a_clear_problem(tmp_path: Path) -> None:
    (tmp_path / "big.csv").write_text("minutes\n" + "9" * 200_000 + "\n")
    with pytest.raises(ValueError, match=r"malformed"):
        read_column("big.csv", "minutes", "min", tmp_path)
