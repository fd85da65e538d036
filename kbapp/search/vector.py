"""Score a query over whole posting lists at once, with numpy.

Whoosh scores a query one posting at a time in Python: a query of common words (or
one whose synonyms match most of the library) scores nearly every document that way,
83-96 % of its time. Here each term's postings are read a block at a time (the codec's
own blocks: ids delta-decoded and BM25F computed with array arithmetic over the
field-length table), ``Or`` / ``And`` / ``AndMaybe`` combine them as dense arrays the size
of the segment, and the top ``limit`` are picked with a partial sort: the cost of a
query is a few array operations per posting block, not Python calls per posting.

The scores are Whoosh's (``FastBM25F``, sums for Or and And, boosts as Whoosh applies
them) up to float rounding; tests/test_search_vector.py compares them. A query of
another kind, or another scorer, returns None and the caller asks Whoosh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher

from kbapp.search.cancel import checkpoint
from kbapp.search.scoring import FastBM25F, _FastScorer

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Ids = NDArray[np.int64]
    Scores = NDArray[np.float64]

_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)
_WEIGHTING = FastBM25F()
_MAX_CACHED = 64
_lengths: OrderedDict[int, tuple[list[int], Any]] = OrderedDict()  # id(length list) -> (it, its array)
_lengths_lock = threading.Lock()


class Unsupported(Exception):
    """A query or posting format this module does not score: ask Whoosh."""


def _length_array(lengths: list[int]) -> NDArray[np.float64]:
    key = id(lengths)
    with _lengths_lock:
        cached = _lengths.get(key)
        if cached is not None and cached[0] is lengths:
            _lengths.move_to_end(key)
            return cached[1]
    array = np.asarray(lengths, dtype=np.float64)
    with _lengths_lock:
        _lengths[key] = (lengths, array)  # the list is kept alive with it: its id stays its own
        while len(_lengths) > _MAX_CACHED:
            _lengths.popitem(last=False)
    return array


_MAX_CACHED_POSTINGS = 2_000_000  # postings kept decoded (16 bytes each: 32 MB at most)
_postings_cache: OrderedDict[tuple, tuple[Ids, NDArray[np.float64]]] = OrderedDict()
_postings_held = [0]


def _cached_postings(reader: Any, field: str, text: str) -> tuple[Ids, NDArray[np.float64]]:
    """``_postings``, kept for the segment's life (segments never change once written;
    deletions are masked later): typing a query asks for the same terms keystroke after
    keystroke, and decoding a common term's blocks is most of what is left of a query."""
    segment = reader.segment() if reader.is_atomic() else None
    if segment is None:
        return _postings(reader, field, text)
    key = (segment.segment_id(), reader.doc_count_all(), field, text)
    with _lengths_lock:
        found = _postings_cache.get(key)
        if found is not None:
            _postings_cache.move_to_end(key)
            return found
    found = _postings(reader, field, text)
    with _lengths_lock:
        _postings_cache[key] = found
        _postings_held[0] += found[0].size
        while _postings_held[0] > _MAX_CACHED_POSTINGS and len(_postings_cache) > 1:
            _key, (ids, _weights) = _postings_cache.popitem(last=False)
            _postings_held[0] -= ids.size
    return found


def _postings(reader: Any, field: str, text: str) -> tuple[Ids, NDArray[np.float64]]:
    """A term's document numbers and weights (term frequencies), deletions included."""
    matcher = reader.postings(field, text)
    while not isinstance(matcher, W3LeafMatcher):  # a deletion filter: deletions are masked later
        child = getattr(matcher, "child", None)
        if child is None:
            raise Unsupported(type(matcher).__name__)
        matcher = child
    leaf: Any = matcher  # its block internals are not in Whoosh's types
    id_parts, weight_parts = [], []
    while leaf.is_active():
        if leaf._data is None:
            leaf._read_data()
        raw, weights = leaf._data[0], leaf._data[1]
        count = int(leaf._blocklength)
        ids = np.asarray(raw, dtype=np.int64)
        if not leaf._byteids:
            ids = np.cumsum(ids)
        if weights is None:
            w = np.ones(count, dtype=np.float64)
        elif isinstance(weights, float):
            w = np.full(count, weights, dtype=np.float64)
        else:
            w = np.asarray(weights, dtype=np.float64)
        id_parts.append(ids)
        weight_parts.append(w)
        leaf._next_block()
    if not id_parts:
        return _EMPTY_IDS, _EMPTY_SCORES
    return np.concatenate(id_parts), np.concatenate(weight_parts)


