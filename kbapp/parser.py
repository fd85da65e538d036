"""Parse a library file (Markdown with optional YAML front matter) into a Document.

The parser never raises on bad content: it returns the best Document it can plus a
list of Problems with file:line, so one broken file never hides the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from kbapp.model import (
    CATEGORIES,
    KIND_CHECKLIST,
    KIND_DOCUMENT,
    KIND_LESSON,
    KIND_PLAYBOOK,
    KIND_REPORT,
    KINDS,
    LEVELS,
    Document,
    Problem,
)
from kbapp.steps import parse_steps

PARSER_VERSION = 1  # bump when parsing changes what gets indexed
MAX_FILE_BYTES = 5 * 1024 * 1024

SECTION_NAMES: dict[str, tuple[str, ...]] = {
    "symptoms": ("症状", "现象", "故障现象", "symptoms", "symptom"),
    "prevention": ("预防措施", "预防", "prevention"),
    "steps": ("应急步骤", "处理步骤", "检查项", "emergency steps", "steps", "checklist"),
    "verification": ("验证", "恢复验证", "verification"),
    "escalation": ("升级", "上报", "escalation"),
}
REQUIRED_SECTIONS = tuple(SECTION_NAMES)
REQUIRED_FIELDS = ("id", "title", "title_en", "category", "levels", "owner", "reviewed", "version")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
# Linear-time on any line: the closing '#'s are stripped by _heading_text, not by the
# regex (``\s*#*\s*$`` after a lazy group is cubic on a long run of spaces).
_H1_RE = re.compile(r"^#\s+(.+)$")
_H2_RE = re.compile(r"^##\s+(.+)$")


def _heading_text(pattern: re.Pattern, line: str) -> str | None:
    """The text of an ATX heading line, without closing '#'s; None if it is not one."""
    m = pattern.match(line)
    if m is None:
        return None
    text = m.group(1).strip()
    unclosed = text.rstrip("#")
    if unclosed != text and (not unclosed or unclosed[-1].isspace()):
        text = unclosed.rstrip()
    return text or None


def section_key(heading: str) -> str | None:
    """The known section a heading names: a name alone or followed by a space or bracket
    (``## 升级 Escalation``), so that ``## 升级说明`` stays a free-text section."""
    text = heading.strip().lower()
    for key, names in SECTION_NAMES.items():
        for name in names:
            if text == name or (text.startswith(name) and text[len(name)] in " \t(（:："):
                return key
    return None


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw + f"\0parser{PARSER_VERSION}".encode()).hexdigest()


def parse_file(path: Path, *, doc_id_hint: str | None = None, shipped: bool = False) -> tuple[Document | None, list[Problem]]:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(path, 0, f"cannot read file: {exc.strerror or exc}")]
    return parse_bytes(raw, path, doc_id_hint=doc_id_hint, shipped=shipped)


