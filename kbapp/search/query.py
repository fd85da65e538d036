"""Turn what the user typed into a Whoosh query.

Each unit of the query (a synonym group, or one analyzed term) must match; a unit
matches in any of the text fields, with title > tags > body boosts. Chinese terms the
index does not know (a single character, part of a longer word, a word segmented
differently) fall back to the indexed terms that contain them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from whoosh import query as wq

from kbapp.search.analysis import _CJK, analyze_query_terms
from kbapp.search.synonyms import SynonymTable

FIELD_BOOSTS = {"title": 5.0, "tags": 3.0, "body": 1.0}
TEXT_FIELDS = tuple(FIELD_BOOSTS)
_CJK_RE = re.compile(f"[{_CJK}]")
MAX_EXPANSIONS = 40


class TermOracle:
    """What the index knows: used to expand Chinese terms it has not seen."""

    def __init__(self, has_term: Callable[[str], bool], cjk_terms: Callable[[], Iterable[str]]):
        self.has_term = has_term
        self._cjk_terms = cjk_terms

    def containing(self, fragment: str) -> list[str]:
        found = [t for t in self._cjk_terms() if fragment in t]
        found.sort(key=len)  # the shortest containing words are the closest matches
        return found[:MAX_EXPANSIONS]


def _term_query(term: str, oracle: TermOracle | None) -> wq.Query | None:
    if oracle is not None and _CJK_RE.search(term) and not oracle.has_term(term):
        expansions = oracle.containing(term)
        if not expansions and len(term) > 1:
            # No indexed word contains it: require each of its characters' words.
            parts = [_term_query(ch, oracle) for ch in term]
            parts = [p for p in parts if p is not None]
            return wq.And(parts) if len(parts) == len(term) else None
        if not expansions:
            return None
        return wq.Or([_fields_query(t) for t in expansions])
    return _fields_query(term)


def _fields_query(term: str) -> wq.Query:
    return wq.Or([wq.Term(field, term, boost=boost) for field, boost in FIELD_BOOSTS.items()])


def _text_unit(text: str, oracle: TermOracle | None) -> list[wq.Query | None]:
    return [_term_query(term, oracle) for term in analyze_query_terms(text)]


def build_query(text: str, synonyms: SynonymTable, oracle: TermOracle | None = None) -> wq.Query | None:
    """None when nothing in ``text`` can match (only stop words, or unknown Chinese)."""
    units: list[wq.Query | None] = []
    cursor = 0
    for match in synonyms.find(text):
        units += _text_unit(text[cursor : match.start], oracle)
        alternatives = []
        for alt in match.group:
            parts = _text_unit(alt, oracle)
            if parts and all(p is not None for p in parts):
                alternatives.append(parts[0] if len(parts) == 1 else wq.And(parts))
        units.append(wq.Or(alternatives) if alternatives else None)
        cursor = match.end
    units += _text_unit(text[cursor:], oracle)
    if not units or any(u is None for u in units):
        return None
    return units[0] if len(units) == 1 else wq.And(units)


def filter_query(kind: str | None = None, category: str | None = None, level: str | None = None,
                 tag: str | None = None) -> wq.Query | None:
    terms = []
    if kind:
        terms.append(wq.Term("kind", kind))
    if category:
        terms.append(wq.Term("category", category))
    if level:
        terms.append(wq.Term("levels", level.upper()))
    if tag:
        terms.append(wq.Term("tag", tag.strip().lower()))
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else wq.And(terms)


_WORD_RE = re.compile(r"[A-Za-z]{3,}")


def spelling_candidates(text: str) -> list[str]:
    """English words in the query, as typed, for the 'did you mean' corrector."""
    return _WORD_RE.findall(text)
