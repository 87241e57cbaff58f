"""What every chart shares: one look, human time units, and SVG that is the same byte for byte.

Charts are drawn on matplotlib's object API (a `Figure` with its own Agg canvas, never
`pyplot`), so nothing global is kept between charts and they can be drawn anywhere.
`svg_bytes` writes a figure with a fixed hash salt and no date, so the same data gives
the same file: a run folder can be diffed and rebuilt. Text stays text (`svg.fonttype:
none`), so a report can be searched and its labels read by a browser.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import ParamSpec

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from cxsim.output import atomic_write
from cxsim.scenario.units import duration_unit

HASH_SALT = "cxsim"
"""Salt of the ids matplotlib derives from content: fixed, so ids do not change per run."""

STYLE = {
    "svg.hashsalt": HASH_SALT,
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 8.0,
    "legend.frameon": False,
}

CUSTOMER = "#c0392b"
"""The customer view is drawn in red everywhere, the process view in blue."""
PROCESS = "#2e6da4"
MUTED = "#7f8c8d"
GOOD = "#2e8b57"
BAD = "#c0392b"


@dataclass(frozen=True)
class TimeUnit:
    """A unit to show minutes in: its name and how many minutes it holds."""

    name: str
    minutes: float

    def of(self, minutes: float) -> float:
        """`minutes` in this unit."""
        return minutes / self.minutes


SECONDS = TimeUnit("seconds", 1 / 60)
MINUTES = TimeUnit("minutes", 1.0)
HOURS = TimeUnit("hours", 60.0)
DAYS = TimeUnit("days", 1440.0)
BY_SYMBOL = {"s": SECONDS, "min": MINUTES, "h": HOURS, "d": DAYS}
"""The chart unit of each unit `format_duration` writes in."""


def time_unit(values: Iterable[float | None]) -> TimeUnit:
    """The unit the largest of `values` (minutes) reads best in, as `format_duration` picks."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    largest = max(finite, default=0.0)
    if largest == 0:
        return MINUTES  # nothing to show: an axis in minutes reads best
    return BY_SYMBOL[duration_unit(largest)[1]]


@contextmanager
def style() -> Iterator[None]:
    """The charts' look, for as long as a chart is being drawn and written."""
    with matplotlib.rc_context(STYLE):
        yield


P = ParamSpec("P")


def chart(draw: Callable[P, Figure]) -> Callable[P, Figure]:
    """Draw a chart in the charts' look (matplotlib reads its settings as artists are made)."""

    @wraps(draw)
    def drawn(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with style():
            return draw(*args, **kwargs)

    return drawn


def new_figure(width: float = 7.0, height: float = 3.8) -> Figure:
    """A figure (inches) with its own canvas, laid out so labels never overlap."""
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def svg_bytes(figure: Figure) -> bytes:
    """The figure as SVG, the same bytes for the same figure."""
    buffer = io.BytesIO()
    with style():
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def write_svg(figure: Figure, path: Path) -> Path:
    """Write the figure as SVG to `path` atomically; return the path."""
    atomic_write(path, svg_bytes(figure))
    return path


def percent_axis(axes: Axes, which: str = "y") -> None:
    """Label the ticks of a 0–1 axis as per cent."""
    axis = axes.yaxis if which == "y" else axes.xaxis
    # decimals from the view: 99.9 %–100 % must not read "100 %" on every tick
    axis.set_major_formatter(PercentFormatter(1.0, decimals=None))