def _term(sub: Any, q: wq.Term) -> tuple[Ids, Scores]:
    checkpoint()  # (a common term's postings at 50,000 documents: milliseconds)
    reader = sub.reader()
    if (q.fieldname, q.text) not in reader:
        return _EMPTY_IDS, _EMPTY_SCORES
    scorer = _WEIGHTING.scorer(sub, q.fieldname, q.text)
    if not isinstance(scorer, _FastScorer):
        raise Unsupported("scorer")
    ids, tf = _cached_postings(reader, q.fieldname, q.text)
    lengths = _length_array(scorer._lengths)
    scores = scorer._c * tf / (tf + scorer._a + scorer._b * lengths[ids])
    if q.boost != 1.0:
        scores *= q.boost
    return ids, scores


def _node(sub: Any, q: wq.Query, size: int) -> tuple[Ids, Scores]:
    if isinstance(q, wq.Term):
        return _term(sub, q)
    if isinstance(q, wq.AndMaybe):
        ids, scores = _node(sub, q.a, size)
        if ids.size:
            extra_ids, extra = _node(sub, q.b, size)
            dense = np.zeros(size, dtype=np.float64)
            dense[extra_ids] = extra
            scores = scores + dense[ids]
        return _boosted(ids, scores, q.boost)
    if isinstance(q, (wq.Or, wq.And)) and type(q) in (wq.Or, wq.And):
        children = [_node(sub, child, size) for child in q.children()]
        if not children:
            return _EMPTY_IDS, _EMPTY_SCORES
        if len(children) == 1:
            ids, scores = children[0]
            return _boosted(ids, scores, q.boost)
        total = np.zeros(size, dtype=np.float64)
        count = np.zeros(size, dtype=np.int32)
        for ids, scores in children:
            total[ids] += scores  # a term's ids are unique: no two adds to one place
            count[ids] += 1
        ids = np.flatnonzero(count >= (len(children) if isinstance(q, wq.And) else 1)).astype(np.int64)
        return _boosted(ids, total[ids], q.boost)
    if q is wq.NullQuery:
        return _EMPTY_IDS, _EMPTY_SCORES
    raise Unsupported(type(q).__name__)


def _boosted(ids: Ids, scores: Scores, boost: float) -> tuple[Ids, Scores]:
    return (ids, scores * boost) if boost != 1.0 else (ids, scores)


def score_all(searcher: Any, q: wq.Query, allowed: set[int] | None = None) -> tuple[Ids, Scores]:
    """Every document ``q`` matches (global numbers, ascending) and its score; only those
    in ``allowed`` when given. Raises Unsupported for what it cannot score."""
    q = q.normalize()
    id_parts, score_parts = [], []
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        ids, scores = _node(sub, q, reader.doc_count_all())
        if ids.size == 0:
            continue
        deleted = getattr(reader, "deleted_docs_set", None)
        if deleted:
            keep = ~np.isin(ids, np.fromiter(deleted, dtype=np.int64, count=len(deleted)))
            ids, scores = ids[keep], scores[keep]
        id_parts.append(ids + offset)
        score_parts.append(scores)
    if not id_parts:
        return _EMPTY_IDS, _EMPTY_SCORES
    ids, scores = np.concatenate(id_parts), np.concatenate(score_parts)
    if allowed is not None:
        keep = np.isin(ids, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
        ids, scores = ids[keep], scores[keep]
    return ids, scores


def top(ids: Ids, scores: Scores, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best, by score and then document number (as Whoosh orders them)."""
    if ids.size > limit * 4:
        kth = np.partition(scores, ids.size - limit)[ids.size - limit]
        keep = scores >= kth  # ties at the edge stay, to be ordered by number
        ids, scores = ids[keep], scores[keep]
    order = np.lexsort((ids, -scores))[:limit]
    return [(int(ids[i]), float(scores[i])) for i in order]
