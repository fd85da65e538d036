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

Tier 3 is only computed when tiers 1-2 do not fill the page. Each unit's documents are
read as sets of ids (no scoring); the candidates are every document of a unit that
matches few documents, and, of the common units, only documents matching two of them;
only the candidates are scored, term by term, skipping through the postings. So a query
of frequent words does not score most of the library one posting at a time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import WrappingMatcher

from kbapp.search.cancel import checkpoint
from kbapp.search.query import Unit, preloaded
from kbapp.search.schema import title_key

COVERAGE_POWER = 2.0
OPTIONAL_WEIGHT = 0.5  # a single character inside a sentence counts half in coverage
FEW_DOCS = 500  # a unit matching at most this many documents brings them all as candidates
PAIR_CANDIDATES = 1000  # documents matching two common units: enough to rank the page from
PAIR_SLACK = 3  # candidates per place on the page that make common pairs unnecessary
# A process that asks one query (a `kbapp` command) scores with Whoosh below this many
# documents: there a query takes tens of milliseconds, less than importing numpy costs
# (about 0.1 s). The window, asking a query per keystroke, always uses kbapp.search.vector.
ONE_QUERY_VECTOR_MIN_DOCS = 5000


@dataclass(frozen=True)
class Ranked:
    docnum: int
    score: float


def _unit_weight(df: int, total_docs: int) -> float:
    """idf of the unit: how distinctive matching it is, from the documents that match it
    through any of its alternatives. (Its broadest single term would make a code whose
    synonym is a phrase of common words, ORA-00257 | "archiver error", look common.)"""
    df = min(df, total_docs)
    return math.log(1.0 + (total_docs - df + 0.5) / (df + 0.5))


def _vector(searcher: Any, one_query: bool) -> Any:
    """kbapp.search.vector, unless scoring with Whoosh is quicker for this process."""
    if one_query and searcher.doc_count_all() < ONE_QUERY_VECTOR_MIN_DOCS:
        return None
    from kbapp.search import vector

    return vector


def _allowed(searcher: Any, filt: wq.Query | None) -> set[int] | None:
    return None if filt is None else set(searcher.docs_for_query(filt))


def exact_title(searcher: Any, text: str, filt: wq.Query | None) -> list[Ranked]:
    key = title_key(text)
    if not key:
        return []
    results = searcher.search(wq.Term("title_key", key), limit=10, filter=filt)
    return [Ranked(hit.docnum, float(hit.score or 0.0)) for hit in results]


def complete_matches(searcher: Any, units: list[Unit], limit: int, filt: wq.Query | None, *,
                     one_query: bool = False) -> tuple[list[Ranked], int]:
    """Documents matching every unit (optional ones add to the score only)."""
    required = [u for u in units if not u.optional]
    optional = [u.query for u in units if u.optional]
    if not required or any(not u.alternatives for u in required):
        return [], 0
    q = required[0].query if len(required) == 1 else wq.And([u.query for u in required])
    if optional:
        q = wq.AndMaybe(q, optional[0] if len(optional) == 1 else wq.Or(optional))
    vector = _vector(searcher, one_query)
    if vector is not None:
        try:
            ids, scores = vector.score_all(searcher, q, _allowed(searcher, filt))
        except vector.Unsupported:
            pass
        else:
            return [Ranked(doc, score) for doc, score in vector.top(ids, scores, limit)], int(ids.size)
    results = searcher.search(preloaded(q), limit=limit, filter=filt)
    return [Ranked(h.docnum, float(h.score or 0.0)) for h in results], len(results)  # exact, as the vector count


def partial_matches(searcher: Any, units: list[Unit], limit: int, filt: wq.Query | None,
                    exclude: set[int], *, one_query: bool = False) -> tuple[list[Ranked], int]:
    """Documents matching some of the units, best first (see the module docstring)."""
    matchable = [u for u in units if u.alternatives]
    if not matchable:
        return [], 0
    vector = _vector(searcher, one_query)
    total_docs = max(1, searcher.doc_count())
    scored: list[dict[int, float]] | None = None
    if vector is not None:
        try:  # each unit's documents and scores at once
            scored = []
            for u in matchable:
                checkpoint()
                scored.append(dict(zip(*(a.tolist() for a in vector.score_all(searcher, u.query)), strict=True)))
        except vector.Unsupported:
            scored = None
    if scored is not None:
        docs = [set(unit_scores) for unit_scores in scored]
    else:
        docs = []
        for u in matchable:
            checkpoint()
            docs.append(_unit_docs(searcher, u.query))
    weights = [_unit_weight(len(d), total_docs) * (OPTIONAL_WEIGHT if u.optional else 1.0)
               for u, d in zip(matchable, docs, strict=True)]
    known = sum(weights) / len(weights)
    total_weight = sum(weights) + known * (len(units) - len(matchable))  # unmatchable units count too
    allowed = _allowed(searcher, filt)
    candidates = _candidates(docs, limit)
    candidates -= exclude
    if allowed is not None:
        candidates &= allowed
    scores = dict.fromkeys(candidates, 0.0)
    covered = dict.fromkeys(candidates, 0.0)
    for i, (unit, weight, unit_docs) in enumerate(zip(matchable, weights, docs, strict=True)):
        checkpoint()
        found = candidates & unit_docs
        if scored is not None:
            unit_scores = scored[i]
            matched = {doc: unit_scores[doc] for doc in found}
        else:
            matched = _scores(searcher, unit.query.normalize(), sorted(found))
        for doc, score in matched.items():
            scores[doc] += score
            covered[doc] += weight
    ranked = [Ranked(doc, score * (covered[doc] / total_weight) ** COVERAGE_POWER)
              for doc, score in scores.items() if covered[doc]]
    ranked.sort(key=lambda r: (-r.score, r.docnum))
    return ranked[:limit], len(set().union(*docs) - exclude)


