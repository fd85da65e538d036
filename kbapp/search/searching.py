"""Run a query against an open searcher and shape the results."""

from __future__ import annotations

import heapq
import re
from typing import Any

from whoosh import query as wq

from kbapp.search.analysis import _CJK, analyze_query_terms, query_vocabulary
from kbapp.search.cancel import checkpoint
from kbapp.search.query import (
    TEXT_FIELDS,
    TermOracle,
    Unit,
    build_units,
    fields_query,
    filter_query,
    query_terms,
    spelling_candidates,
)
from kbapp.search.ranking import Ranked, complete_matches, exact_title, partial_matches
from kbapp.search.snippets import make_snippet
from kbapp.search.synonyms import default_synonyms
from kbapp.search.types import SearchHit, SearchResults

_CJK_RE = re.compile(f"[{_CJK}]")


def collect_cjk_terms(searcher: Any) -> list[str]:
    reader = searcher.reader()
    terms: set[str] = set()
    for field in TEXT_FIELDS:
        if field in reader.indexed_field_names():
            terms.update(t for t in reader.field_terms(field) if _CJK_RE.search(t))
    return sorted(terms)


def _oracle(index: Any, searcher: Any) -> TermOracle:
    reader = searcher.reader()

    def has_term(term: str) -> bool:
        return any((field, term) in reader for field in TEXT_FIELDS)

    return TermOracle(has_term, lambda: index.cjk_terms(searcher))


def _to_hit(fields: dict, score: float, body_terms: set[str], typed_terms: frozenset[str] | set[str] = frozenset()) -> SearchHit:
    levels = tuple(x for x in (fields.get("levels") or "").split(",") if x)
    tags = tuple(x.strip() for x in (fields.get("tags") or "").split(",") if x.strip())
    return SearchHit(
        id=fields["id"],
        kind=fields.get("kind", ""),
        title=fields.get("display_title", fields["id"]),
        title_en=fields.get("title_en", ""),
        category=fields.get("category", ""),
        levels=levels,
        tags=tags,
        score=round(score, 4),
        path=fields.get("path", ""),
        snippet=make_snippet(fields.get("body", ""), body_terms, primary=typed_terms),
    )


def nearest_word(reader: Any, word: str, fields: tuple[str, ...] = ("spell",)) -> str | None:
    """The indexed word closest to ``word`` (edit distance 1, else 2 for words of five
    letters or more), the most frequent among equally close ones: "harware" is
    "hardware", not the commoner "aware" two edits away."""
    for maxdist in (1, 2) if len(word) >= 5 else (1,):
        found = {(reader.doc_frequency(f, w), w) for f in fields for w in reader.terms_within(f, word, maxdist)
                 if w != word}
        if found:
            return max(found)[1]
    return None


def spelling_corrections(searcher: Any, text: str) -> dict[str, str]:
    """{analyzed term of a typed word the index does not know: nearest indexed word}."""
    reader = searcher.reader()
    fixes: dict[str, str] = {}
    for word in spelling_candidates(text):
        lower = word.lower()
        terms = analyze_query_terms(lower)
        if not terms or ("spell", lower) in reader or any((f, terms[0]) in reader for f in TEXT_FIELDS):
            continue
        # Plain words from the spelling vocabulary; names with digits (log4shel) from the
        # body's own terms, where they are whole.
        fix = nearest_word(reader, lower, ("spell",) if lower.isalpha() else ("title", "body"))
        if fix:
            fixes[terms[0]] = fix
    return fixes


def _corrected_text(text: str, fixes: dict[str, str]) -> str:
    for word in spelling_candidates(text):
        terms = analyze_query_terms(word.lower())
        if terms and terms[0] in fixes:
            text = re.sub(rf"\b{re.escape(word)}\b", fixes[terms[0]], text, count=1)
    return text


