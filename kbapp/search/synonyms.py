"""Bilingual synonym groups from ``index/synonyms.txt``, applied at query time.

Query-time expansion keeps the index independent of the list: editing the list takes
effect at once, without a rebuild.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kbapp.search.analysis import _RUN_RE, _read_lines

_LATIN_RE = re.compile(r"[a-z0-9]")


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

    @classmethod
    def parse(cls, lines: list[str]) -> "SynonymTable":
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
        for term in self._terms:
            start = lowered.find(term)
            while start != -1:
                end = start + len(term)
                if not any(taken[start:end]) and self._on_boundaries(lowered, start, end, term, starts, ends):
                    for i in range(start, end):
                        taken[i] = True
                    matches.append(SynonymMatch(start, end, self.groups[self._by_term[term]]))
                start = lowered.find(term, start + 1)
        return sorted(matches, key=lambda m: m.start)

    @staticmethod
    def _on_boundaries(text: str, start: int, end: int, term: str, starts: set[int], ends: set[int]) -> bool:
        # Latin terms match whole tokens only ("log" must not match inside "login" or
        # "/var/log/messages").
        if _LATIN_RE.match(term[0]) and start not in starts:
            return False
        if _LATIN_RE.match(term[-1]) and end not in ends:
            return False
        return True


@cache
def default_synonyms() -> SynonymTable:
    return SynonymTable.parse(_read_lines("synonyms.txt"))
