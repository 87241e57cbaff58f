"""The pieces every report page is made of: one self-contained HTML file, nothing fetched.

A page carries its CSS inline and its charts as inline SVG: it opens from a mail
attachment or a CI artifact with no network and no other file. Inlined charts get
their ids prefixed, because several SVGs in one document would otherwise share ids
such as `figure_1` and a clip path could be taken from the wrong chart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape

CSS = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; font-size: 14px; color: #222;
       max-width: 1100px; margin: 1.5em auto; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.8em; }
h3 { font-size: 1.05em; margin-top: 1.2em; }
p.meta { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #e3e3e3; text-align: right;
         vertical-align: top; }
th { background: #f4f4f4; }
div.wide { overflow-x: auto; }
table.verdicts td:not(:last-child) { white-space: nowrap; }
td.name, th.name, table.verdicts td:last-child, table.verdicts th:last-child { text-align: left; }
table.timeline td { text-align: left; font-family: "DejaVu Sans Mono", monospace; font-size: 12px; }
.pass { color: #2e8b57; font-weight: bold; }
.fail { color: #c0392b; font-weight: bold; }
.inconclusive, .not-judged { color: #b7950b; font-weight: bold; }
.better { color: #2e8b57; } .worse { color: #c0392b; }
ul.warnings li { color: #a04000; }
figure.chart { margin: 1em 0; }
figure.chart svg { max-width: 100%; height: auto; }
"""


def text(value: object) -> str:
    """A value as HTML text."""
    return escape(str(value), quote=True)


def table(head: Sequence[str], rows: Iterable[Sequence[str]], css: str = "", names: int = 1) -> str:
    """A table of already-escaped cells; the first `names` columns are left-aligned names."""

    def cells(tag: str, values: Sequence[str]) -> str:
        found = []
        for index, value in enumerate(values):
            klass = ' class="name"' if index < names else ""
            found.append(f"<{tag}{klass}>{value}</{tag}>")
        return "".join(found)

    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    klass = f' class="{css}"' if css else ""
    head_row = f"<thead><tr>{cells('th', head)}</tr></thead>"
    # a wide table scrolls on its own instead of widening the page
    return f'<div class="wide"><table{klass}>{head_row}<tbody>{body}</tbody></table></div>'


_PROLOG = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_NAMESPACES = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
_IDS = re.compile(r'(id="|url\(#|xlink:href="#|href="#)([^")]+)')


def inline_svg(svg: bytes, prefix: str, title: str) -> str:
    """An SVG file as an inline chart: ids prefixed to stay unique in the page.

    The XML prolog, the metadata and the namespace declarations go: HTML knows SVG's
    namespaces, and their URLs would read as references to something elsewhere.
    """
    body = _PROLOG.sub("", svg.decode("utf-8"), count=1)
    body = _METADATA.sub("", body)
    body = _NAMESPACES.sub("", body)
    body = _IDS.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", body)
    return f'<figure class="chart" aria-label="{text(title)}">{body}</figure>'


def page(title: str, body: str) -> str:
    """A whole HTML document: title, inline CSS, body."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{text(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
