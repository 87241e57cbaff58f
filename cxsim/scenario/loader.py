"""From a file (and `--set` overrides) to a validated `Scenario`, or every problem at once.

The loader reads bytes, decodes UTF-8, reads YAML with positions, applies overrides,
validates with the pydantic models, checks references and then whether the scenario
makes sense as a whole (`sanity.py`). Whatever goes wrong is reported as `Problem`s
located at `FILE:LINE:COL` (or at the `--set` that caused it), raised together in one
`ScenarioError`. What is probably wrong, but runs, is told as warnings: located the same
way, added to the list a caller hands in.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from cxsim.assertions import check_assertions
from cxsim.scenario.models import EFFECT_NAMES, STEP_MODELS, Scenario
from cxsim.scenario.problems import Problem, ScenarioError, did_you_mean, one_of
from cxsim.scenario.references import check_references
from cxsim.scenario.sanity import sense_problems, sense_warnings
from cxsim.scenario.types import DISTRIBUTIONS
from cxsim.scenario.yamlfile import Path as DataPath
from cxsim.scenario.yamlfile import dotted, read_yaml

MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Override:
    """One `--set dotted.path=value`, its value already read as YAML."""

    text: str
    path: tuple[str, ...]
    value: Any

    @property
    def where(self) -> str:
        return f"--set {self.text}"


def parse_override(text: str) -> Override:
    """Read `dotted.path=VALUE`; the value is YAML (`12`, `warm`, `{exponential: {mean: 2min}}`)."""
    where = f"--set {text}"
    if "=" not in text:
        raise ScenarioError([Problem(where, "", "expected dotted.path=value, got no '='")])
    key, _, raw = text.partition("=")
    parts = tuple(part.strip() for part in key.strip().split("."))
    if not all(parts):
        raise ScenarioError(
            [Problem(where, "", f"expected a dotted path such as teams.agents.size, got {key!r}")]
        )
    document = read_yaml(raw, where)
    if document.problems:
        problems = [Problem(where, ".".join(parts), p.message) for p in document.problems]
        raise ScenarioError(problems)
    return Override(text, parts, document.data)


def load_scenario(
    path: str | Path,
    overrides: Sequence[str | Override] = (),
    warnings: list[Problem] | None = None,
) -> Scenario:
    """Read, override, validate and check the scenario file at `path`.

    The warnings about it are added to `warnings` when a list is given.
    """
    path = Path(path)
    source = str(path)
    if not path.exists():
        raise ScenarioError([Problem(source, "", "no such file, expected a YAML scenario")])
    if path.is_dir():
        raise ScenarioError([Problem(source, "", "is a directory, expected a YAML scenario file")])
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise ScenarioError(
            [Problem(source, "", f"cannot read: {error.strerror or error}")]
        ) from None
    if len(raw) > MAX_BYTES:
        raise ScenarioError(
            [Problem(source, "", f"larger than {MAX_BYTES // 2**20} MiB, expected a YAML scenario")]
        )
    return parse_scenario(
        decode(raw, source),
        source,
        overrides,
        base_dir=path.parent,
        stem=path.stem,
        warnings=warnings,
    )


def decode(raw: bytes, source: str) -> str:
    """Text of a scenario file; binary or non-UTF-8 content is a problem with a position."""
    if b"\x00" in raw:
        raise ScenarioError(
            [Problem(source, "", "binary content (NUL bytes), expected a YAML text file")]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        byte = raw[error.start]
        problem = Problem(
            f"{source}:{line}:{column}", "", f"expected UTF-8 text, got byte 0x{byte:02x}"
        )
        raise ScenarioError([problem]) from None


def parse_scenario(
    text: str,
    source: str = "<scenario>",
    overrides: Sequence[str | Override] = (),
    base_dir: str | Path | None = None,
    stem: str | None = None,
    warnings: list[Problem] | None = None,
) -> Scenario:
    """Validate scenario YAML `text`; `source` names it in problems.

    The warnings about it (`Problem`s marked as such) are added to `warnings` when a
    list is given, in the order of the file, even when the scenario has problems too.
    """
    parsed = [o if isinstance(o, Override) else parse_override(o) for o in overrides]
    document = read_yaml(text, source)
    problems = list(document.problems)
    data = document.data
    if problems and data is None:
        raise ScenarioError(problems)
    if data is None:
        raise ScenarioError(
            [
                Problem(
                    source,
                    "",
                    "empty file, expected a scenario (horizon, teams, customers, journeys)",
                )
            ]
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                Problem(
                    f"{source}:1:1", "", f"expected a mapping of scenario keys, got a {_kind(data)}"
                )
            ]
        )
    if "name" not in data and stem:
        data["name"] = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.") or "scenario"
    places = _Places(source, document.positions)
    for override in parsed:
        path, problem = _apply(data, override)
        if problem:
            problems.append(problem)
        else:
            places.overridden(override, path)
    scenario: Scenario | None = None
    context = {"base_dir": str(base_dir) if base_dir is not None else None}
    try:
        scenario = Scenario.model_validate(data, context=context)
    except ValidationError as error:
        problems.extend(validation_problems(error, data, places))
    checked = [*check_references(data), *check_assertions(data)]
    problems.extend(Problem(places.where(p), dotted(p), m) for p, m in checked)
    if not problems and scenario is not None:  # weighed as a whole only once it is sound
        problems.extend(Problem(places.where(p), dotted(p), m) for p, m in sense_problems(scenario))
        if warnings is not None:
            told = [
                Problem(places.where(p), dotted(p), m, True) for p, m in sense_warnings(scenario)
            ]
            warnings.extend(sorted(dict.fromkeys(told), key=_position))
    if problems or scenario is None:
        raise ScenarioError(sorted(dict.fromkeys(problems), key=_position))
    return scenario


def _position(problem: Problem) -> tuple[int, int, int]:
    """Sort key: overrides first, then by line and column in the file."""
    parts = problem.where.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return (1, int(parts[1]), int(parts[2]))
    return (0, 0, 0)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return f"{type(value).__name__} {value!r}"


def _apply(data: dict[str, Any], override: Override) -> tuple[DataPath, Problem | None]:
    """Set the value of `override` in `data`; return the path it set, list items by index."""
    node: Any = data
    path: list[str | int] = []
    for depth, part in enumerate(override.path[:-1]):
        node, key, problem = _step_into(node, part, override, depth)
        if problem:
            return (), problem
        path.append(key)
    last = override.path[-1]
    if isinstance(node, list):
        index = _index(last, node)
        if index is None:
            return (), _unknown_item(override, len(override.path) - 1, node)
        node[index] = override.value
        path.append(index)
    elif isinstance(node, dict):
        node[last] = override.value
        path.append(last)
    else:
        at = ".".join(override.path[:-1])
        return (), Problem(
            override.where, at, f"expected a mapping or list to set {last!r} in, got {_kind(node)}"
        )
    return tuple(path), None


def _step_into(
    node: Any, part: str, override: Override, depth: int
) -> tuple[Any, str | int, Problem | None]:
    """The value `part` names inside `node` (a mapping is given the key if it lacks it)."""
    at = ".".join(override.path[: depth + 1])
    if isinstance(node, dict):
        if part not in node or node[part] is None:
            node[part] = {}
        return node[part], part, None
    if isinstance(node, list):
        index = _index(part, node)
        if index is None:
            return None, part, _unknown_item(override, depth, node)
        return node[index], index, None
    return None, part, Problem(override.where, at, f"expected a mapping or list, got {_kind(node)}")


def _index(part: str, items: list[Any]) -> int | None:
    """The item of a list a path part names: a number is its index, a word its `name`."""
    if part.isdigit():
        return int(part) if int(part) < len(items) else None
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == part:
            return index
    return None


def _names(items: list[Any]) -> list[str]:
    return [
        item["name"]
        for item in items
        if isinstance(item, dict) and isinstance(item.get("name"), str)
    ]


def _unknown_item(override: Override, depth: int, items: list[Any]) -> Problem:
    """Part `depth` of the override's path names no item of the list `items`."""
    part = override.path[depth]
    at = ".".join(override.path[: depth + 1])
    names = _names(items)
    if part.isdigit() or not names:
        message = f"expected a list index below {len(items)}, got {part!r}"
    else:
        hint = did_you_mean(part, names)
        message = (
            f"expected a list index below {len(items)} or the name of an item "
            f"({one_of(names)}), got {part!r}{hint}"
        )
    return Problem(override.where, at, message)


