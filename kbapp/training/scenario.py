"""Drill scenario cards: a short Markdown file that turns a playbook into an exercise.

A card has YAML front matter (``kind: scenario``, ``playbook: <id>``) and four
sections (format in playbooks/README.md, "Scenario cards"):

- ``## 情景 Situation``: what the trainee is told at the start;
- ``## 注入信息 Injected facts``: ``- 第 N 步：…`` items, revealed when step N is reached;
- ``## 预期路径 Expected path``: step numbers in order, ``1 → 2 → 3 → 5``;
- ``## 目标时间 Target times``: ``- 第 N 步：M 分钟`` items.

Parsing is line-based, like the steps parser, so every problem names ``file:line``:
a trainer preparing a drill must be able to fix the card without guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbapp.errors import KbError
from kbapp.model import KIND_CHECKLIST, KIND_PLAYBOOK, KIND_SCENARIO, LEVELS, Document, Problem
from kbapp.parser import FENCE_RE, H2_RE, field_line, heading_text, parse_bytes

SCENARIO_SECTIONS: dict[str, tuple[str, ...]] = {
    "situation": ("情景", "场景", "背景", "situation", "scenario"),
    "facts": ("注入信息", "注入事实", "注入", "injected facts", "facts", "injects"),
    "path": ("预期路径", "期望路径", "expected path", "path"),
    "targets": ("目标时间", "时间目标", "target times", "target time", "targets"),
    "debrief": ("讲评要点", "讲评", "debrief notes", "debrief"),  # for the trainer's report only
}
REQUIRED_SCENARIO_SECTIONS = ("situation", "path", "targets")
_SECTION_HEADINGS = {"situation": "情景 Situation", "facts": "注入信息 Injected facts", "path": "预期路径 Expected path",
                     "targets": "目标时间 Target times"}

_STEP_REF = r"(?:第\s*(?P<zh>\d{1,3})\s*步|step\s*(?P<en>\d{1,3})|(?P<bare>\d{1,3}))"
_FACT_RE = re.compile(rf"^[-*+]\s+{_STEP_REF}\s*[:：.、)）]\s*(?P<text>.*)$", re.I)
_TARGET_RE = re.compile(
    rf"^[-*+]\s+{_STEP_REF}\s*[:：]\s*(?P<minutes>\d{{1,4}}(?:\.\d+)?)\s*(?:分钟|分|min(?:ute)?s?|m)?\s*[。.]?$", re.I)
_PATH_SPLIT_RE = re.compile(r"\s*(?:→|->|=>|,|，|、|\s)\s*")
_PATH_REF_RE = re.compile(r"第\s*(\d+)\s*步|step\s*(\d+)", re.I)
_BULLET_RE = re.compile(r"^[-*+]\s+")


class ScenarioError(KbError, ValueError):
    """A card that cannot be used; ``problems`` carry file:line, the message lists them."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Fact:
    step: int
    text: str


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    playbook_id: str
    path: tuple[int, ...]  # the expected path through the playbook
    targets: dict[int, float] = field(default_factory=dict)  # step -> target minutes
    facts: tuple[Fact, ...] = ()
    situation: str = ""
    title_en: str = ""
    level: str = ""  # the fault level the drill pretends to be; "" = the playbook's first
    source: str = ""  # the card's file, for the report
    debrief: str = ""  # what the trainer should go over afterwards (Markdown)

    @property
    def display_title(self) -> str:
        return f"{self.title} {self.title_en}".strip() if self.title_en != self.title else self.title

    def facts_for(self, step: int) -> list[str]:
        return [f.text for f in self.facts if f.step == step]

    def successor(self, step: int) -> int | None:
        """The step that should follow ``step`` on the expected path (None at its end or off it)."""
        if step not in self.path:
            return None
        index = self.path.index(step)
        return self.path[index + 1] if index + 1 < len(self.path) else None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "title_en": self.title_en, "playbook": self.playbook_id,
                "level": self.level, "situation": self.situation, "path": list(self.path),
                "targets": {str(k): v for k, v in sorted(self.targets.items())},
                "facts": [{"step": f.step, "text": f.text} for f in self.facts], "source": self.source,
                "debrief": self.debrief}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scenario:
        """The copy kept in a drill's log, so a later edit of the card never changes a score."""
        return cls(id=str(data["id"]), title=str(data.get("title", "")), playbook_id=str(data["playbook"]),
                   path=tuple(int(n) for n in data.get("path", ())),
                   targets={int(k): float(v) for k, v in (data.get("targets") or {}).items()},
                   facts=tuple(Fact(int(f["step"]), str(f["text"])) for f in data.get("facts", ())),
                   situation=str(data.get("situation", "")), title_en=str(data.get("title_en", "")),
                   level=str(data.get("level", "")), source=str(data.get("source", "")),
                   debrief=str(data.get("debrief", "")))


