"""JUnit XML of a check, for CI servers: one test case per assertion and per baseline metric.

Test cases of assertions have the scenario's name as class name; those of the baseline
comparison `<scenario>.baseline`. A failed assertion or a regression is a `<failure>`
whose message holds the measured value and its interval; an inconclusive assertion is
`<skipped>`, or a `<failure>` under `--strict`. The run's seed, replications and cxsim
version are suite properties.

Names and messages come from the scenario and the command line and may hold anything; what
XML 1.0 cannot hold (control characters but tab and line breaks, lone surrogates,
U+FFFE and U+FFFF) is written as a visible escape, `\\x1b` or `\\udcff`, so the
file always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from cxsim.check import CheckReport
from cxsim.output import atomic_write, version


def junit_xml(report: CheckReport) -> str:
    """The report as a JUnit XML document."""
    results = report.results
    name = results.scenario.name
    suites = ET.Element("testsuites")
    suite = ET.SubElement(suites, "testsuite", name=name)
    properties = ET.SubElement(suite, "properties")
    values = {
        "seed": str(results.seed),
        "replications": str(len(results.replications)),
        "cxsim_version": version(),
        "strict": str(report.strict).lower(),
    }
    if report.baseline is not None:
        values.update(baseline=report.baseline, tolerance=str(report.tolerance))
    for key, value in values.items():
        ET.SubElement(properties, "property", name=key, value=value)

    failures = skipped = 0
    for j in report.judgements:
        case = ET.SubElement(suite, "testcase", classname=name, name=j.assertion.text)
        value = j.assertion.format(j.measurement.value)
        message = f"measured {value}, 95 % CI {j.interval}: {j.reason}"
        if report.failed(j):
            failures += 1
            ET.SubElement(case, "failure", message=message, type=j.outcome).text = message
        elif j.outcome == "inconclusive":
            skipped += 1
            ET.SubElement(case, "skipped", message=message)
        else:
            ET.SubElement(case, "system-out").text = message
    for r in report.regressions:
        case = ET.SubElement(
            suite, "testcase", classname=f"{name}.baseline", name=f"no regression: {r.ref.key}"
        )
        message = f"{r.summary}: {r.reason}"
        if r.regressed:
            failures += 1
            ET.SubElement(case, "failure", message=message, type="regression").text = message
        else:
            ET.SubElement(case, "system-out").text = message
    tests = len(report.judgements) + len(report.regressions)
    for element in (suites, suite):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", "0")
    suite.set("skipped", str(skipped))
    ET.indent(suites)
    return xml_safe(ET.tostring(suites, encoding="unicode", xml_declaration=True)) + "\n"


_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""What XML 1.0 cannot hold, and C1 control characters, which it can but no one can read."""


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xml_safe(text: str) -> str:
    """`text` with every character XML 1.0 cannot hold written as `\\xNN` or `\\uNNNN`.

    Markup is plain ASCII, so this is safe on a whole document as on a name.
    """
    return _NOT_XML.sub(_escaped, text)


def write_junit(report: CheckReport, path: str | Path) -> None:
    """Write the JUnit XML of `report` to `path`, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, junit_xml(report))
