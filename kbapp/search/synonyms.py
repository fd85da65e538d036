"""Bilingual synonym groups from ``index/synonyms.txt``, applied at query time.

Query-time expansion keeps the index independent of the list: editing the list takes
effect at once, without a rebuild.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kbapp.search.analysis import _CJK, _RUN_RE, _cached_stem, _read_lines, segment_cjk

_LATIN_RE = re.compile(r"[a-z0-9]")
_CJK_RE = re.compile(f"[{_CJK}]")
_WORDS_ONLY_RE = re.compile(r"^[a-z]+(?: [a-z]+)*$")
_MAX_WORDS = 3


def _stem_key(words: list[str]) -> str:
    return " ".join(_cached_stem(w) if len(w) >= 3 else w for w in words)


@dataclass(frozen=True)
class SynonymMatch:
    start: int
    end: int
    group: tuple[str, ...]


class SynonymTable:
    def __init__(self, groups: list[tuple[str, ...]]):
        self.groups = groups
        self._by_term: dict[str, int] = {}
        for index, group in enumerate(groups):
            for term in group:
                self._by_term.setdefault(term, index)
        # Longest first, so "data loss" wins over "data".
        self._terms = sorted(self._by_term, key=len, reverse=True)
        # English terms by their stems too: "crashed" reaches "crash", "disks full" "disk full".
        self._by_stem: dict[str, int] = {}
        for term in self._terms:
            if _WORDS_ONLY_RE.match(term) and term.count(" ") < _MAX_WORDS:
                self._by_stem.setdefault(_stem_key(term.split()), self._by_term[term])

    @classmethod
    def parse(cls, lines: list[str]) -> SynonymTable:
        groups = []
        for line in lines:
            terms = tuple(dict.fromkeys(t.strip().lower() for t in line.split("|") if t.strip()))
            if len(terms) > 1:
                groups.append(terms)
        return cls(groups)

    def group_of(self, term: str) -> tuple[str, ...] | None:
        index = self._by_term.get(term.lower())
        return None if index is None else self.groups[index]

    def find(self, query: str) -> list[SynonymMatch]:
        """Non-overlapping synonym occurrences in ``query``, longest first."""
        lowered = query.lower()
        taken = [False] * len(lowered)
        matches: list[SynonymMatch] = []
        # Where the analyzer's Latin tokens (words, codes, paths) start and end: a Latin
        # term must not match inside one ("log" inside "/var/log/messages").
        runs = [m.span() for m in _RUN_RE.finditer(lowered) if not m.group("cjk")]
        starts, ends = {a for a, _ in runs}, {b for _, b in runs}
        # A Chinese term must also be whole words of the query as jieba cuts it: 服务 is
        # not a synonym inside 服务器 (that left 器 to be matched on its own).
        for m in _RUN_RE.finditer(lowered):
            if m.group("cjk"):
                for _, a, b in segment_cjk(m.group(), search_mode=False):
                    starts.add(m.start() + a)
                    ends.add(m.start() + b)
        for term in self._terms:
            start = lowered.find(term)
            while start != -1:
                end = start + len(term)
                if not any(taken[start:end]) and self._on_boundaries(lowered, start, end, term, starts, ends):
                    taken[start:end] = [True] * (end - start)
                    matches.append(SynonymMatch(start, end, self.groups[self._by_term[term]]))
                start = lowered.find(term, start + 1)
        matches += self._stem_matches(lowered, taken)
        return sorted(matches, key=lambda m: m.start)

    def _stem_matches(self, lowered: str, taken: list[bool]) -> list[SynonymMatch]:
        """English words not matched as typed, looked up by stem, longest run first."""
        # whole plain words only: not "log" of "/var/log/messages"
        words = [m for m in _RUN_RE.finditer(lowered)
                 if m.group().isalpha() and m.group().isascii() and not any(taken[m.start():m.end()])]
        found: list[SynonymMatch] = []
        i = 0
        while i < len(words):
            for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
                run = words[i:i + n]
                # consecutive words separated by blanks only
                if any(lowered[a.end():b.start()].strip() for a, b in zip(run, run[1:], strict=False)):
                    continue
                index = self._by_stem.get(_stem_key([w.group() for w in run]))
                if index is not None:
                    found.append(SynonymMatch(run[0].start(), run[-1].end(), self.groups[index]))
                    i += n
                    break
            else:
                i += 1
        return found

    @staticmethod
    def _on_boundaries(text: str, start: int, end: int, term: str, starts: set[int], ends: set[int]) -> bool:
        # Latin terms match whole tokens only ("log" must not match inside "login" or
        # "/var/log/messages"); Chinese terms whole words.
        if (_LATIN_RE.match(term[0]) or _CJK_RE.match(term[0])) and start not in starts:
            return False
        if (_LATIN_RE.match(term[-1]) or _CJK_RE.match(term[-1])) and end not in ends:
            return False
        return True


@cache
def default_synonyms() -> SynonymTable:
    return SynonymTable.parse(_read_lines("synonyms.txt"))