def _scenario_key(heading: str) -> str | None:
    text = heading.strip().lower()
    for key, names in SCENARIO_SECTIONS.items():
        for name in names:
            if text == name or (text.startswith(name) and text[len(name)] in " \t(（:："):
                return key
    return None


def _sections(doc: Document, path: Path, problems: list[Problem]) -> tuple[dict[str, list[tuple[int, str]]], dict[str, int]]:
    """Known sections as key -> [(line number, line)], fence-aware like the playbook parser;
    also the line of each section's heading."""
    found: dict[str, list[tuple[int, str]]] = {}
    heading_lines: dict[str, int] = {}
    current: str | None = None
    in_fence = False
    for offset, line in enumerate(doc.body.split("\n")):
        lineno = doc.body_line + offset
        if FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence and (heading := heading_text(H2_RE, line)):
            current = _scenario_key(heading)
            if current in found:
                problems.append(Problem(path, lineno, f"section '{heading}' appears twice; the first one is used"))
                current = None
            elif current is not None:
                found[current], heading_lines[current] = [], lineno
            continue
        if current is not None:
            found[current].append((lineno, line))
    return found, heading_lines


def _step_number(match: re.Match) -> int:
    return int(match.group("zh") or match.group("en") or match.group("bare"))


def _parse_facts(lines: list[tuple[int, str]], path: Path, problems: list[Problem]) -> list[tuple[Fact, int]]:
    facts: list[tuple[int, list[str], int]] = []  # step, text lines, line
    for lineno, line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if m := _FACT_RE.match(stripped):
            facts.append((_step_number(m), [m.group("text").strip()], lineno))
        elif facts and line[:1].isspace() and not _BULLET_RE.match(stripped):
            facts[-1][1].append(stripped)  # an indented continuation line
        else:
            problems.append(Problem(path, lineno, "injected fact not understood; write '- 第 N 步：…' or '- step N: …'"))
    out = []
    for step, text_lines, lineno in facts:
        text = "\n".join(t for t in text_lines if t).strip()
        if not text:
            problems.append(Problem(path, lineno, f"injected fact for step {step} is empty"))
            continue
        out.append((Fact(step, text), lineno))
    return out


def _parse_path(lines: list[tuple[int, str]], path: Path, problems: list[Problem]) -> list[tuple[int, int]]:
    steps: list[tuple[int, int]] = []
    for lineno, line in lines:
        text = _BULLET_RE.sub("", line.strip())
        text = _PATH_REF_RE.sub(lambda m: m.group(1) or m.group(2), text)
        if not text:
            continue
        for token in _PATH_SPLIT_RE.split(text):
            if not token:
                continue
            if not token.isdigit():
                problems.append(Problem(path, lineno, f"expected path: {token!r} is not a step number; "
                                                      "write the numbers in order, e.g. '1 → 2 → 3 → 5'"))
                break
            steps.append((int(token), lineno))
    return steps


def _parse_targets(lines: list[tuple[int, str]], path: Path, problems: list[Problem]) -> list[tuple[int, float, int]]:
    targets = []
    for lineno, line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        m = _TARGET_RE.match(stripped)
        if m is None:
            problems.append(Problem(path, lineno, "target time not understood; write '- 第 N 步：M 分钟' or '- step N: M min'"))
            continue
        minutes = float(m.group("minutes"))
        if minutes <= 0:
            problems.append(Problem(path, lineno, f"target time for step {_step_number(m)} must be more than 0 minutes"))
            continue
        targets.append((_step_number(m), minutes, lineno))
    return targets


