"""Queries scored over whole posting lists (kbapp.search.vector) score as Whoosh does,
so a query of the most common words no longer walks every posting in Python."""

from __future__ import annotations

import pytest
from kbhelpers import open_kb, playbook_text
from whoosh import query as wq

from kbapp.parser import parse_file
from kbapp.search import ranking, vector
from kbapp.search.query import fields_query, preloaded
from kbapp.search.scoring import FastBM25F


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("vector")
    kb = open_kb(tmp_path)  # the shipped playbooks
    kb.sync_index()
    # a second segment and a deletion: numbering across segments, deleted postings skipped
    path = tmp_path / "home" / "library" / "extra.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(playbook_text("extra", "数据库备份失败", "Database backup failed",
                                  symptoms="- 数据库 备份 失败 disk full。"), encoding="utf-8")
    doc, _ = parse_file(path, doc_id_hint="extra")
    kb.add_document(doc)
    victim = next(d.id for d in kb.documents() if d.id != "extra")
    kb.remove_document(victim)
    yield kb
    kb.close()


QUERIES = [
    fields_query("数据库"),
    fields_query("disk"),
    wq.And([fields_query("数据库"), fields_query("备份")]),
    wq.Or([fields_query("数据"), fields_query("恢复", 0.8), wq.And([fields_query("disk"), fields_query("full")])]),
    wq.AndMaybe(fields_query("备份"), wq.Or([fields_query("失败"), fields_query("nginx")])),
    wq.And([fields_query("没有的词"), fields_query("备份")]),
]


@pytest.mark.parametrize("number", range(len(QUERIES)))
def test_scores_are_whooshs(kb, number):
    q = QUERIES[number]
    searcher = kb.index.searcher()
    expected = {hit.docnum: hit.score for hit in searcher.search(preloaded(q), limit=None)}
    ids, scores = vector.score_all(searcher, q)
    got = dict(zip(ids.tolist(), scores.tolist(), strict=True))
    assert set(got) == set(expected)
    for doc, score in expected.items():
        assert got[doc] == pytest.approx(score, rel=1e-6)


def test_top_orders_by_score_then_number_and_filters(kb):
    searcher = kb.index.searcher()
    q = fields_query("数据库")
    ids, scores = vector.score_all(searcher, q)
    best = vector.top(ids, scores, 3)
    expected = [(hit.docnum, hit.score) for hit in searcher.search(preloaded(q), limit=3)]
    assert [d for d, _ in best] == [d for d, _ in expected]
    allowed = set(searcher.docs_for_query(wq.Term("kind", "playbook")))
    kept, _ = vector.score_all(searcher, q, allowed)
    assert kept.size and set(kept.tolist()) <= allowed


def test_another_scorer_is_left_to_whoosh(kb, monkeypatch):
    monkeypatch.setattr(vector, "_WEIGHTING", type("Plain", (FastBM25F,), {"scorer": lambda self, *a, **k: None})())
    with pytest.raises(vector.Unsupported):
        vector.score_all(kb.index.searcher(), fields_query("数据库"))
    assert kb.search("数据库").hits  # the search still answers, through Whoosh


RANKED_QUERIES = ["数据库 备份", "disk full", "nginx 502 排查", "pods keep restarting in a crash loop",
                  "数据库服务拉不起来了", "配置丢失 怎么办", "误删 文件 恢复", "ORA-00600", "备份"]


@pytest.mark.parametrize("text", RANKED_QUERIES)
def test_a_one_query_process_ranks_as_the_window_does(kb, text):
    """A `kbapp` command on a small library scores with Whoosh (no numpy to import);
    the window scores with numpy: the same documents in the same order either way."""
    assert kb.index.searcher().doc_count_all() < ranking.ONE_QUERY_VECTOR_MIN_DOCS
    kb.index.one_query = False
    window = kb.search(text, limit=10)
    kb.index.one_query = True
    try:
        command = kb.search(text, limit=10)
    finally:
        kb.index.one_query = False
    assert window.hits
    assert [h.id for h in command.hits] == [h.id for h in window.hits]
    assert [h.score for h in command.hits] == pytest.approx([h.score for h in window.hits], rel=1e-6)
    assert command.total == window.total


def test_a_one_query_process_scores_a_big_library_with_numpy(kb, monkeypatch):
    calls = []
    real = vector.score_all
    monkeypatch.setattr(vector, "score_all", lambda *a, **k: calls.append(1) or real(*a, **k))
    kb.index.one_query = True
    try:
        kb.search("数据库 备份")
        assert not calls
        monkeypatch.setattr(ranking, "ONE_QUERY_VECTOR_MIN_DOCS", 1)
        kb.search("数据库 备份")
        assert calls
    finally:
        kb.index.one_query = False


def test_a_stopped_search_raises_and_leaves_the_index_sound(kb):
    from kbapp.search.cancel import SearchCancelled, checkpoint, stoppable

    reached = []

    def stop_after_three() -> bool:
        reached.append(1)
        return len(reached) > 3

    for one_query in (False, True):  # numpy's scoring and Whoosh's
        kb.index.one_query = one_query
        reached.clear()
        try:
            with pytest.raises(SearchCancelled), stoppable(stop_after_three):
                kb.search("数据库 备份 失败 disk full nginx", limit=10)
        finally:
            kb.index.one_query = False
        assert len(reached) == 4  # it stopped at the first checkpoint after the flag
    assert kb.index.take_read_failure() is None and kb.take_index_notice() is None
    assert kb.search("数据库 备份").hits  # not marked damaged, nothing rebuilt
    checkpoint()  # outside `stoppable`: nothing to stop
