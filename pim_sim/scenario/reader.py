"""Reading scenario files safely, remembering where each value was written.

The text is *composed* with PyYAML's safe loader into a node graph (no object is ever
constructed from a tag) and then walked by hand into plain dicts, lists and scalars. The walk
records the line of every field path, so a problem found later can say "line 14,
tenant.users[2].manager". It also enforces the limits that keep an upload harmless: a byte
limit, a limit on the values an alias may expand to (the "billion laughs"), a depth limit,
no tags beyond YAML's plain types, no merge keys and no duplicate keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import yaml

from pim_sim.errors import Issue, ScenarioError
from pim_sim.io.untrusted import InputError, decode

MAX_BYTES = 512 * 1024
MAX_VALUES = 100_000
MAX_DEPTH = 40

_CORE = "tag:yaml.org,2002:"
PLAIN_TAGS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp"))

Path = tuple[str | int, ...]

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_VALUES", "Document", "Issue", "ScenarioError", "path_text", "read"]


def path_text(path: Path) -> str:
    """``('tenant', 'users', 2, 'manager')`` -> ``tenant.users[2].manager``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


@dataclass(frozen=True)
class Document:
    """Plain data read from a file, with the line of each field path."""

    data: Any
    lines: Mapping[Path, int | None]
    file: str

    def line_of(self, path) -> int | None:
        """The line of the deepest part of ``path`` that was written in the file."""
        found = self.lines.get(self.written(path))
        return found if found is not None else self.lines.get(())

    def written(self, path) -> Path:
        """The part of ``path`` that exists in the file (pydantic's union tags are skipped)."""
        found: Path = ()
        for part in path:
            if (*found, part) in self.lines:
                found = (*found, part)
        return found

    def issue(self, path, message: str) -> Issue:
        """An issue at ``path``; a last part not in the file (a missing field) is kept in the text."""
        path = tuple(path)
        shown = self.written(path)
        if path and shown != path and path[-1] not in shown[-1:]:
            shown = (*shown, path[-1]) if not _internal(path[-1]) else shown
        return Issue(self.file, self.line_of(path), path_text(shown), message)


def _internal(part) -> bool:
    """pydantic's names for union members and validators, which are not file keys."""
    return isinstance(part, str) and ("[" in part or "-" in part)


class _Walker:
    def __init__(self, file: str):
        self.file = file
        self.lines: dict[Path, int] = {}
        self.issues: list[Issue] = []
        self.count = 0
        self.scalars = yaml.SafeLoader("")

    def fail(self, node, path: Path, message: str) -> None:
        self.issues.append(Issue(self.file, node.start_mark.line + 1, path_text(path), message))

    def walk(self, node, path: Path, depth: int):
        self.count += 1
        if self.count > MAX_VALUES:
            raise ScenarioError([Issue(self.file, node.start_mark.line + 1, path_text(path),
                                       f"the file expands to more than {MAX_VALUES:,} values; anchors and aliases "
                                       "that repeat each other are not allowed to grow a file this way")])
        if depth > MAX_DEPTH:
            raise ScenarioError([Issue(self.file, node.start_mark.line + 1, path_text(path[:4]) + "...",
                                       f"values are nested more than {MAX_DEPTH} levels deep (a recursive alias?)")])
        self.lines.setdefault(path, node.start_mark.line + 1)
        if node.tag not in PLAIN_TAGS:
            self.fail(node, path, f"the tag {node.tag!r} is not allowed; scenario files hold plain text, numbers, "
                                  "true/false, lists and mappings only")
            return None
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _CORE + "merge":
                    self.fail(key_node, path, "merge keys ('<<') are not supported; write the fields out")
                    continue
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in PLAIN_TAGS:
                    self.fail(key_node, path, "a key must be plain text")
                    continue
                key = str(key_node.value)
                if key in out:
                    self.fail(key_node, (*path, key), f"the key {key!r} appears twice in this mapping")
                    continue
                out[key] = self.walk(value_node, (*path, key), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        try:
            value = self.scalars.construct_object(node)
        except (ValueError, OverflowError, ArithmeticError, AttributeError, TypeError, yaml.YAMLError):
            kind = node.tag.rsplit(":", 1)[-1]
            shown = repr(node.value) if len(node.value) <= 40 else f"{node.value[:30]!r}... ({len(node.value):,} characters)"
            self.fail(node, path, f"{shown} looks like a {kind} but isn't a valid one")
            return None
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        elif isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day, tzinfo=UTC)
        return value


def _check_depth(text: str, file: str) -> None:
    """PyYAML composes nested lists and mappings recursively, so thousands of '[' would exhaust Python's
    stack before the walk's depth limit is reached. The event stream is read without recursion: refuse
    deep nesting there first (aliases are single events; the walk bounds what they expand to)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH + 1:  # the walk allows values inside MAX_DEPTH + 1 collections
                raise ScenarioError([Issue(file, event.start_mark.line + 1 if event.start_mark else None, "",
                                           f"values are nested more than {MAX_DEPTH} levels deep")])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def read(text: str | bytes, file: str = "<text>") -> Document:
    """Parse scenario text into plain data with line numbers, or raise :class:`ScenarioError`."""
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_BYTES:
        raise ScenarioError([Issue(file, None, "", f"the file is {size:,} bytes; scenario files are limited to "
                                                   f"{MAX_BYTES:,} bytes")])
    if isinstance(text, bytes):
        try:  # UTF-8, or UTF-16/32 with the byte-order mark Windows PowerShell writes
            text = decode(text, file)
        except InputError as e:
            raise ScenarioError([Issue(file, None, "", e.problem)]) from None
    try:
        _check_depth(text, file)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e)
        context = getattr(e, "context", None)
        detail = " ".join((f"{context}, {problem}" if context else problem).split())  # one line
        raise ScenarioError([Issue(file, mark.line + 1 if mark else None, "", f"this is not valid YAML: {detail}")]) \
            from None
    if root is None:
        raise ScenarioError([Issue(file, None, "", "the file is empty; a scenario is a mapping with at least "
                                                   "'name' and 'horizon'")])
    walker = _Walker(file)
    data = walker.walk(root, (), 0)
    if walker.issues:
        raise ScenarioError(walker.issues)
    if not isinstance(data, dict):
        raise ScenarioError([Issue(file, root.start_mark.line + 1, "", "a scenario file is a mapping of fields "
                                                                       "(name: ..., horizon: ...), not a list or a value")])
    return Document(data, walker.lines, file)