def parse_bytes(raw: bytes, path: Path, *, doc_id_hint: str | None = None, shipped: bool = False) -> tuple[Document | None, list[Problem]]:
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(path, 0, f"file is {len(raw) // 1024} KiB; the limit is {MAX_FILE_BYTES // 1024} KiB")]
    if b"\x00" in raw[:8192]:
        return None, [Problem(path, 0, "binary file, not Markdown text")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(path, line, f"not UTF-8 text (bad byte at offset {exc.start})")]
    if not text.strip():
        return None, [Problem(path, 1, "empty file")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc, problems = parse_text(text, path, doc_id_hint=doc_id_hint)
    doc.content_hash = content_hash(raw)
    doc.shipped = shipped
    return doc, problems


def _split_front_matter(text: str, path: Path) -> tuple[dict | None, str, int, list[Problem]]:
    """Returns (meta or None, body, first body line, problems)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1, []
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            break
    else:
        return None, text, 1, [Problem(path, 1, "front matter starts with '---' but is never closed")]
    import yaml  # here, not at the top: a catalogue scan that parses nothing never loads it

    yaml_text = "\n".join(lines[1:i])
    body = "\n".join(lines[i + 1 :])
    try:
        meta = yaml.safe_load(yaml_text) if yaml_text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark is not None and context_mark.line + 2 < line:
            # An unclosed bracket or quote is found lines later: say where it began.
            reason += f" ({context} that starts on line {context_mark.line + 2})"
        return None, body, i + 2, [Problem(path, line, f"front matter is not valid YAML: {reason}")]
    if not isinstance(meta, dict):
        return None, body, i + 2, [Problem(path, 2, "front matter must be a mapping of 'field: value' lines")]
    return meta, body, i + 2, []


def _field_line(text: str, name: str) -> int:
    match = re.search(rf"^{re.escape(name)}\s*:", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _first_heading(body: str) -> str | None:
    in_fence = False
    for line in body.split("\n"):
        if _FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence and (heading := _heading_text(_H1_RE, line)):
            return heading
    return None


def _split_sections(body: str, first_line: int) -> tuple[dict[str, tuple[str, int]], list[tuple[str, int]]]:
    """Known sections as key -> (text, first line of text); also every H2 heading seen."""
    sections: dict[str, tuple[list[str], int]] = {}
    headings: list[tuple[str, int]] = []
    current: str | None = None
    in_fence = False
    for offset, line in enumerate(body.split("\n")):
        lineno = first_line + offset
        if _FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence and (heading := _heading_text(_H2_RE, line)):
            headings.append((heading, lineno))
            current = section_key(heading)
            if current is not None and current not in sections:
                sections[current] = ([], lineno + 1)
            elif current is not None:
                current = None  # a repeated section heading is reported by the caller
            continue
        if current is not None:
            sections[current][0].append(line)
    return {k: ("\n".join(v[0]).strip("\n"), v[1]) for k, v in sections.items()}, headings


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[,，、]", value) if part.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def parse_text(text: str, path: Path, *, doc_id_hint: str | None = None) -> tuple[Document, list[Problem]]:
    meta, body, body_line, problems = _split_front_matter(text, path)
    fallback_title = _first_heading(body) or path.stem
    fallback_id = doc_id_hint or path.stem
    if meta is None:
        doc = Document(id=fallback_id, kind=KIND_DOCUMENT, title=fallback_title, path=path, body=body, body_line=body_line)
        return doc, problems

    def bad(field: str, message: str) -> None:
        problems.append(Problem(path, _field_line(text, field), f"{field}: {message}"))

    kind = str(meta.get("kind") or KIND_PLAYBOOK).strip().lower()
    if kind not in KINDS:
        bad("kind", f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
        kind = KIND_DOCUMENT
    structured = kind in (KIND_PLAYBOOK, KIND_CHECKLIST)
    required = REQUIRED_FIELDS if structured else ("id", "title")
    for name in required:
        if meta.get(name) in (None, "", []):
            problems.append(Problem(path, 1, f"front matter: required field '{name}' is missing"))

    doc_id = str(meta.get("id") or fallback_id).strip()
    if meta.get("id") is not None and kind != KIND_DOCUMENT and not _ID_RE.match(doc_id):
        bad("id", f"{doc_id!r} must be lower-case letters, digits and '-'")
    category = str(meta.get("category") or "").strip()
    if category and category not in CATEGORIES:
        bad("category", f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")
    levels = [lv.upper() for lv in _as_list(meta.get("levels"))]
    for level in levels:
        if level not in LEVELS:
            bad("levels", f"unknown fault level {level!r}; expected I, II, III or IV")
    levels = [lv for lv in levels if lv in LEVELS]
    reviewed = meta.get("reviewed")
    if isinstance(reviewed, dt.datetime):
        reviewed = reviewed.date()
    elif reviewed is not None and not isinstance(reviewed, dt.date):
        try:
            reviewed = dt.date.fromisoformat(str(reviewed).strip())
        except ValueError:
            bad("reviewed", f"{reviewed!r} is not a date (YYYY-MM-DD)")
            reviewed = None
    version = meta.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        try:
            version = int(str(version).strip())
        except ValueError:
            bad("version", f"{version!r} is not a whole number")
            version = 0

    sections, headings = _split_sections(body, body_line)
    doc = Document(
        id=doc_id,
        kind=kind,
        title=str(meta.get("title") or fallback_title).strip(),
        title_en=str(meta.get("title_en") or "").strip(),
        path=path,
        body=body,
        body_line=body_line,
        category=category,
        levels=levels,
        tags=_as_list(meta.get("tags")),
        owner=str(meta.get("owner") or "").strip(),
        reviewed=reviewed,
        version=version,
        summary=str(meta.get("summary") or "").strip(),
        sections={k: v[0] for k, v in sections.items()},
        meta=meta,
    )
    if structured:
        seen: set[str] = set()
        for heading, lineno in headings:
            key = section_key(heading)
            if key in seen:
                problems.append(Problem(path, lineno, f"section '{heading}' appears twice; the first one is used"))
            if key:
                seen.add(key)
        for key in REQUIRED_SECTIONS:
            if key not in sections:
                names = " / ".join(SECTION_NAMES[key][:1] + SECTION_NAMES[key][-1:])
                problems.append(Problem(path, body_line, f"missing section '## {names}'"))
        if "steps" in sections:
            steps_text, steps_line = sections["steps"]
            doc.steps, step_problems = parse_steps(steps_text, steps_line, path)
            problems.extend(step_problems)
    return doc, problems
