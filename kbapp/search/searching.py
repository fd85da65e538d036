"""Run a query against an open searcher and shape the results."""

from __future__ import annotations

import re

from whoosh import query as wq

from kbapp.search.analysis import _CJK
from kbapp.search.query import (
    TEXT_FIELDS, TermOracle, _fields_query, build_query, filter_query, query_terms, spelling_candidates)
from kbapp.search.snippets import make_snippet
from kbapp.search.synonyms import default_synonyms
from kbapp.search.types import SearchHit, SearchResults

_CJK_RE = re.compile(f"[{_CJK}]")


def collect_cjk_terms(searcher) -> list[str]:
    reader = searcher.reader()
    terms: set[str] = set()
    for field in TEXT_FIELDS:
        if field in reader.indexed_field_names():
            terms.update(t for t in reader.field_terms(field) if _CJK_RE.search(t))
    return sorted(terms)


def _oracle(index, searcher) -> TermOracle:
    reader = searcher.reader()

    def has_term(term: str) -> bool:
        return any((field, term) in reader for field in TEXT_FIELDS)

    return TermOracle(has_term, lambda: index.cjk_terms(searcher))


def _to_hit(hit, body_terms: set[str], typed_terms: set[str] = frozenset()) -> SearchHit:
    levels = tuple(x for x in (hit.get("levels") or "").split(",") if x)
    tags = tuple(x.strip() for x in (hit.get("tags") or "").split(",") if x.strip())
    return SearchHit(
        id=hit["id"],
        kind=hit.get("kind", ""),
        title=hit.get("display_title", hit["id"]),
        title_en=hit.get("title_en", ""),
        category=hit.get("category", ""),
        levels=levels,
        tags=tags,
        score=round(float(hit.score or 0.0), 4),
        path=hit.get("path", ""),
        snippet=make_snippet(hit.get("body", ""), body_terms, primary=typed_terms),
    )


def _execute(index, searcher, text: str, limit: int, filt) -> tuple[list[SearchHit], int] | None:
    if not text.strip():
        results = searcher.search(wq.Every(), limit=None, filter=filt)
        ordered = sorted(results, key=lambda h: (h.get("kind", ""), h.get("display_title", "")))
        return [_to_hit(h, set()) for h in ordered[:limit]], len(results)
    oracle = _oracle(index, searcher)
    q = build_query(text, default_synonyms(), oracle)
    if q is None:
        return None
    results = searcher.search(q, limit=limit, filter=filt)
    body_terms = {t for field, t in q.all_terms() if field == "body"}
    body_terms = {t.decode() if isinstance(t, bytes) else t for t in body_terms}
    typed_terms = set(query_terms(text, oracle))
    return [_to_hit(h, body_terms, typed_terms) for h in results], results.estimated_length()


def _corrected(searcher, text: str) -> str | None:
    corrector = searcher.corrector("spell")
    changed = False
    corrected = text
    for word in spelling_candidates(text):
        lower = word.lower()
        if ("spell", lower) in searcher.reader():
            continue
        suggestions = corrector.suggest(lower, limit=1, maxdist=2)
        if suggestions:
            corrected = re.sub(rf"\b{re.escape(word)}\b", suggestions[0], corrected, count=1)
            changed = True
    return corrected if changed else None


def run_search(index, searcher, text: str, *, limit: int, kind=None, category=None, level=None, tag=None) -> SearchResults:
    text = text.strip()
    filt = filter_query(kind=kind, category=category, level=level, tag=tag)
    found = _execute(index, searcher, text, limit, filt)
    if found and found[0]:
        return SearchResults(query=text, hits=found[0], total=found[1])
    # Nothing matched: try the spelling-corrected query ("did you mean").
    suggestion = _corrected(searcher, text) if text else None
    if suggestion:
        retry = _execute(index, searcher, suggestion, limit, filt)
        if retry and retry[0]:
            return SearchResults(query=text, hits=retry[0], total=retry[1], suggestion=suggestion, corrected=True)
    return SearchResults(query=text, suggestion=suggestion)


MAX_SIMILAR_TERMS = 24


def run_similar(index, searcher, text: str, *, limit: int, kinds: tuple[str, ...] = (),
                exclude: tuple[str, ...] = ()) -> SearchResults:
    """More like this: documents sharing the rarest words of ``text``, any of them.

    A whole description as an AND query matches nothing; an OR of every word matches
    everything. Keeping the indexed words with the highest idf, ORed, ranks documents
    by how much of the description's distinctive vocabulary they share.
    """
    oracle = _oracle(index, searcher)
    terms = {t for t in query_terms(text, oracle) if len(t) > 1 and oracle.has_term(t)}
    if not terms:
        return SearchResults(query=text)
    ranked = sorted(terms, key=lambda t: -max(searcher.idf(f, t) for f in ("body", "title")))
    q = wq.Or([_fields_query(t) for t in ranked[:MAX_SIMILAR_TERMS]])
    filters = [wq.Term("kind", k) for k in kinds]
    filt = wq.Or(filters) if filters else None
    mask = wq.Or([wq.Term("id", d) for d in exclude]) if exclude else None
    results = searcher.search(q, limit=limit, filter=filt, mask=mask)
    hits = [_to_hit(h, set(ranked), set(ranked)) for h in results]
    return SearchResults(query=text, hits=hits, total=results.estimated_length())