def check_scenario(path: Path, get_playbook: Callable[[str], Document | None] | None = None,
                   raw: bytes | None = None) -> tuple[Scenario | None, list[Problem]]:
    """Parse a scenario card; with ``get_playbook`` also check it against the playbook.

    Returns the scenario (None when it is unusable) and every problem found, so that a
    trainer sees all of them at once.
    """
    path = Path(path)
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            return None, [Problem(path, 0, f"cannot read file: {exc.strerror or exc}")]
    doc, problems = parse_bytes(raw, path)
    if doc is None:
        return None, problems
    problems = list(problems)
    text = raw.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
    if doc.kind != KIND_SCENARIO:
        line = field_line(text, "kind") if "kind" in doc.meta else 1
        problems.append(Problem(path, line, f"kind: a scenario card needs 'kind: scenario' (this file is a {doc.kind})"))
        return None, problems
    playbook_id = str(doc.meta.get("playbook") or "").strip()
    if not playbook_id:
        problems.append(Problem(path, 1, "front matter: required field 'playbook' is missing (the playbook to drill)"))
    level = str(doc.meta.get("level") or "").strip().upper()
    if level and level not in LEVELS:
        problems.append(Problem(path, field_line(text, "level"), f"level: unknown fault level {level!r}; expected I, II, III or IV"))
        level = ""

    sections, heading_lines = _sections(doc, path, problems)
    for key in REQUIRED_SCENARIO_SECTIONS:
        if key not in sections:
            problems.append(Problem(path, doc.body_line, f"missing section '## {_SECTION_HEADINGS[key]}'"))
    facts = _parse_facts(sections.get("facts", []), path, problems)
    path_steps = _parse_path(sections.get("path", []), path, problems)
    targets = _parse_targets(sections.get("targets", []), path, problems)
    situation = "\n".join(line for _, line in sections.get("situation", [])).strip()
    if "situation" in sections and not situation:
        problems.append(Problem(path, heading_lines["situation"], "the situation section is empty"))
    if "path" in sections and not path_steps and not any("expected path" in p.message for p in problems):
        problems.append(Problem(path, heading_lines["path"], "the expected path has no step numbers"))

    seen: dict[int, int] = {}
    for number, lineno in path_steps:
        if number in seen:
            problems.append(Problem(path, lineno, f"expected path: step {number} appears twice (first on line {seen[number]})"))
        seen.setdefault(number, lineno)
    target_map: dict[int, float] = {}
    for number, minutes, lineno in targets:
        if number in target_map:
            problems.append(Problem(path, lineno, f"target time for step {number} is given twice"))
        target_map.setdefault(number, minutes)

    if get_playbook is not None and playbook_id:
        _check_against_playbook(path, text, playbook_id, get_playbook, path_steps, facts, targets, problems)

    scenario = Scenario(
        id=doc.id, title=doc.title, title_en=doc.title_en, playbook_id=playbook_id, level=level,
        path=tuple(dict.fromkeys(n for n, _ in path_steps)), targets=target_map,
        facts=tuple(f for f, _ in facts), situation=situation, source=str(path),
        debrief="\n".join(line for _, line in sections.get("debrief", [])).strip(),
    )
    usable = bool(playbook_id and scenario.path) and not any(p.severity == "error" for p in problems)
    return (scenario if usable else None), problems


def _check_against_playbook(path: Path, text: str, playbook_id: str, get_playbook: Callable[[str], Document | None],
                            path_steps: list[tuple[int, int]], facts: list[tuple[Fact, int]],
                            targets: list[tuple[int, float, int]],
                            problems: list[Problem]) -> None:
    doc = get_playbook(playbook_id)
    if doc is None or doc.kind not in (KIND_PLAYBOOK, KIND_CHECKLIST):
        problems.append(Problem(path, field_line(text, "playbook"), f"playbook: no playbook {playbook_id!r} in the library"))
        return
    numbers = {s.number for s in doc.steps}
    last = len(doc.steps)
    for number, lineno in path_steps:
        if number not in numbers:
            problems.append(Problem(path, lineno, f"expected path: playbook {playbook_id!r} has no step {number} (it has 1–{last})"))
    for fact, lineno in facts:
        if fact.step not in numbers:
            problems.append(Problem(path, lineno, f"injected fact for step {fact.step}: playbook {playbook_id!r} has no such step"))
    for number, _minutes, lineno in targets:
        if number not in numbers:
            problems.append(Problem(path, lineno, f"target time for step {number}: playbook {playbook_id!r} has no such step"))
    # The runner only goes back through a decision: a backward move must be one.
    for (a, _), (b, lineno) in zip(path_steps, path_steps[1:], strict=False):
        step = doc.step(a)
        if b <= a and step is not None and b in numbers and all(d.target != b for d in step.decisions):
            problems.append(Problem(path, lineno, f"expected path goes from step {a} back to step {b}, "
                                                  f"but step {a} has no decision leading there"))


def load_scenario(path: Path, get_playbook: Callable[[str], Document | None] | None = None) -> Scenario:
    """The scenario in ``path``, or ScenarioError listing every problem with file:line."""
    scenario, problems = check_scenario(path, get_playbook)
    errors = [p for p in problems if p.severity == "error"]
    if scenario is None or errors:
        raise ScenarioError(errors or [Problem(Path(path), 1, "not a usable scenario card")])
    return scenario
