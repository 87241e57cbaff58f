"""A scenario's name, whatever it is, makes a results folder inside `--out`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cxsim.output import FOLDER_NAME_MOST, folder_name, run_folder


@pytest.mark.parametrize(
    "name",
    ["x" * 300, "../../escape", "a/b\\c", ".hidden", "日本語", "tab\there", "con:fused?*"],
)
def test_any_name_gives_a_folder_inside_out(tmp_path: Path, name: str) -> None:
    folder = run_folder(tmp_path, name)
    assert folder.is_dir()
    assert folder.resolve().is_relative_to(tmp_path.resolve())
    assert folder.parent.parent == tmp_path
    assert len(folder.parent.name) <= FOLDER_NAME_MOST


def test_plain_names_are_kept_and_long_ones_stay_apart() -> None:
    assert folder_name("mmc-queue") == "mmc-queue"
    assert folder_name("x" * 300 + "a") != folder_name("x" * 300 + "b")


def test_python_m_cxsim_cli_is_the_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cxsim.cli", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout
