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

from kbapp.search.analysis import _CJK, analyze_query_terms, mixed_analyzer, segment_cjk
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


def _subwords(term: str) -> list[str]:
    """``term`` cut into the dictionary words it is made of (jieba's search mode),
    longest first and without overlaps; single characters fill the gaps."""
    pieces = [(w, a, b) for w, a, b in segment_cjk(term, search_mode=True) if 1 < len(w) < len(term)]
    pieces.sort(key=lambda p: (-(p[2] - p[1]), p[1]))
    taken = [False] * len(term)
    chosen: list[tuple[int, str]] = []
    for word, start, end in pieces:
        if not any(taken[start:end]):
            taken[start:end] = [True] * (end - start)
            chosen.append((start, word))
    chosen += [(i, ch) for i, ch in enumerate(term) if not taken[i]]
    return [word for _, word in sorted(chosen)]


def _term_query(term: str, oracle: TermOracle | None) -> wq.Query | None:
    if oracle is not None and _CJK_RE.search(term) and not oracle.has_term(term):
        expansions = oracle.containing(term)
        if not expansions and len(term) > 1:
            # No indexed word contains it: require each of its words (or, for a word
            # jieba cannot cut, each of its characters).
            parts = [_term_query(part, oracle) for part in _subwords(term)]
            return wq.And(parts) if parts and all(p is not None for p in parts) else None
        if not expansions:
            return None
        return wq.Or([_fields_query(t) for t in expansions])
    return _fields_query(term)


def _fields_query(term: str) -> wq.Query:
    return wq.Or([wq.Term(field, term, boost=boost) for field, boost in FIELD_BOOSTS.items()])


def _text_unit(text: str, oracle: TermOracle | None) -> list[wq.Query | None]:
    return [_term_query(term, oracle) for term in query_terms(text, oracle)]


def query_terms(text: str, oracle: TermOracle | None) -> list[str]:
    """The analyzed terms of ``text``; but Chinese characters jieba left single, typed
    together ('据丢' of 数据丢失), stay together when the index knows a word holding them."""
    tokens = [(t.text, t.startchar, t.endchar) for t in mixed_analyzer()(text, mode="query", chars=True)]
    if oracle is None:
        return [term for term, _, _ in tokens]
    terms: list[str] = []
    i = 0
    while i < len(tokens):
        j = i
        while (j + 1 < len(tokens) and _is_cjk_char(tokens[j][0]) and _is_cjk_char(tokens[j + 1][0])
               and tokens[j][2] == tokens[j + 1][1]):
            j += 1
        if j > i:
            run = "".join(term for term, _, _ in tokens[i : j + 1])
            if oracle.has_term(run) or oracle.containing(run):
                terms.append(run)
                i = j + 1
                continue
        terms.append(tokens[i][0])
        i += 1
    return terms


def _is_cjk_char(term: str) -> bool:
    return len(term) == 1 and _CJK_RE.match(term) is not None


def build_query(text: str, synonyms: SynonymTable, oracle: TermOracle | None = None) -> wq.Query | None:
    """None when nothing in ``text`` can match (only stop words, or unknown Chinese)."""
    units: list[wq.Query | None] = []
    cursor = 0
    for match in synonyms.find(text):
        units += _text_unit(text[cursor : match.start], oracle)
        typed = text[match.start : match.end].lower()
        alternatives = []
        for alt in match.group:
            if alt == typed or oracle is None:
                parts = _text_unit(alt, oracle)
            else:
                # The other terms of the group count only as indexed words: expanding
                # them (a synonym split into its characters) matches half the library.
                terms = analyze_query_terms(alt)
                parts = [_fields_query(t) if oracle.has_term(t) else None for t in terms]
            if parts and all(p is not None for p in parts):
                alternatives.append(parts[0] if len(parts) == 1 else wq.And(parts))
        units.append(wq.Or(alternatives) if alternatives else None)
        cursor = match.end
    units += _text_unit(text[cursor:], oracle)
    if not units or any(u is None for u in units):
        return None
    return _preloaded(units[0] if len(units) == 1 else wq.And(units))


def _preloaded(q: wq.Query) -> wq.Query:
    """Flatten nested Ors and let every Or preload its postings into arrays.

    A unit is an Or of (synonyms x fields) terms that often match most of the library;
    Whoosh's default for a large index is a binary tree of two-way unions, which costs
    a Python call per level per document. The array matcher scores the same documents
    the same way, 2-3 times faster (bench/bench_search.py).
    """
    q = q.normalize()
    for node in _walk(q):
        if isinstance(node, wq.Or):
            node.matcher_type = wq.Or.ARRAY_MATCHER
    return q


def _walk(q: wq.Query):
    yield q
    for child in q.children():
        yield from _walk(child)


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
