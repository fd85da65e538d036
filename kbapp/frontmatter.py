"""Bounded YAML for front matter: no aliases or anchors, limited nesting, no timestamps.

A front matter block is a handful of ``field: value`` lines. Anything that could make
loading it explode (an alias bomb, thousands of nested brackets, a 5,000-digit number)
is refused with the line and the reason, before the work grows with the input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml
from yaml.events import AliasEvent, CollectionStartEvent

from kbapp.errors import KbError

if TYPE_CHECKING:
    from typing import Any

    from yaml.nodes import Node, ScalarNode

MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_DEPTH = 8  # the format needs 2 (a mapping of lists)
MAX_NODES = 5000
MAX_INT_DIGITS = 18


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
        return super().construct_yaml_int(node)


BoundedLoader.add_constructor("tag:yaml.org,2002:int", BoundedLoader.construct_yaml_int)
# Dates stay text: 'reviewed' is checked by the parser (a bad date is a problem line, not
# a crash), and a title that looks like a timestamp is still a title.
BoundedLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(text: str) -> Any:
    """The front matter's value; raises FrontMatterError or yaml.YAMLError."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FRONT_MATTER_BYTES:
        raise FrontMatterError(0, f"front matter is {size // 1024} KiB; the limit is {MAX_FRONT_MATTER_BYTES // 1024} KiB")
    loader = BoundedLoader(text)
    try:
        return loader.get_single_data()
    except RecursionError:  # cannot happen within the limits above; never a traceback
        raise FrontMatterError(0, "front matter is nested too deeply") from None
    finally:
        loader.dispose()
