"""Plots and the self-contained HTML report of a run, a comparison and a sweep.

`write_report(run_dir)` rebuilds a run folder's `plots/*.svg` and `report.html` from the
files in the folder alone (summary.json, scenario.json, and when present manifest.json,
check.json and figures.json), so a report can be made again for any run folder, of an
older cxsim too; a compare folder's page is rebuilt from its comparison.json. Charts are
SVG, the same bytes for the same data.
"""

from __future__ import annotations

from pathlib import Path

from cxsim.output import atomic_write
from cxsim.report.comparison import COMPARISON, write_comparison_report
from cxsim.report.folder import NotARunFolder, read_run_folder
from cxsim.report.page import run_page
from cxsim.report.plots import write_plots

REPORT = "report.html"

__all__ = ["REPORT", "NotARunFolder", "write_report"]


def write_report(run_dir: str | Path) -> Path:
    """Write the run folder's plots and report.html; the report's path. NotARunFolder if not one.

    A folder of `cxsim compare` (with its comparison.json) gets its comparison page.
    """
    if (Path(run_dir) / COMPARISON).is_file():
        return write_comparison_report(Path(run_dir))
    run = read_run_folder(run_dir)
    plots, problems = write_plots(run)
    path = run.path / REPORT
    atomic_write(path, run_page(run, plots, problems))
    return path
