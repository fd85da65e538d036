"""Rank documents by how much of the query they match.

People type sentences ("pods keep restarting in a crash loop", "数据库服务拉不起来了"):
requiring every word empties the list as soon as one word is missing from the right
document. So documents come in three tiers:

1. a document whose title *is* the query;
2. documents matching every unit, by BM25F (title > tags > body), as Whoosh scores an
   And of the units;
3. the rest, ranked by BM25F times the square of their *coverage*: the idf-weighted
   share of the units they match. Missing a distinctive word ("ORA-00600") costs much,
   missing a common one ("server") little.

Tier 3 is only computed when tiers 1-2 do not fill the page. Its candidates are
collected from the most distinctive units first; once there are enough of them, the
common units only add to the scores of the candidates they have (a document matching
only "server" would rank below every candidate anyway), which keeps a query made of
frequent words from scoring most of the library one posting at a time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from whoosh import query as wq

from kbapp.search.query import Unit, preloaded
from kbapp.search.schema import title_key

COVERAGE_POWER = 2.0
OPTIONAL_WEIGHT = 0.5  # a single character inside a sentence counts half in coverage
MAX_CANDIDATES = 2000  # documents collected before common units only re-score


@dataclass(frozen=True)
class Ranked:
    docnum: int
    score: float
    complete: bool  # matches every unit


def _unit_weight(searcher, unit: Unit, total_docs: int) -> float:
    """idf of the unit: how distinctive matching it is (its broadest alternative decides)."""
    df = 0
    for term in unit.terms:
        for field in ("title", "tags", "body"):
            df = max(df, searcher.doc_frequency(field, term))
    df = min(df, total_docs)
    return math.log(1.0 + (total_docs - df + 0.5) / (df + 0.5))


def _allowed(searcher, filt: wq.Query | None) -> set[int] | None:
    return None if filt is None else set(searcher.docs_for_query(filt))


def exact_title(searcher, text: str, filt: wq.Query | None) -> list[Ranked]:
    key = title_key(text)
    if not key:
        return []
    results = searcher.search(wq.Term("title_key", key), limit=10, filter=filt)
    return [Ranked(hit.docnum, float(hit.score or 0.0), True) for hit in results]


def complete_matches(searcher, units: list[Unit], limit: int, filt: wq.Query | None) -> tuple[list[Ranked], int]:
    """Documents matching every unit (optional ones add to the score only)."""
    required = [u for u in units if not u.optional]
    optional = [u.query for u in units if u.optional]
    if not required or any(not u.alternatives for u in required):
        return [], 0
    q = required[0].query if len(required) == 1 else wq.And([u.query for u in required])
    if optional:
        q = wq.AndMaybe(q, optional[0] if len(optional) == 1 else wq.Or(optional))
    results = searcher.search(preloaded(q), limit=limit, filter=filt)
    return [Ranked(h.docnum, float(h.score or 0.0), True) for h in results], results.estimated_length()


def partial_matches(searcher, units: list[Unit], limit: int, filt: wq.Query | None,
                    exclude: set[int]) -> tuple[list[Ranked], int]:
    """Documents matching some of the units, best first (see the module docstring)."""
    matchable = [u for u in units if u.alternatives]
    if not matchable:
        return [], 0
    total_docs = max(1, searcher.doc_count())
    weights = [_unit_weight(searcher, u, total_docs) * (OPTIONAL_WEIGHT if u.optional else 1.0) for u in matchable]
    known = sum(weights) / len(weights)
    total_weight = sum(weights) + known * (len(units) - len(matchable))  # unmatchable units count too
    order = sorted(range(len(matchable)), key=lambda i: -weights[i])
    allowed = _allowed(searcher, filt)
    scores: dict[int, float] = {}
    covered: dict[int, float] = {}
    for i in order:
        q = preloaded(matchable[i].query)
        collecting = len(scores) < MAX_CANDIDATES
        for sub, offset in searcher.leaf_searchers():
            matcher = q.matcher(sub, sub.context())
            if collecting:
                _collect(matcher, offset, weights[i], scores, covered, allowed, exclude)
            else:
                _rescore(matcher, offset, weights[i], scores, covered)
    ranked = [Ranked(doc, score * (covered[doc] / total_weight) ** COVERAGE_POWER, False)
              for doc, score in scores.items()]
    ranked.sort(key=lambda r: (-r.score, r.docnum))
    return ranked[:limit], len(ranked)


def _collect(matcher, offset: int, weight: float, scores: dict[int, float], covered: dict[int, float],
             allowed: set[int] | None, exclude: set[int]) -> None:
    while matcher.is_active():
        doc = matcher.id() + offset
        if doc not in exclude and (allowed is None or doc in allowed):
            scores[doc] = scores.get(doc, 0.0) + matcher.score()
            covered[doc] = covered.get(doc, 0.0) + weight
        matcher.next()


def _rescore(matcher, offset: int, weight: float, scores: dict[int, float], covered: dict[int, float]) -> None:
    for doc in sorted(scores):
        local = doc - offset
        if local < 0:
            continue
        if not matcher.is_active():
            return
        if matcher.id() < local:
            matcher.skip_to(local)
            if not matcher.is_active():
                return
        if matcher.id() == local:
            scores[doc] += matcher.score()
            covered[doc] += weight
