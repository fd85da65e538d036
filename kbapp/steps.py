"""Parse the ordered list of a playbook's steps section.

Line-based rather than through a Markdown library, because every problem must name the
exact line of the file, and the format (documented in playbooks/README.md) is ours.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from kbapp.model import Decision, Problem, Step

# Up to 9 digits, as CommonMark's ordered lists: a 10,000-step playbook keeps its steps.
_ITEM_RE = re.compile(r"^ {0,2}(\d{1,9})[.)]\s+(.*)$")
_FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
_EXPECTED_RE = re.compile(r"^(?:预期结果|预期|期望结果|expected(?: result)?)\s*[:：]\s*(.*)$", re.I)
# The condition runs to the last arrow (greedy, then stripped): a lazy condition followed
# by ``\s*`` backtracks quadratically on a long line of spaces.
_DECISION_RE = re.compile(
    r"^(?:如果|若|if)(?P<cond>.+)(?:→|->|=>)\s*(?:第\s*(?P<zh>\d+)\s*步|step\s*(?P<en>\d+))[\s。.]*$",
    re.I,
)
_ARROW_RE = re.compile(r"^(?:如果|若|if)\b.*(?:→|->|=>)", re.I)
_BOLD_RE = re.compile(r"^\*\*(.+?)\*\*[:：]?\s*(.*)$")


def parse_steps(text: str, first_line: int, path: Path) -> tuple[list[Step], list[Problem]]:
    items: list[tuple[int, int, str, list[tuple[int, str]]]] = []  # number, line, title, body lines
    in_fence = False
    for offset, line in enumerate(text.split("\n")):
        lineno = first_line + offset
        if _FENCE_RE.match(line):
            in_fence = not in_fence
        if not in_fence and (m := _ITEM_RE.match(line)):
            items.append((int(m.group(1)), lineno, m.group(2).strip(), []))
        elif items:
            items[-1][3].append((lineno, line))

    problems: list[Problem] = []
    steps: list[Step] = []
    if not items:
        problems.append(Problem(path, first_line, "the steps section has no numbered steps ('1. ...')"))
        return steps, problems
    for expected_number, (number, lineno, title, body) in enumerate(items, start=1):
        if number != expected_number:
            problems.append(Problem(path, lineno, f"step numbered {number}, expected {expected_number}"))
        steps.append(_build_step(expected_number, lineno, title, body, path, problems))

    numbers = {s.number for s in steps}
    for step in steps:
        for decision in step.decisions:
            if decision.target not in numbers:
                problems.append(Problem(path, decision.line,
                                        f"decision in step {step.number} points to step {decision.target}, which does not exist"))
            elif decision.target == step.number:
                problems.append(Problem(path, decision.line, f"decision in step {step.number} points to itself"))
    return steps, problems


def _build_step(number: int, lineno: int, title: str, body: list[tuple[int, str]], path: Path, problems: list[Problem]) -> Step:
    if m := _BOLD_RE.match(title):
        title = m.group(1).strip() + (f" {m.group(2)}" if m.group(2) else "")
    if not title:
        problems.append(Problem(path, lineno, f"step {number} has no title"))
    dedented = textwrap.dedent("\n".join(line for _, line in body)).split("\n")
    step = Step(number=number, title=title, line=lineno)
    kept: list[str] = []
    fence: list[str] | None = None
    for (line_no, _), line in zip(body, dedented, strict=False):
        if _FENCE_RE.match(line):
            if fence is None:
                fence = []
            else:
                step.commands.append("\n".join(fence).strip("\n"))
                fence = None
            kept.append(line)
            continue
        if fence is not None:
            fence.append(line)
            kept.append(line)
            continue
        stripped = line.strip().lstrip("-* ").strip()
        if m := _EXPECTED_RE.match(stripped):
            step.expected = m.group(1).strip()
            continue
        if m := _DECISION_RE.match(stripped):
            target = int(m.group("zh") or m.group("en"))
            step.decisions.append(Decision(condition=m.group("cond").strip(), target=target, line=line_no))
            continue
        elif _ARROW_RE.match(stripped):
            problems.append(Problem(path, line_no, "decision not understood; write '如果 … → 第 N 步' or 'If … → step N'"))
        kept.append(line)
    if fence is not None:
        problems.append(Problem(path, lineno, f"step {number}: code block is never closed"))
        step.commands.append("\n".join(fence).strip("\n"))
    step.text = "\n".join(kept).strip("\n")
    return step
