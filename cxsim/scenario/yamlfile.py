"""Safe YAML reading that remembers where every value came from.

PyYAML's composer builds the node tree; this module turns it into plain Python data
itself, so that:

- scalars follow the YAML 1.2 core schema (`NO` stays the string "NO", `1:30` stays
  "1:30"; only `true`/`false` are booleans),
- a duplicate key is a problem, not a silent overwrite,
- no tag builds a Python object (only the standard str/int/float/bool/null/map/seq tags),
- an alias bomb stops at a node budget instead of exhausting memory,
- every key and item keeps its `(line, column)` for error messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from cxsim.scenario.problems import Problem

MAX_NODES = 50_000
"""Values read from one file at most (the largest shipped scenario has a few hundred);
aliases count each time they are expanded. Counted as the file is read, so a huge file
is refused after that many values, not after all of them."""

MAX_DEPTH = 64
"""Mappings and lists nested in one another at most (a scenario needs about eight)."""

LARGEST_INT = 10**15 - 1
"""The largest whole number a scenario may hold: no count a run can reach is larger, and
past it a number no longer converts to a float."""

Path = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


class _CoreResolver(BaseResolver):
    """Implicit tags of the YAML 1.2 core schema, nothing of YAML 1.1's extras."""


_CoreResolver.add_implicit_resolver(_TAG + "null", _NULL, ["~", "n", "N", ""])
_CoreResolver.add_implicit_resolver(_TAG + "bool", _BOOL, list("tTfF"))
_CoreResolver.add_implicit_resolver(_TAG + "int", _INT, list("-+0123456789"))
_CoreResolver.add_implicit_resolver(_TAG + "float", _FLOAT, list("-+.0123456789"))


class _Composer(Reader, Scanner, Parser, Composer, _CoreResolver):
    """Reads a YAML stream into nodes; builds no Python objects."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _CoreResolver.__init__(self)
        self.depth = 0
        self.composed = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        """A node, refused at its place when it nests too deep or is one too many."""
        self.depth += 1
        self.composed += 1
        try:
            if self.depth > MAX_DEPTH or self.composed > MAX_NODES:
                mark = self.peek_event().start_mark
                problem = (
                    f"nested more than {MAX_DEPTH} deep"
                    if self.depth > MAX_DEPTH
                    else f"more than {MAX_NODES:,} values, expected a scenario of a reasonable size"
                )
                raise yaml.composer.ComposerError(None, None, problem, mark)
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self.depth -= 1


@dataclass
class YamlDocument:
    """Plain data read from YAML, with the position of every key and item."""

    data: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class _Builder:
    """Turns a node tree into plain data, recording positions and problems."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.positions: dict[Path, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.nodes = 0

    def where(self, node: Node) -> str:
        mark = node.start_mark
        return f"{self.source}:{mark.line + 1}:{mark.column + 1}"

    def problem(self, node: Node, path: Path, message: str) -> None:
        self.problems.append(Problem(self.where(node), dotted(path), message))

    def build(self, node: Node, path: Path) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != _TAG + "seq":
                self.problem(node, path, f"tags are not allowed, got {node.tag!r}")
            items = []
            for index, item in enumerate(node.value):
                self.positions[(*path, index)] = _position(item)
                items.append(self.build(item, (*path, index)))
            return items
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        if node.tag != _TAG + "map":
            self.problem(node, path, f"tags are not allowed, got {node.tag!r}")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, path, "expected a plain key, got a mapping or list")
                continue
            key = key_node.value
            if key_node.tag == _TAG + "merge" or (key == "<<" and key_node.style is None):
                self.problem(
                    key_node, path, "merge keys (<<) are not supported, write the keys out"
                )
                continue
            if key in result:
                first = self.positions[(*path, key)]
                self.problem(
                    key_node,
                    (*path, key),
                    f"duplicate key {key!r}, first given at line {first[0]}",
                )
                continue
            self.positions[(*path, key)] = _position(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        tag, text = node.tag, node.value
        try:
            if tag == _TAG + "str":
                return text
            if tag == _TAG + "null":
                return None
            if tag == _TAG + "bool":
                return text.lower() == "true"
            if tag == _TAG + "int":
                number = _to_int(text)
                if abs(number) > LARGEST_INT:
                    self.problem(
                        node,
                        path,
                        f"expected a whole number of at most 15 digits, got {_cut(text)}",
                    )
                return number
            if tag == _TAG + "float":
                return _to_float(text)
        except ValueError:
            self.problem(node, path, f"expected a {tag.removeprefix(_TAG)}, got {text!r}")
            return text
        self.problem(node, path, f"tags are not allowed, got {tag!r}")
        return text


class _TooBig(Exception):
    def __init__(self, node: Node) -> None:
        self.node = node


def _position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _to_int(text: str) -> int:
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _to_float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    if lowered == ".nan":
        return float("nan")
    return float(text)


def dotted(path: Path) -> str:
    """`teams.agents.size` for a path, list indexes written as numbers."""
    return ".".join(str(part) for part in path)


def read_yaml(text: str, source: str) -> YamlDocument:
    """Parse one YAML document from `text`; `source` names it in problems."""
    try:
        root = yaml.compose(text, Loader=_Composer)  # type: ignore[arg-type]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        what = " ".join(part for part in (error.context, error.problem) if part)
        return YamlDocument(None, problems=[Problem(where, "", f"invalid YAML: {what}")])
    except yaml.YAMLError as error:  # errors without a mark
        return YamlDocument(None, problems=[Problem(source, "", f"invalid YAML: {error}")])
    except RecursionError:
        return YamlDocument(None, problems=[Problem(source, "", "invalid YAML: nested too deeply")])
    if root is None:
        return YamlDocument(None)
    builder = _Builder(source)
    try:
        data = builder.build(root, ())
    except RecursionError:
        return YamlDocument(None, problems=[Problem(source, "", "nested too deeply")])
    except _TooBig as too_big:
        where = builder.where(too_big.node)
        message = f"more than {MAX_NODES:,} values (an alias expanding without end?)"
        return YamlDocument(None, problems=[Problem(where, "", message)])
    return YamlDocument(data, builder.positions, builder.problems)


def _cut(text: str) -> str:
    """A number as written, shortened for a message."""
    return text if len(text) <= 24 else f"{text[:12]}… ({len(text)} digits)"
