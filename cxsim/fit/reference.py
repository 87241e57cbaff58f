"""The figures of `log-distance-measures`, the library the Simod papers measure with.

An optional extra (`pip install cxsim[fit]`): cxsim's own figures never need it. Asked
for (`compare_logs(..., reference=True)`), `figures` gives the library's own distances,
so a fit can be set beside published results: its n-gram distance (n = 2, 3; absolute
counts, so it equals cxsim's only when both logs have as many cases), its cycle-time
distance (Wasserstein over durations cut into 1-hour bins) and its circadian event
distance (hours, by weekday). They are not computed by default because the library loops
over cases in pandas: on 25,000 cases (150,000 activities) its four figures take about
45 s, where cxsim's own take under a second.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from cxsim.fit.log import Log

if TYPE_CHECKING:
    import pandas as pd


def available() -> bool:
    """Whether `log-distance-measures` can be imported."""
    try:
        import log_distance_measures  # noqa: F401
    except ImportError:
        return False
    return True


def figures(real: Log, simulated: Log) -> dict[str, float]:
    """The library's distances between the logs; ImportError when it is not installed."""
    if not available():
        raise ImportError(
            "the reference figures need log-distance-measures: pip install 'cxsim[fit]'"
        )
    from log_distance_measures.circadian_event_distribution import (
        circadian_event_distribution_distance,
    )
    from log_distance_measures.config import EventLogIDs
    from log_distance_measures.cycle_time_distribution import cycle_time_distribution_distance
    from log_distance_measures.n_gram_distribution import n_gram_distribution_distance

    ids = EventLogIDs(case="case", activity="activity", start_time="start", end_time="end")
    a, b = frame(real), frame(simulated)
    return {
        "n_gram_distribution_distance_2": float(n_gram_distribution_distance(a, ids, b, ids, 2)),
        "n_gram_distribution_distance_3": float(n_gram_distribution_distance(a, ids, b, ids, 3)),
        "cycle_time_distribution_distance_hours": float(
            cycle_time_distribution_distance(a, ids, b, ids, timedelta(hours=1))
        ),
        "circadian_event_distribution_distance_hours": float(
            circadian_event_distribution_distance(a, ids, b, ids)
        ),
    }


def frame(log: Log) -> pd.DataFrame:
    """The log as the library reads it: case, activity, start and end (start = end if unknown)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "case": [a.case for a in log.activities],
            "activity": [a.activity for a in log.activities],
            "start": pd.to_datetime([a.start or a.end for a in log.activities]),
            "end": pd.to_datetime([a.end for a in log.activities]),
        }
    )