class _Places:
    """Where each path of the data was written: a file position or a `--set`."""

    def __init__(self, source: str, positions: dict[DataPath, tuple[int, int]]) -> None:
        self.source = source
        self.positions: dict[DataPath, str] = {
            path: f"{source}:{line}:{col}" for path, (line, col) in positions.items()
        }

    def overridden(self, override: Override, path: DataPath) -> None:
        """`override` set the value at `path` (list items by index): problems there are its."""
        for known in [p for p in self.positions if p[: len(path)] == path]:
            del self.positions[known]
        for depth in range(1, len(path) + 1):  # keys the override created point at it too
            self.positions.setdefault(path[:depth], override.where)
        self.positions[path] = override.where

    def where(self, path: Iterable[str | int]) -> str:
        path = tuple(str(p) for p in path)
        keyed = {tuple(str(p) for p in k): v for k, v in self.positions.items()}
        while path:
            if path in keyed:
                return keyed[path]
            path = path[:-1]
        return f"{self.source}:1:1"


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[str | int, ...]:
    """The path in the data behind a pydantic location (dropping union tags)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        known = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        )
        if known:
            path.append(part)
            node = node[part]
        elif isinstance(part, str) and _looks_like_tag(part):
            continue  # a union tag or validator name, not a key of the data
        else:
            path.append(part)
            node = None
    return tuple(path)


_TAGS = frozenset(
    {
        *STEP_MODELS,
        *DISTRIBUTIONS,
        *EFFECT_NAMES,
        "bare",
        "rate",
        "hourly",
        "weekly",
        "cohort",
        "drop_after",
        "partial",
        "auto",
        "one_step",
        "step_list",
    }
)


def _looks_like_tag(part: str) -> bool:
    return part in _TAGS or part.startswith(("function-", "list[", "dict[", "nullable["))


def validation_problems(error: ValidationError, data: Any, places: _Places) -> list[Problem]:
    """One problem per pydantic error, located in the file and worded for a designer."""
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        path = _data_path(loc, data)
        message = _message(item, loc, path)
        if item["type"] == "missing":
            problems.append(Problem(places.where(path[:-1]), dotted(path[:-1]), message))
        else:
            problems.append(Problem(places.where(path), dotted(path), message))
    unique = list(dict.fromkeys(problems))
    return unique


def _message(item: Any, loc: tuple[Any, ...], path: tuple[str | int, ...]) -> str:
    kind = item["type"]
    value = item.get("input")
    ctx = item.get("ctx") or {}
    if kind == "missing":
        return f"missing required key {path[-1]!r}"
    if kind == "extra_forbidden":
        valid = _fields_at(loc[:-1])
        hint = did_you_mean(str(path[-1]), valid)
        return f"unknown key {path[-1]!r}, expected {one_of(valid)}{hint}"
    if kind == "literal_error":
        valid = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"expected {one_of(valid)}, got {value!r}{did_you_mean(str(value), valid)}"
    if kind == "distribution":
        return _unknown_choice(value, "distribution", list(DISTRIBUTIONS))
    if kind == "arrivals":
        return _unknown_choice(
            value, "kind of arrivals", ["hourly", "weekly", "cohort"], "a rate such as 9/min, "
        )
    if kind == "effect":
        return _unknown_choice(value, "effect", list(EFFECT_NAMES))
    if kind == "step_type":
        return _unknown_step(value)
    text = str(item["msg"])
    text = re.sub(r"^(Value error|Assertion failed), ", "", text)
    text = re.sub(r"^Input should be ", "expected ", text)
    text = re.sub(r"^expected (greater|less) than", r"expected a number \1 than", text)
    text = text[0].lower() + text[1:] if text else text
    if "got " not in text and not isinstance(value, dict | list):
        text += f", got {value!r}"
    return text


def _unknown_choice(value: Any, what: str, valid: list[str], prefix: str = "") -> str:
    if isinstance(value, dict) and len(value) == 1:
        name = str(next(iter(value)))
        return (
            f"unknown {what} {name!r}, expected {prefix}{one_of(valid)}{did_you_mean(name, valid)}"
        )
    if isinstance(value, dict):
        return f"expected {prefix}exactly one of {one_of(valid)}, got keys {one_of(list(value))}"
    hint = did_you_mean(value, valid) if isinstance(value, str) else ""
    return f"expected {prefix}one of {one_of(valid)}, got {value!r}{hint}"


def _unknown_step(value: Any) -> str:
    valid = list(STEP_MODELS)
    if isinstance(value, dict) and "type" in value:
        kind = value["type"]
        return (
            f"unknown step type {kind!r}, expected {one_of(valid)}{did_you_mean(str(kind), valid)}"
        )
    if isinstance(value, dict):
        return f"missing required key 'type', expected {one_of(valid)}"
    return f"expected a step (a mapping with a type), got {value!r}"


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model a pydantic location points into."""
    current: Any = Scenario
    for part in loc:
        current = _descend(current, part)
        if current is None:
            return []
    model = _model_of(current)
    return list(model.model_fields) if model else []


