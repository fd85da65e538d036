"""Parse a library file (Markdown with optional YAML front matter) into a Document.

The parser never raises on bad content: it returns the best Document it can plus a
list of Problems with file:line, so one broken file never hides the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.model import (
    CATEGORIES,
    KIND_CHECKLIST,
    KIND_DOCUMENT,
    KIND_PLAYBOOK,
    KINDS,
    LEVELS,
    Document,
    Problem,
)
from kbapp.steps import parse_steps

if TYPE_CHECKING:
    from collections.abc import Callable

PARSER_VERSION = 4  # bump when parsing changes what gets indexed
MAX_FILE_BYTES = 2 * 1024 * 1024
# Markdown nesting (lists, quotes, brackets) past these is refused before anything renders
# it: the Markdown library recurses on nested blocks and backtracks on nested brackets.
MAX_BLOCK_DEPTH = 32
MAX_BRACKET_DEPTH = 64
# '*' and '_' in one paragraph: the emphasis search is quadratic in them (100k took 36 s).
MAX_EMPHASIS_MARKS = 2000
MAX_VERSION = 10**9
_TEXT_FIELDS = ("id", "kind", "title", "title_en", "category", "owner", "summary")

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
_HIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_DOCUMENT_ID_RE = re.compile(r"^\w[\w.\-/]{0,119}$")  # \w: letters of any script, digits and '_'
FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
# Linear-time on any line: the closing '#'s are stripped by heading_text, not by the
# regex (``\s*#*\s*$`` after a lazy group is cubic on a long run of spaces).
_H1_RE = re.compile(r"^#\s+(.+)$")
H2_RE = re.compile(r"^##\s+(.+)$")


def heading_text(pattern: re.Pattern, line: str) -> str | None:
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
    text, problem = decode_text(raw, path)
    if text is None:
        return None, [problem] if problem else []
    if not text.strip():
        return None, [Problem(path, 1, "empty file")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc, problems = parse_checked(text, path, doc_id_hint=doc_id_hint)
    if doc is None:
        return None, problems
    doc.content_hash = content_hash(raw)
    doc.shipped = shipped
    return doc, problems


# Byte-order marks of the Unicode encodings a Windows editor saves ("Unicode" in Notepad
# is UTF-16 LE); UTF-32 first: its LE mark begins with UTF-16 LE's.
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def utf16_or_32(raw: bytes) -> str | None:
    """The codec of a file that starts with a UTF-16 or UTF-32 byte-order mark, else None."""
    return next((codec for bom, codec in _BOMS if raw.startswith(bom)), None)


def decode_text(raw: bytes, path: Path) -> tuple[str | None, Problem | None]:
    """The text of a file: UTF-8 (with or without a BOM), or UTF-16/32 with a BOM; None
    and the reason for binary data or another encoding."""
    codec = utf16_or_32(raw)
    if codec is not None:
        try:
            return raw[2 if "16" in codec else 4:].decode(codec), None
        except UnicodeDecodeError as exc:
            return None, Problem(path, 0, f"not {codec.upper()} text as its byte-order mark says (bad bytes at offset {exc.start})")
    if b"\x00" in raw[:8192]:
        return None, Problem(path, 0, "binary file, not Markdown text")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem(path, line, f"not UTF-8 text (bad byte at offset {exc.start})")


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

    from kbapp import frontmatter

    yaml_text = "\n".join(lines[1:i])
    body = "\n".join(lines[i + 1 :])
    try:
        meta = frontmatter.load(yaml_text) if yaml_text.strip() else {}
    except frontmatter.FrontMatterError as exc:
        raise _Refused(Problem(path, exc.line + 2, f"front matter refused: {exc.reason}")) from None
    except (ValueError, TypeError, OverflowError) as exc:  # a value PyYAML cannot construct
        return None, body, i + 2, [Problem(path, 2, f"front matter is not valid YAML: {str(exc)[:200]}")]
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


def field_line(text: str, name: str) -> int:
    match = re.search(rf"^{re.escape(name)}\s*:", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _first_heading(body: str) -> str | None:
    in_fence = False
    for line in body.split("\n"):
        if FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence and (heading := heading_text(_H1_RE, line)):
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
        if FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence and (heading := heading_text(H2_RE, line)):
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


def _as_list(value: object) -> list[str]:
    """A list of short texts; nested lists and mappings inside are left out."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[,，、]", value) if part.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if _scalar(v) and str(v).strip()]
    return [str(value)] if _scalar(value) else []


