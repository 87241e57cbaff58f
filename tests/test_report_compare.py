"""What `cxsim compare` leaves on disk, and charts that are the same bytes in any process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cxsim.cli import main
from cxsim.report.charts import svg_bytes
from cxsim.report.resolution import resolution_chart
from tests.figures import MMC, figures

QUICK = ["--set-both", "horizon=3h", "--set-both", "warmup=20min", "-r", "3", "--jobs", "1"]


def test_compare_writes_json_chart_and_report(tmp_path: Path) -> None:
    args = ["compare", str(MMC), "--set", "teams.agents.size=11", *QUICK]
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "mmc-queue").iterdir()
    assert folder.name.startswith("compare-")
    assert sorted(p.name for p in folder.iterdir()) == ["comparison.json", "plots", "report.html"]
    data = json.loads((folder / "comparison.json").read_text())
    assert data["metrics"]["time_to_resolution"]["difference"] < 0  # one more agent
    chart = (folder / "plots" / "differences.svg").read_text()
    assert "variant − base (percentage points)" in chart and "variant − base (per case)" in chart
    html = (folder / "report.html").read_text()
    assert html.count("<svg") == 1
    assert "http" not in html and "src=" not in html and "<script" not in html
    assert "--set teams.agents.size=11" in html and "time to resolution" in html
    assert f"results: {folder}" in result.stderr
    # cxsim report rebuilds the page from comparison.json alone, to the same bytes
    (folder / "report.html").unlink()
    (folder / "plots" / "differences.svg").unlink()
    again = CliRunner().invoke(main, ["report", str(folder)])
    assert again.exit_code == 0, again.output
    assert (folder / "report.html").read_text() == html
    assert (folder / "plots" / "differences.svg").read_text() == chart


SCRIPT = """
import sys
from cxsim.report.charts import svg_bytes
from cxsim.report.resolution import resolution_chart
from tests.figures import figures
sys.stdout.buffer.write(svg_bytes(resolution_chart(figures()["time_to_resolution"])))
"""


def test_another_process_draws_the_same_svg_bytes() -> None:
    root = Path(__file__).parent.parent
    other = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=root, capture_output=True, check=True, timeout=120
    ).stdout
    assert other == svg_bytes(resolution_chart(figures()["time_to_resolution"]))
