"""BM25F as Whoosh computes it, with the per-document field lengths read once.

Whoosh's BM25F scorer looks a document's field length up through five calls and a
column read for every posting it scores; a query matching much of the library scores
thousands of postings, and that lookup was about 40% of the query time
(bench/bench_search.py --profile). Here the lengths of a segment's field are decoded
once into a list, kept while the segment exists (segments never change once written),
and the BM25 formula is folded into three constants per term. The scores are the same
as ``whoosh.scoring.BM25F``'s up to float rounding.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from whoosh import scoring

_MAX_CACHED = 64  # (segment, field) length tables; a segment of 10,000 documents is ~80 KB each
_cache: OrderedDict[tuple[str, int, str], list[int]] = OrderedDict()
_cache_lock = threading.Lock()


def _field_lengths(searcher: Any, fieldname: str) -> list[int] | None:
    reader = searcher.reader()
    seg = reader.segment() if reader.is_atomic() else None
    if seg is None:  # not a single-segment reader: no cache
        return None
    key = (seg.segment_id(), reader.doc_count_all(), fieldname)
    with _cache_lock:
        lengths = _cache.get(key)
        if lengths is not None:
            _cache.move_to_end(key)
            return lengths
    lengths = _read_lengths(reader, fieldname)
    with _cache_lock:
        _cache[key] = lengths
        while len(_cache) > _MAX_CACHED:
            _cache.popitem(last=False)
    return lengths


def _read_lengths(reader: Any, fieldname: str) -> list[int]:
    """Per document, the value of BM25F's ``searcher.doc_field_length(docid, field, 1)``.

    Whoosh 3 keeps a field's lengths as one byte per document in a column; it is read
    in one piece here (a new process's first query waited ~0.1 s per field at 10,000
    documents for the document-by-document reads). Anything unexpected falls back to
    those reads."""
    count = reader.doc_count_all()
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        from whoosh.util.numeric import _length_byte_cache

        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:  # no document has the field: Whoosh answers the default asked for
            return [1] * count
        if column._fixedlen != 1 or column._typecode != "B":
            raise TypeError(column)
        stored = min(column._count, count)
        data = column._dbfile.get(column._basepos, stored) if stored else b""
        default = _length_byte_cache[column._default]
        return [_length_byte_cache[b] for b in data] + [default] * (count - stored)
    except (AttributeError, ImportError, TypeError):
        return [reader.doc_field_length(docnum, fieldname, 1) or 0 for docnum in range(count)]


class FastBM25F(scoring.BM25F):
    def scorer(self, searcher: Any, fieldname: Any, text: Any, qf: Any = 1) -> Any:
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if type(scorer) is scoring.BM25FScorer:
            lengths = _field_lengths(searcher, fieldname)
            if lengths is not None:
                return _FastScorer(scorer, lengths)
        return scorer


class _FastScorer(scoring.BaseScorer):
    """bm25 = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * fl / avgfl)) = c * tf / (tf + a + b * fl)."""

    def __init__(self, inner: scoring.BM25FScorer, lengths: list[int]):
        self._inner = inner
        self._lengths = lengths
        self._c = inner.idf * (inner.K1 + 1)
        self._a = inner.K1 * (1 - inner.B)
        self._b = inner.K1 * inner.B / inner.avgfl

    def supports_block_quality(self) -> bool:
        return self._inner.supports_block_quality()

    def max_quality(self) -> float:
        return self._inner.max_quality()

    def block_quality(self, matcher: Any) -> float:
        return self._inner.block_quality(matcher)

    def score(self, matcher: Any) -> float:
        tf = matcher.weight()
        return self._c * tf / (tf + self._a + self._b * self._lengths[matcher.id()])
