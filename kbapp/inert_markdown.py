"""Markdown that no renderer turns live: the last step of every Markdown export.

Reports, lessons, problem records, timelines and service reports leave the app as
Markdown files that customers open in whatever viewer they have (a wiki, an editor's
preview, a converter), most of which pass raw HTML through. The in-app reader sanitises
with nh3 (kbapp.render); these files must be inert on their own, whatever engineers typed
into a field (``<script>``, ``<img onerror=…>``, ``[x](javascript:…)``):

- every ``<`` that could open an HTML tag, comment or processing instruction outside a
  code block becomes ``&lt;`` (the app's own ``<br>`` in table cells stays);
- a link, image or reference whose address has a scheme other than http, https or mailto
  (after entities and backslash escapes are undone, as a renderer does) loses its ``]``,
  so it is shown as text.

A code block (a fence at the start of a line) is left as it is: it is never rendered as
HTML. Where renderers disagree on where one ends, it ends at the earliest (CommonMark's
rule: the same character, at least as long); a fence that never closes is not trusted.
Front matter (YAML) is left as it is.
"""

from __future__ import annotations

import html
import re

__all__ = ["inert_markdown"]

_TAG_START = re.compile(r"<(?=[A-Za-z/!?])(?!br>)")
_OPEN_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")
# A link's ']' followed by its address: '](' (inline; the address may start on the next
# line) or ']:' (a reference definition). Only a ']' that is not itself escaped (an even
# run of backslashes before it).
_LINK = re.compile(r"(?<!\\)(?P<bs>(?:\\\\)*)\](?P<open>\(|:)(?P<dest>[ \t]*\n?[ \t]*<?[^\s)>]*)")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _unsafe_address(dest: str) -> bool:
    address = _CONTROL.sub("", html.unescape(_ESCAPED.sub(r"\1", dest)).lstrip("<"))
    match = _SCHEME.match(address)
    return match is not None and match.group(1).lower() not in _SAFE_SCHEMES


def _inert_text(text: str) -> str:
    def link(match: re.Match[str]) -> str:
        if not _unsafe_address(match.group("dest")):
            return match.group(0)
        return f"{match.group('bs')}\\]{match.group('open')}{match.group('dest')}"

    return _TAG_START.sub("&lt;", _LINK.sub(link, text))


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip(" ")
    return (len(line) - len(line.lstrip(" ")) <= 3 and len(stripped) >= len(fence)
            and stripped == fence[0] * len(stripped))


def _code_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) line of each fenced block that is closed: the fences included."""
    blocks, i = [], 0
    never_closed: dict[str, int] = {}  # fence character -> shortest fence found never closed
    while i < len(lines):
        match = _OPEN_FENCE.match(lines[i])
        fence = match.group("fence") if match else ""
        if match and not (fence[0] == "`" and "`" in match.group("info")) and len(fence) < never_closed.get(
                fence[0], 1 << 30):  # a longer fence than one never closed cannot close either: linear
            end = next((j for j in range(i + 1, len(lines)) if _closes(lines[j], fence)), None)
            if end is not None:
                blocks.append((i, end))
                i = end + 1
                continue
            never_closed[fence[0]] = len(fence)
        i += 1
    return blocks


def inert_markdown(text: str) -> str:
    """``text`` with raw HTML shown as text and links to script addresses unlinked."""
    front = ""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            front, text = text[:end + 5], text[end + 5:]
    lines = text.split("\n")
    out: list[str] = []
    start = 0
    for first, last in [*_code_blocks(lines), (len(lines), len(lines))]:
        if first > start:
            out.append(_inert_text("\n".join(lines[start:first])))
        if first < len(lines):
            out.append("\n".join(lines[first:last + 1]))
        start = last + 1
    return front + "\n".join(out)


# Stand-ins while PyYAML writes the text: Unicode noncharacters, which no text may hold
# (one found in a value is written as U+FFFD).
_HIDDEN = {"<": ("\ufdd0", "\\x3C"), "]": ("\ufdd1", "\\x5D")}


def front_matter(meta: dict) -> str:
    """``meta`` as YAML front matter between ``---`` lines, inert too: a viewer that does not
    know front matter shows it as Markdown, so a value with a ``<`` or a ``]`` in it is
    written double-quoted with them as ``\\x3C`` and ``\\x5D`` (YAML reads back the same text)."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        if not any(ch in value for ch in _HIDDEN):
            return dumper.represent_scalar("tag:yaml.org,2002:str", value)
        for ch, (stand_in, _) in _HIDDEN.items():
            value = value.replace(stand_in, "\ufffd").replace(ch, stand_in)
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')

    _Dumper.add_representer(str, text)
    dumped = yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=None,
                       width=10_000)
    for stand_in, escape in _HIDDEN.values():
        dumped = dumped.replace(stand_in, escape)
    return "---\n" + dumped + "---\n"