def _rank(searcher: Any, text: str, units: list[Unit], limit: int, filt: Any,
          one_query: bool) -> tuple[list[Ranked], int]:
    ranked: list[Ranked] = []
    seen: set[int] = set()
    for r in exact_title(searcher, text, filt):
        ranked.append(r)
        seen.add(r.docnum)
    titled = set(seen)
    checkpoint()
    complete, total = complete_matches(searcher, units, limit + len(seen), filt, one_query=one_query)
    for r in complete:
        if r.docnum not in seen:
            ranked.append(r)
            seen.add(r.docnum)
    total = max(total, len(seen))
    if len(ranked) < limit and (len(units) > 1 or not complete):
        checkpoint()
        partial, more = partial_matches(searcher, units, limit - len(ranked), filt, seen,
                                        one_query=one_query)
        ranked += partial
        total += more
    # Shown scores follow the order: an exact title's own score is that of a keyword field.
    rest = max((r.score for r in ranked if r.docnum not in titled), default=0.0)
    ranked = [Ranked(r.docnum, rest + r.score) if r.docnum in titled else r for r in ranked]
    return ranked[:limit], total


def _everything(searcher: Any, limit: int, filt: Any) -> SearchResults:
    """The whole library (or what the filters let through) by kind and title: the order
    from the listing column, the stored fields of the shown documents only."""
    reader = searcher.reader()
    if not reader.has_column("listing"):  # (an index of before the column: rebuilt by the next sync)
        results = searcher.search(wq.Every(), limit=None, filter=filt)
        ordered = sorted(results, key=lambda h: (h.get("kind", ""), h.get("display_title", "")))
        hits = [_to_hit(h.fields(), float(h.score or 0.0), set()) for h in ordered[:limit]]
        return SearchResults(query="", hits=hits, total=len(results))
    column = reader.column_reader("listing")
    docnums = list(searcher.docs_for_query(filt)) if filt is not None else list(reader.all_doc_ids())
    shown = heapq.nsmallest(limit, docnums, key=lambda d: (column[d], d))
    hits = [_to_hit(searcher.stored_fields(d), 1.0, set()) for d in shown]
    return SearchResults(query="", hits=hits, total=len(docnums))


def run_search(index: Any, searcher: Any, text: str, *, limit: int, kind: str | None = None, category: str | None = None,
               level: str | None = None, tag: str | None = None) -> SearchResults:
    text = text.strip()
    filt = filter_query(kind=kind, category=category, level=level, tag=tag)
    if not text:
        return _everything(searcher, limit, filt)
    oracle = _oracle(index, searcher)
    with query_vocabulary(oracle.has_term):
        fixes = spelling_corrections(searcher, text)
        units = build_units(text, default_synonyms(), oracle, fixes)
    checkpoint()
    ranked, total = _rank(searcher, text, units, limit, filt, index.one_query)
    suggestion = _corrected_text(text, fixes) if fixes else None
    if not ranked:
        return SearchResults(query=text, suggestion=suggestion)
    body_terms: set[str] = set()
    typed_terms: set[str] = set()
    for unit in units:
        body_terms |= unit.terms
        typed_terms |= unit.typed_terms
    # A corrected word is what the user meant: its matches are the ones to show.
    typed_terms |= {t for fix in fixes.values() for t in analyze_query_terms(fix)}
    hits = []
    for r in ranked:  # a snippet each: a few milliseconds for a long document
        checkpoint()
        hits.append(_to_hit(searcher.stored_fields(r.docnum), r.score, body_terms, typed_terms))
    return SearchResults(query=text, hits=hits, total=total, suggestion=suggestion, corrected=bool(fixes))


MAX_SIMILAR_TERMS = 24


def run_similar(index: Any, searcher: Any, text: str, *, limit: int, kinds: tuple[str, ...] = (),
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
    q = wq.Or([fields_query(t) for t in ranked[:MAX_SIMILAR_TERMS]])
    filters = [wq.Term("kind", k) for k in kinds]
    filt = wq.Or(filters) if filters else None
    mask = wq.Or([wq.Term("id", d) for d in exclude]) if exclude else None
    results = searcher.search(q, limit=limit, filter=filt, mask=mask)
    hits = [_to_hit(h.fields(), float(h.score or 0.0), set(ranked), set(ranked)) for h in results]
    return SearchResults(query=text, hits=hits, total=results.estimated_length())
