"""Bounded YAML for front matter: no aliases or anchors, limited nesting, no timestamps.

A front matter block is a handful of ``field: value`` lines. Anything that could make
loading it explode (an alias bomb, thousands of nested brackets, a 5,000-digit number)
is refused with the line and the reason, before the work grows with the input.

With libyaml (PyYAML's C extension, ``yaml.CSafeLoader``) the text is parsed in C: its
events are checked against the same limits, then it is loaded by the C parser with the
same constructors (about 7 times faster than the pure-Python loader on kbapp's front
matter; a rebuild of a 50,000-document library parses every file). Text libyaml refuses
is loaded again by the pure-Python loader, so a problem reads the same either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from kbapp.errors import KbError

if TYPE_CHECKING:
    from typing import Any

    from yaml.nodes import Node, ScalarNode

MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_DEPTH = 8  # the format needs 2 (a mapping of lists)
MAX_NODES = 5000
MAX_INT_DIGITS = 18
_SCALAR, _MAPPING_START, _SEQUENCE_START = ScalarEvent, MappingStartEvent, SequenceStartEvent
_MAPPING_END, _SEQUENCE_END = MappingEndEvent, SequenceEndEvent


class FrontMatterError(KbError, ValueError):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line  # 0-based line inside the YAML text
        self.reason = reason


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and anchors, deep nesting and too many nodes, and
    leaves dates as text (the parser checks them itself)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()
        line = event.start_mark.line if event.start_mark is not None else 0
        if isinstance(event, AliasEvent):
            raise FrontMatterError(line, "aliases ('*name') are not allowed in front matter")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise FrontMatterError(line, "anchors ('&name') are not allowed in front matter")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise FrontMatterError(line, f"more than {MAX_NODES} values in front matter")
        nested = isinstance(event, CollectionStartEvent)
        if nested:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise FrontMatterError(line, f"nested more than {MAX_DEPTH} levels deep")
        try:
            return super().compose_node(parent, index)
        finally:
            if nested:
                self._depth -= 1

    def construct_yaml_int(self, node: ScalarNode) -> int | str:  # type: ignore[override]  # text when too long
        digits = sum(ch.isdigit() for ch in str(node.value))
        if digits > MAX_INT_DIGITS:  # kept as text: the parser says the field is out of range
            return str(node.value)[:MAX_INT_DIGITS + 2]
        return SafeConstructor.construct_yaml_int(self, node)  # (also _FastLoader's)


BoundedLoader.add_constructor("tag:yaml.org,2002:int", BoundedLoader.construct_yaml_int)
# Dates stay text: 'reviewed' is checked by the parser (a bad date is a problem line, not
# a crash), and a title that looks like a timestamp is still a title.
BoundedLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_CSafeLoader = getattr(yaml, "CSafeLoader", None)


if _CSafeLoader is not None:
    class _FastLoader(_CSafeLoader):  # type: ignore[misc,valid-type]
        """libyaml's parser with BoundedLoader's constructors and resolvers."""

    _FastLoader.add_constructor("tag:yaml.org,2002:int", BoundedLoader.construct_yaml_int)
    _FastLoader.yaml_implicit_resolvers = BoundedLoader.yaml_implicit_resolvers


def _check_events(text: str) -> None:
    """BoundedLoader's limits, on libyaml's events (raises FrontMatterError or YAMLError)."""
    loader = _FastLoader(text)
    depth = nodes = 0
    try:
        while True:
            event = loader.get_event()
            if event is None:
                return
            kind = type(event)
            if kind is AliasEvent:
                raise FrontMatterError(event.start_mark.line, "aliases ('*name') are not allowed in front matter")
            if kind is _MAPPING_END or kind is _SEQUENCE_END:
                depth -= 1
                continue
            if kind is _SCALAR or kind is _MAPPING_START or kind is _SEQUENCE_START:
                if event.anchor is not None:
                    raise FrontMatterError(event.start_mark.line, "anchors ('&name') are not allowed in front matter")
                nodes += 1
                if nodes > MAX_NODES:
                    raise FrontMatterError(event.start_mark.line, f"more than {MAX_NODES} values in front matter")
                if kind is not _SCALAR:
                    depth += 1
                    if depth > MAX_DEPTH:
                        raise FrontMatterError(event.start_mark.line, f"nested more than {MAX_DEPTH} levels deep")
    finally:
        loader.dispose()


def load(text: str) -> Any:
    """The front matter's value; raises FrontMatterError or yaml.YAMLError."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FRONT_MATTER_BYTES:
        raise FrontMatterError(0, f"front matter is {size // 1024} KiB; the limit is {MAX_FRONT_MATTER_BYTES // 1024} KiB")
    if _CSafeLoader is not None:
        try:
            _check_events(text)
            fast = _FastLoader(text)
            try:
                return fast.get_single_data()
            finally:
                fast.dispose()
        except yaml.YAMLError:
            pass  # said again below, in the pure-Python loader's words (and its lines)
    return load_python(text)


def load_python(text: str) -> Any:
    """``load`` by PyYAML's pure-Python parser."""
    loader = BoundedLoader(text)
    try:
        return loader.get_single_data()
    except RecursionError:  # cannot happen within the limits above; never a traceback
        raise FrontMatterError(0, "front matter is nested too deeply") from None
    finally:
        loader.dispose()
