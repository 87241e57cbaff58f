"""Assertion verdicts for a report: `cxsim check`'s when the run was checked, else judged here.

check.json holds the judgements made on every replication's values (with intervals for
percentiles too). Without it, each of the scenario's assertions is judged the way
`cxsim check` judges it (`cxsim.assertions.judge`) on the mean and 95 % interval in
summary.json. The summary pools percentiles over all cases without an interval, so an
assertion on a percentile is reported as measured but not judged: `cxsim check` can.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cxsim.assertions import judge, parse_assertion
from cxsim.measures import MEAN, Measurement, format_interval, format_measured


@dataclass(frozen=True)
class Verdict:
    """One assertion's outcome for people."""

    assertion: str
    outcome: str
    """pass, fail, inconclusive, or not judged."""
    measured: str
    interval: str
    reason: str


def verdicts(
    scenario: Mapping[str, Any], summary: Mapping[str, Any], check: Mapping[str, Any]
) -> tuple[list[Verdict], str]:
    """The verdicts, and where they come from (`cxsim check`, or the summary)."""
    teams = list(scenario.get("teams") or {})
    streams = list((scenario.get("customers") or {}).get("streams") or {})
    if check.get("assertions") is not None:
        found = []
        for item in check["assertions"]:
            try:
                ref = parse_assertion(item["assertion"], teams, streams).ref
            except ValueError:
                continue
            low, high = item.get("ci95") or (None, None)
            measurement = Measurement(item.get("value"), low, high, 0)
            found.append(
                Verdict(
                    item["assertion"],
                    item["outcome"],
                    format_measured(ref, item.get("value")),
                    format_interval(ref, measurement),
                    item.get("reason", ""),
                )
            )
        return found, "cxsim check"
    found = []
    count = int(summary.get("replications") or 0)
    for text in scenario.get("assertions") or []:
        try:
            assertion = parse_assertion(text, teams, streams)
        except ValueError:
            continue
        entry = _entry(summary, assertion.ref.key)
        if assertion.ref.stat != MEAN:
            value = entry.get(assertion.ref.stat)
            reason = "the summary has no interval for a percentile; cxsim check judges it"
            shown = (
                "beyond reach" if value is None and entry else format_measured(assertion.ref, value)
            )
            found.append(Verdict(text, "not judged", shown, "–", reason))
            continue
        low, high = entry.get("ci95") or (None, None)
        judged = judge(assertion, Measurement(entry.get("mean"), low, high, count))
        found.append(
            Verdict(
                text,
                judged.outcome,
                assertion.format(entry.get("mean")),
                judged.interval,
                judged.reason,
            )
        )
    return found, "the summary"


def _entry(summary: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    parts = key.split(".")
    if parts[0] in ("teams", "streams"):
        return ((summary.get(parts[0]) or {}).get(parts[1]) or {}).get(parts[2]) or {}
    return (summary.get("metrics") or {}).get(key) or {}