def _strip(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _tag_of(tp: Any) -> str | None:
    if typing.get_origin(tp) is typing.Annotated:
        for meta in typing.get_args(tp)[1:]:
            tag = getattr(meta, "tag", None)
            if isinstance(tag, str):
                return tag
    return None


def _members(tp: Any) -> tuple[Any, ...]:
    """The members of a (nested) union, each with its own annotations kept."""
    inner = _strip(tp)
    if typing.get_origin(inner) in (typing.Union, types.UnionType):
        return tuple(m for arg in typing.get_args(inner) for m in _members(arg))
    return (tp,)


def _model_of(tp: Any) -> type[BaseModel] | None:
    for member in _members(tp):
        member = _strip(member)
        if isinstance(member, type) and issubclass(member, BaseModel):
            return member
    return None


def _descend(tp: Any, part: Any) -> Any:
    for member in _members(tp):
        if _tag_of(member) == part:
            return member
    for member in _members(tp):
        member = _strip(member)
        origin = typing.get_origin(member)
        if origin is dict:
            return typing.get_args(member)[1]
        if origin is list:
            return typing.get_args(member)[0]
        if (
            isinstance(member, type)
            and issubclass(member, BaseModel)
            and part in member.model_fields
        ):
            return member.model_fields[part].annotation
    return None
