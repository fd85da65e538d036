"""Turn what the user typed into query units.

A unit is one thing the user asked for: a synonym group, or one analyzed term. It
matches in any of the text fields, with title > tags > body boosts, through any of its
alternatives: the term as typed, the other terms of its synonym group, the indexed
Chinese words that contain it (a single character, part of a longer word, a word
segmented differently), or the spelling correction of an English word the index does
not know. Alternatives other than the typed term weigh a little less. Filler words
("how to", "怎么办") make no unit. Ranking the documents by the units they match is
``ranking.py``'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from whoosh import query as wq

from kbapp.search.analysis import _CJK, _read_lines, analyze_query_terms, mixed_analyzer, segment_cjk
from kbapp.search.synonyms import SynonymTable

FIELD_BOOSTS = {"title": 5.0, "tags": 3.0, "body": 1.0}
TEXT_FIELDS = tuple(FIELD_BOOSTS)
_CJK_RE = re.compile(f"[{_CJK}]")
_CJK_RUN_RE = re.compile(f"[{_CJK}]+")
MAX_EXPANSIONS = 40
SYNONYM_WEIGHT = 0.8  # another term of the group than the one typed
CONTAINING_WEIGHT = 0.6  # an indexed word that contains the typed (part of a) word
CORRECTION_WEIGHT = 0.8  # the spelling correction of a word the index does not know


@cache
def filler_words() -> frozenset[str]:
    """Query-only stop words (index/fillers.txt): how people ask, not what they ask."""
    # A Chinese filler is one word as it stands (analysing it would load jieba's dictionary
    # for every English query too); English ones are stemmed like the query.
    return frozenset(t for line in _read_lines("fillers.txt")
                     for t in ([line] if _CJK_RE.search(line) else analyze_query_terms(line.lower())))


class TermOracle:
    """What the index knows: used to expand Chinese terms it has not seen."""

    def __init__(self, has_term: Callable[[str], bool], cjk_terms: Callable[[], Iterable[str]]):
        self.has_term = has_term
        self._cjk_terms = cjk_terms

    def containing(self, fragment: str, where: str = "in") -> list[str]:
        """Indexed Chinese words holding ``fragment`` (``where``: "in", or "end" / "start"
        for the words ending / starting with it), the shortest (closest) first."""
        if where == "end":
            found = [t for t in self._cjk_terms() if t.endswith(fragment) and t != fragment]
        elif where == "start":
            found = [t for t in self._cjk_terms() if t.startswith(fragment) and t != fragment]
        else:
            found = [t for t in self._cjk_terms() if fragment in t and t != fragment]
        found.sort(key=len)
        return found[:MAX_EXPANSIONS]


@dataclass
class Unit:
    """One thing asked for, and the ways a document can match it."""

    text: str  # as typed
    alternatives: list[wq.Query] = field(default_factory=list)
    # A character jieba left single inside a sentence (报, 查, 慢): it adds to the score
    # but a document need not have it to match "every unit".
    optional: bool = False
    typed_terms: set[str] = field(default_factory=set)  # the index terms of what was typed
    terms: set[str] = field(default_factory=set)  # every index term it may match (highlighting)

    @property
    def query(self) -> wq.Query:
        return best_of(self.alternatives)


def best_of(alternatives: list[wq.Query]) -> wq.Query:
    """Any of the alternatives, their scores summed: a document using several names of
    the thing (磁盘, 硬盘, disk) is more about it. (Scoring by the best alternative
    only, DisjunctionMax, lost 5 points of hit@1 on bench/eval.)"""
    return alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)


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


def _known_split(term: str, oracle: TermOracle) -> list[str] | None:
    """``term`` cut into the fewest words the index knows (硬盘坏道 → 硬盘, 坏道), single
    characters where no known word fits; None when no known word of two or more
    characters is in it. (jieba cuts a query and a document's text differently when it
    guesses at new words.)"""
    n = len(term)
    best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    for i in range(n):
        here = best[i]
        if here is None:
            continue
        cost, pieces = here
        for j in range(i + 1, n + 1):
            piece = term[i:j]
            if j - i == 1:
                step = 2.0  # a character on its own: only where nothing longer fits
            elif oracle.has_term(piece):
                step = 1.0
            else:
                continue
            there = best[j]
            if there is None or cost + step < there[0]:
                best[j] = (cost + step, [*pieces, piece])
    last = best[n]
    pieces = last[1] if last else []
    return pieces if any(len(p) > 1 for p in pieces) else None


def fields_query(term: str, weight: float = 1.0) -> wq.Query:
    return wq.Or([wq.Term(f, term, boost=boost * weight) for f, boost in FIELD_BOOSTS.items()])


def _term_query(term: str, oracle: TermOracle | None, terms: set[str], weight: float = 1.0,
                expand: str = "") -> wq.Query | None:
    """The ways to match one analyzed term; None when the index cannot match it.

    An unknown word also matches the indexed words holding it (置丢 → 配置丢失), a little
    less than the word itself. ``expand`` does the same for a known single character:
    "in" when it is the whole query (间 → 时间, 空间), "end" / "start" when it begins /
    ends a short fragment typed across a word boundary (级失败: 升级 + 失败). Inside a
    sentence a character jieba left single is mostly a function word (起不来 → 不, 来),
    and expanding it is noise."""
    if oracle is None or not _CJK_RE.search(term):
        terms.add(term)
        return fields_query(term, weight)
    known = oracle.has_term(term)
    where = expand or ("in" if not known else "")
    expansions = oracle.containing(term, where) if where else []
    if not known and not expansions:
        if len(term) == 1:
            return None
        # No indexed word holds it: a fragment across words (存雪 of 缓存雪崩) needs a word
        # ending with its first part and one starting with its last; otherwise each of
        # its words (or, for a word jieba cannot cut, each of its characters).
        known_parts = _known_split(term, oracle)
        if known_parts:
            known_parts = [p for p in known_parts if len(p) > 1 or oracle.has_term(p)]
        parts_of = known_parts or _subwords(term)
        fragment = len(term) <= 3  # typed across a word boundary, not a word jieba guessed
        parts = [_term_query(part, oracle, terms, weight, _edge(i, len(parts_of), part) if fragment else "")
                 for i, part in enumerate(parts_of)]
        if known_parts:
            # 硬盘坏道, with no 坏道 in the library, is still about 硬盘
            parts = [p for p in parts if p is not None]
        found = [p for p in parts if p is not None]
        if not found or len(found) < len(parts):
            return None
        return found[0] if len(found) == 1 else wq.And(found)
    options = []
    if known:
        terms.add(term)
        options.append(fields_query(term, weight))
    for word in expansions:
        terms.add(word)
        options.append(fields_query(word, weight * CONTAINING_WEIGHT))
    return best_of(options)


def _edge(i: int, n: int, part: str) -> str:
    if len(part) != 1 or n < 2:
        return ""
    return "end" if i == 0 else "start" if i == n - 1 else ""


SHORT_RUN = 4  # a Chinese run this long or shorter is a fragment, not a sentence


def query_terms(text: str, oracle: TermOracle | None) -> list[str]:
    return [term for term, _ in query_pieces(text, oracle)]


def query_pieces(text: str, oracle: TermOracle | None, context: str | None = None,
                 offset: int = 0) -> list[tuple[str, str]]:
    """(term, how it expands) for the analyzed terms of ``text``, a piece of the query
    ``context`` starting at ``offset``. Chinese characters jieba left single, typed
    together ('据丢' of 数据丢失), stay together when the index knows a word holding them.
    How: "" as it is; "in" / "end" / "start" (see _term_query) for a single character
    that is the whole query or begins / ends a short fragment; "optional" for a single
    character inside a sentence or standing alone among other words (nginx 报 502)."""
    tokens = [(t.text, t.startchar, t.endchar) for t in mixed_analyzer()(text, mode="query", chars=True)]
    if oracle is None:
        return [(term, "") for term, _, _ in tokens]
    context = text if context is None else context
    runs = [m.span() for m in _CJK_RUN_RE.finditer(context)]
    whole_query = _is_cjk_char(context.strip())
    merged = [(term, start + offset, end + offset) for term, start, end in _merge_single_chars(tokens, oracle)]
    pieces = []
    for i, (term, start, end) in enumerate(merged):
        how = ""
        if whole_query:
            how = "in"
        elif _is_cjk_char(term):
            a, b = next(((a, b) for a, b in runs if a <= start < b), (start, end))
            # its neighbours in the fragment (stop words already gone: 归档满了 → 归档, 满)
            before = i > 0 and merged[i - 1][2] == start and _CJK_RE.match(merged[i - 1][0]) is not None
            after = i + 1 < len(merged) and merged[i + 1][1] == end and _CJK_RE.match(merged[i + 1][0]) is not None
            if b - a > SHORT_RUN:
                how = "optional"
            elif before != after:
                # beside a word: the start / end of a word typed across the boundary (级 of
                # 升级失败), or, when the index has it alone, a word of its own that other
                # words also end or begin with (满 of 归档满了: 空间满, 写满)
                how = "in" if oracle.has_term(term) else "start" if before else "end"
            elif not oracle.has_term(term):
                # alone but unknown: a fragment whose other half is a stop word (照过 of 快照过旧)
                how = "end" if a == start else "start" if b == end else "in"
            else:
                how = "optional"
        pieces.append((term, how))
    return pieces


def _merge_single_chars(tokens: Any, oracle: TermOracle) -> list[tuple[str, int, int]]:
    terms: list[tuple[str, int, int]] = []
    i = 0
    while i < len(tokens):
        j = i
        while (j + 1 < len(tokens) and _is_cjk_char(tokens[j][0]) and _is_cjk_char(tokens[j + 1][0])
               and tokens[j][2] == tokens[j + 1][1]):
            j += 1
        if j > i:
            run = "".join(term for term, _, _ in tokens[i : j + 1])
            if oracle.has_term(run) or oracle.containing(run):
                terms.append((run, tokens[i][1], tokens[j][2]))
                i = j + 1
                continue
        terms.append(tokens[i])
        i += 1
    return terms


def _is_cjk_char(term: str) -> bool:
    return len(term) == 1 and _CJK_RE.match(term) is not None


def _text_units(text: str, oracle: TermOracle | None, corrections: dict[str, str],
                context: str | None = None, offset: int = 0) -> list[Unit]:
    units = []
    fillers = filler_words()
    for term, how in query_pieces(text, oracle, context, offset):
        if term in fillers:
            continue
        unit = Unit(term, typed_terms={term}, optional=how == "optional")
        if unit.optional:
            if oracle is not None and oracle.has_term(term):
                unit.alternatives.append(fields_query(term))
                unit.terms.add(term)
                units.append(unit)
            continue
        q = _term_query(term, oracle, unit.terms, expand=how)
        if q is not None:
            unit.alternatives.append(q)
        fix = corrections.get(term)
        if fix:
            for fixed in analyze_query_terms(fix):
                unit.alternatives.append(fields_query(fixed, CORRECTION_WEIGHT))
                unit.terms.add(fixed)
        units.append(unit)
    return units


def _synonym_unit(typed: str, group: tuple[str, ...], oracle: TermOracle | None,
                  corrections: dict[str, str]) -> Unit:
    typed_units = _text_units(typed, oracle, corrections)
    unit = Unit(typed)
    for u in typed_units:
        unit.typed_terms |= u.typed_terms
    typed_alternative = _all_of(typed_units)
    if typed_alternative is not None:
        unit.alternatives.append(typed_alternative)
        for u in typed_units:
            unit.terms |= u.terms
    for alt in group:
        if alt == typed:
            continue
        # The other terms of the group count only as indexed words: expanding them (a
        # synonym split into its characters) matches half the library.
        # A Chinese synonym of an English query is used only as a word the index holds
        # whole: segmenting it would load jieba's dictionary (0.3 s of a command-line
        # search) for what is, nearly always, a word of dict.txt that the index has or not.
        if oracle is not None and _CJK_RUN_RE.fullmatch(alt) and not _CJK_RE.search(typed):
            terms = [alt] if oracle.has_term(alt) else []
        else:
            terms = analyze_query_terms(alt)
        if terms and (oracle is None or all(oracle.has_term(t) for t in terms)):
            parts = [fields_query(t, SYNONYM_WEIGHT) for t in terms]
            unit.alternatives.append(parts[0] if len(parts) == 1 else wq.And(parts))
            unit.terms.update(terms)
    return unit


def _all_of(units: list[Unit]) -> wq.Query | None:
    if not units or any(not u.alternatives for u in units):
        return None
    queries = [u.query for u in units]
    return queries[0] if len(queries) == 1 else wq.And(queries)


def build_units(text: str, synonyms: SynonymTable, oracle: TermOracle | None = None,
                corrections: dict[str, str] | None = None) -> list[Unit]:
    """The units of ``text``, in order. A unit without alternatives cannot match
    anything in the index (unknown Chinese); it still counts in how much of the query a
    document matches."""
    corrections = corrections or {}
    units: list[Unit] = []
    cursor = 0
    for match in synonyms.find(text):
        units += _text_units(text[cursor : match.start], oracle, corrections, text, cursor)
        units.append(_synonym_unit(text[match.start : match.end].lower(), match.group, oracle, corrections))
        cursor = match.end
    units += _text_units(text[cursor:], oracle, corrections, text, cursor)
    if units and all(u.optional for u in units):
        for unit in units:  # only single characters were typed: each is wanted
            unit.optional = False
    return _merge_duplicates(units)


def _merge_duplicates(units: list[Unit]) -> list[Unit]:
    """"disk 磁盘" asks for one thing twice: count it once."""
    seen: dict[frozenset[str], Unit] = {}
    merged = []
    for unit in units:
        key = frozenset(unit.terms) or frozenset({unit.text})
        if key in seen:
            continue
        seen[key] = unit
        merged.append(unit)
    return merged


def preloaded(q: wq.Query) -> wq.Query:
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


def _walk(q: wq.Query) -> Iterator[wq.Query]:
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


_WORD_RE = re.compile(r"(?<![\w.\-/])[A-Za-z][A-Za-z0-9]{2,}(?![\w.\-/])")


def spelling_candidates(text: str) -> list[str]:
    """Words of the query, as typed, for the 'did you mean' corrector: English words
    and names with digits (log4shell), not codes, paths or IPs."""
    return [w for w in _WORD_RE.findall(text) if not w.isdigit() and sum(c.isalpha() for c in w) >= 3]
