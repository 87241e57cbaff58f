"""JUnit XML of a check, for CI servers: one test case per assertion and per baseline metric.

Test cases of assertions have the scenario's name as class name; those of the baseline
comparison `<scenario>.baseline`. A failed assertion or a regression is a `<failure>`
whose message holds the measured value and its interval; an inconclusive assertion is
`<skipped>`, or a `<failure>` under `--strict`. The run's seed, replications and cxsim
version are suite properties.
"""

from __future__ import annotations

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
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(report: CheckReport, path: str | Path) -> None:
    """Write the JUnit XML of `report` to `path`, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, junit_xml(report))
