"""report.html in a real browser: headless Chromium renders it, and its DOM holds the figures.

Skipped when no Chromium binary is found (install `chromium` to run it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from cxsim.metrics import CASE_METRICS
from cxsim.report import write_report
from cxsim.table import format_value
from tests.figures import run_folder, with_figures

BROWSER = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)

pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no chromium binary found (chromium, chromium-browser, google-chrome)"
)


def headless(*args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with `args`; its output."""
    command = [str(BROWSER), "--headless", "--disable-gpu", "--no-sandbox", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def test_the_report_renders_with_every_chart_and_headline(tmp_path: Path) -> None:
    folder = with_figures(run_folder(tmp_path, "--no-plots"))
    report = write_report(folder)
    url = report.resolve().as_uri()
    shot = tmp_path / "report.png"
    headless(f"--screenshot={shot}", "--window-size=1200,3000", url)
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 50_000
    dom = headless("--dump-dom", url).stdout
    charts = sorted(p.name for p in (folder / "plots").iterdir())
    assert dom.count("<svg") == len(charts) == 8
    assert dom.count("</svg>") == len(charts)
    summary = json.loads((folder / "summary.json").read_text())
    for metric in CASE_METRICS:
        if metric.name != "cases":
            assert format_value(metric, summary["metrics"][metric.name]["mean"]) in dom
    assert "Time to resolution, customer and process view" in dom  # chart text stays text