def _scalar(value: object) -> bool:
    return isinstance(value, (str, int, float, dt.date)) and not isinstance(value, bool)


def _type_name(value: object) -> str:
    return {list: "a list", tuple: "a list", dict: "a mapping", bool: "true/false", bytes: "binary data",
            set: "a set"}.get(type(value), type(value).__name__)


def _valid_id(doc_id: str, kind: str) -> bool:
    if kind != KIND_DOCUMENT:
        return bool(_ID_RE.match(doc_id))
    return bool(_DOCUMENT_ID_RE.match(doc_id)) and ".." not in doc_id and not doc_id.endswith("/")


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_list(meta: dict, name: str, bad: Callable[..., None]) -> None:
    value = meta.get(name)
    if isinstance(value, dict):
        bad(name, "expected a list, got a mapping; the value is ignored")
        meta[name] = None
    elif isinstance(value, (list, tuple)) and not all(_scalar(v) for v in value):
        bad(name, "expected a list of words; nested lists or mappings inside are ignored")


_BLOCK_PREFIX_RE = re.compile(r"(?:[ \t]|>[ \t]?|[-*+][ \t]|\d{1,9}[.)][ \t])")


def markdown_nesting_problem(text: str, path: Path) -> Problem | None:
    """A Problem if the Markdown nests lists/quotes or brackets deeper than the limits.

    One linear pass over the text, so a hostile file is refused at once; a code fence
    (where nothing nests) is skipped.
    """
    bracket_depth = emphasis = 0
    in_fence = False
    for lineno, line in enumerate(text.split("\n"), start=1):
        if FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if not line.strip():
            bracket_depth = emphasis = 0  # a blank line ends the paragraph, and the Markdown library's search
            continue
        depth, pos, width = 0, 0, 0
        while pos < len(line) and (m := _BLOCK_PREFIX_RE.match(line, pos)):
            token = m.group()
            if token in (" ", "\t"):
                width += 4 if token == "\t" else 1
            else:
                depth += 1
            pos = m.end()
            if depth + width // 4 > MAX_BLOCK_DEPTH:
                return Problem(path, lineno, f"Markdown nested more than {MAX_BLOCK_DEPTH} levels deep (lists or quotes)")
        emphasis += line.count("*") + line.count("_")
        if emphasis > MAX_EMPHASIS_MARKS:
            return Problem(path, lineno, f"more than {MAX_EMPHASIS_MARKS} '*' or '_' in one paragraph")
        for ch in line:
            if ch in "[(":
                bracket_depth += 1
                if bracket_depth > MAX_BRACKET_DEPTH:
                    return Problem(path, lineno, f"brackets nested more than {MAX_BRACKET_DEPTH} deep")
            elif ch in "])" and bracket_depth:
                bracket_depth -= 1
    return None