def _unit_docs(searcher: Any, q: wq.Query) -> set[int]:
    """The documents matching a unit, from the ids of its terms' postings: set unions
    and intersections instead of Whoosh's union matchers stepping one id at a time."""
    found: set[int] = set()
    for sub, offset in searcher.leaf_searchers():
        local = _node_docs(sub, q.normalize())
        found.update(local if not offset else (offset + doc for doc in local))
    return found


def _node_docs(sub: Any, q: wq.Query) -> set[int]:
    if isinstance(q, wq.Term):
        return _term_ids(q.matcher(sub, sub.boolean_context()))
    if isinstance(q, (wq.Or, wq.And)):
        children = [_node_docs(sub, child) for child in q.children()]
        if not children:
            return set()
        return set.union(*children) if isinstance(q, wq.Or) else set.intersection(*children)
    return set(q.matcher(sub, sub.boolean_context()).all_ids())


def _term_ids(matcher: Any) -> set[int]:
    while type(matcher) is WrappingMatcher:  # a boost; a deletion filter is a subclass and stays
        matcher = matcher.child
    if type(matcher) is not W3LeafMatcher:
        return set(matcher.all_ids())
    # Whole blocks of ids at a time (the codec's own block reader, as its skip_to uses it).
    ids: set[int] = set()
    leaf: Any = matcher  # its block internals are not in Whoosh's types
    while leaf.is_active():
        if leaf._ids is None:
            leaf._read_ids()
        ids.update(leaf._ids)
        leaf._next_block()
    return ids


def _candidates(docs: list[set[int]], limit: int) -> set[int]:
    """The documents that can rank first: every document of a unit matching at most
    FEW_DOCS documents; of the units matching more ("show", 数据), only documents matching
    two of them, the smallest pairs first, until there are PAIR_CANDIDATES, and none
    when the few-document units already bring PAIR_SLACK per place on the page. A
    document that only shares common words with the query ranks below those anyway."""
    few = [d for d in docs if len(d) <= FEW_DOCS]
    many = sorted((d for d in docs if len(d) > FEW_DOCS), key=len)
    found: set[int] = set().union(*few) if few else set()
    if len(many) == 1 and len(found) < limit:
        return found | many[0]
    for a, b in combinations(many, 2):
        if len(found) >= max(PAIR_CANDIDATES, PAIR_SLACK * limit) or (few and len(found) >= PAIR_SLACK * limit):
            break  # the distinctive units' documents fill the page; two common words rank below them
        found |= a & b
    if len(found) < limit:
        return found.union(*many)
    return found


def _scores(searcher: Any, q: wq.Query, docs: list[int]) -> dict[int, float]:
    """BM25F of ``q`` for the given documents (sorted global numbers), summed like
    Whoosh's Or and And do, reading each term's postings only where they are."""
    out: dict[int, float] = {}
    for sub, offset in searcher.leaf_searchers():
        local = [d - offset for d in docs if 0 <= d - offset < sub.reader().doc_count_all()]
        if local:
            for doc, score in _node_scores(sub, q, local).items():
                out[doc + offset] = score
    return out


def _node_scores(sub: Any, q: wq.Query, docs: list[int]) -> dict[int, float]:
    if isinstance(q, wq.Term):
        matcher = q.matcher(sub, sub.context())
        found = {}
        for doc in docs:
            if not matcher.is_active():
                break
            if matcher.id() < doc:
                matcher.skip_to(doc)
                if not matcher.is_active():
                    break
            if matcher.id() == doc:
                found[doc] = matcher.score()
        return found
    boost = float(getattr(q, "boost", 1.0))
    children = [_node_scores(sub, child, docs) for child in q.children()]
    if isinstance(q, wq.And):
        common = set.intersection(*(set(c) for c in children)) if children else set()
        return {doc: sum(c[doc] for c in children) * boost for doc in common}
    summed: dict[int, float] = {}
    for child in children:  # Or
        for doc, score in child.items():
            summed[doc] = summed.get(doc, 0.0) + score
    return {doc: score * boost for doc, score in summed.items()} if boost != 1.0 else summed


