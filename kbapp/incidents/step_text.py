"""A step's instructions as the run view shows them: every line, warnings picked out.

A playbook step's text (kbapp.steps: the Markdown under its title, without its
decisions) holds what to do and why, its commands in fenced blocks, and its expected
result. The run view shows the commands (with copy buttons) and the expected result
on their own, so :func:`instruction_paragraphs` gives the rest: each paragraph (a
line, or a list item) as sentences, each sentence marked when it is a warning or a
promise against the clock, which the engineer must not miss at 3 a.m.:
"不要在受影响的文件系统上安装恢复工具", "2 小时内提交故障处理方案", "Do not restart".

Pure text in, plain tuples out: no Qt, no Markdown rendering (the view escapes it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_EXPECTED = re.compile(r"^\s*[-*]?\s*(?:预期结果|预期|期望结果|expected(?: result)?)\s*[:：]", re.I)
# A sentence ends after 。！？； (Chinese) or . ! ? ; followed by a space (English).
_SENTENCE = re.compile(r"(?<=[。！？；])|(?<=[.!?;])\s+")
WARNING_WORDS = re.compile(
    r"不要|不得|禁止|切勿|严禁|请勿|务必|必须|注意|警告|小心|谨慎|保密|"
    r"\d+\s*(?:个)?\s*(?:小时|分钟|天|日)内|立即|"
    r"\b(?:do not|don't|never|must|warning|caution|careful|immediately)\b|within \d+",
    re.I,
)


@dataclass(frozen=True)
class Sentence:
    text: str
    warning: bool = False


@dataclass(frozen=True)
class Paragraph:
    sentences: tuple[Sentence, ...]
    bullet: bool = False  # a list item in the playbook

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.sentences)

    @property
    def warning(self) -> bool:
        return any(s.warning for s in self.sentences)


def is_warning(sentence: str) -> bool:
    return bool(WARNING_WORDS.search(sentence))


def split_sentences(line: str) -> list[str]:
    parts = [p for p in _SENTENCE.split(line.strip()) if p and p.strip()]
    out: list[str] = []
    for part in parts:
        # English sentences lost their separating space in the split: give it back.
        if out and re.search(r"[.!?;]$", out[-1]):
            part = " " + part.strip()
        out.append(part)
    return out


def instruction_paragraphs(text: str) -> list[Paragraph]:
    """The step's instruction lines, without its fenced commands and expected result."""
    paragraphs: list[Paragraph] = []
    in_fence = False
    for raw in (text or "").splitlines():
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence or not raw.strip() or _EXPECTED.match(raw):
            continue
        line = raw.strip()
        bullet = bool(re.match(r"^[-*+]\s+", line))
        if bullet:
            line = re.sub(r"^[-*+]\s+", "", line)
        sentences = tuple(Sentence(s, is_warning(s)) for s in split_sentences(line))
        if sentences:
            paragraphs.append(Paragraph(sentences, bullet))
    return paragraphs