class _Refused(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def parse_checked(text: str, path: Path, *, doc_id_hint: str | None = None) -> tuple[Document | None, list[Problem]]:
    """``parse_text``, but None (and the reason) for a text over the limits: Markdown nested
    too deeply, front matter with aliases, too deep or too large."""
    too_deep = markdown_nesting_problem(text, path)
    if too_deep is not None:
        return None, [too_deep]
    try:
        return _parse_text(text, path, doc_id_hint=doc_id_hint)
    except _Refused as refused:
        return None, [refused.problem]


def parse_text(text: str, path: Path, *, doc_id_hint: str | None = None) -> tuple[Document, list[Problem]]:
    """The Document of ``text`` and its problems; a text over the limits gives an empty
    plain document and the problem that refused it."""
    doc, problems = parse_checked(text, path, doc_id_hint=doc_id_hint)
    if doc is None:
        doc = Document(id=doc_id_hint or path.stem, kind=KIND_DOCUMENT, title=path.stem, path=path, body="")
    return doc, problems


def _parse_text(text: str, path: Path, *, doc_id_hint: str | None = None) -> tuple[Document, list[Problem]]:
    meta, body, body_line, problems = _split_front_matter(text, path)
    fallback_title = _first_heading(body) or path.stem
    fallback_id = doc_id_hint or path.stem
    if meta is None:
        doc = Document(id=fallback_id, kind=KIND_DOCUMENT, title=fallback_title, path=path, body=body, body_line=body_line)
        return doc, problems

    def bad(field: str, message: str) -> None:
        problems.append(Problem(path, field_line(text, field), f"{field}: {message}"))

    for name in _TEXT_FIELDS:
        value = meta.get(name)
        if name != "id" and isinstance(value, str) and ("\n" in value or "\r" in value or "\t" in value):
            meta[name] = value = " ".join(value.split())  # a one-line field written as a YAML block
        if name != "id" and isinstance(value, str) and _HIDDEN_RE.search(value):  # an id is refused below
            # Shown in the result list, the window's title and the terminal: an escape sequence
            # or a right-to-left override would show the engineer something that is not there.
            bad(name, "control or text-direction characters removed")
            meta[name] = value = _HIDDEN_RE.sub("", value)
        if value is None or isinstance(value, str):
            continue
        if isinstance(value, (bool, list, tuple, dict, bytes, set)):
            bad(name, f"expected text, got {_type_name(value)}; the value is ignored")
            meta[name] = None
        else:  # a number: keep it as text, but say so
            meta[name] = str(value)
    kind = str(meta.get("kind") or KIND_PLAYBOOK).strip().lower()
    if kind not in KINDS:
        bad("kind", f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
        kind = KIND_DOCUMENT
    structured = kind in (KIND_PLAYBOOK, KIND_CHECKLIST)
    required = REQUIRED_FIELDS if structured else ("id", "title")
    for name in ("levels", "tags"):
        _check_list(meta, name, bad)
    for name in required:
        if meta.get(name) in (None, "", []):
            problems.append(Problem(path, 1, f"front matter: required field '{name}' is missing"))

    doc_id = str(meta.get("id") or fallback_id).strip()
    if meta.get("id") is not None and not _valid_id(doc_id, kind):
        # Never kept: an id is shown as the document's name, stored with incidents and used in
        # links, so a path ("../x"), an invisible character ("config\u200b-loss" looks like a
        # shipped playbook) or 5,000 letters would follow the document everywhere.
        rule = "lower-case letters, digits and '-'" if kind != KIND_DOCUMENT else "letters, digits, '_', '.', '-' and '/'"
        bad("id", f"{_short(doc_id)} must be {rule}; the file's own id {fallback_id!r} is used instead")
        doc_id = fallback_id
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
            if not isinstance(reviewed, str):
                raise TypeError
            reviewed = dt.date.fromisoformat(reviewed.strip())
        except (ValueError, TypeError):
            bad("reviewed", f"{_short(reviewed)} is not a date (YYYY-MM-DD)")
            reviewed = None
    version = meta.get("version", 0)
    if version is None:
        version = 0
    if not isinstance(version, int) or isinstance(version, bool):
        try:
            version = int(str(version).strip()[:20]) if isinstance(version, (str, int, float)) else None
        except ValueError:
            version = None
        if version is None:
            bad("version", f"{_short(meta.get('version'))} is not a whole number")
            version = 0
    if not 0 <= version <= MAX_VERSION:
        bad("version", f"{_short(version)} is out of range (0 to {MAX_VERSION})")
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
