"""Writes in O(changed): adding a document appends one line to the manifest's journal
and keeps the open index; the journal is folded into the manifest now and then; every
process reads the same documents from the two files."""

from __future__ import annotations

import json

from kbhelpers import open_kb, playbook_text, write_library
from test_index import LIBRARY, found

import kbapp.search.index as index_module
from kbapp.parser import parse_file
from kbapp.search.index import JOURNAL_NAME, SearchIndex


def new_doc(kb, n: int):
    path = write_library(kb.home.library, {f"new-{n}.md": playbook_text(
        f"new-{n}", f"新文档{n}", f"New {n}", symptoms=f"- 独有词 zyzzyva{n}。")}) / f"new-{n}.md"
    doc, _ = parse_file(path, doc_id_hint=f"new-{n}")
    return doc


def journal_lines(kb) -> list[dict]:
    path = kb.home.index / JOURNAL_NAME
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_adding_one_document_does_not_rewrite_the_manifest(tmp_path, monkeypatch):
    kb = open_kb(tmp_path, LIBRARY)
    try:
        kb.sync_index()
        manifest = kb.home.index / "manifest.json"
        before = (manifest.stat().st_mtime_ns, manifest.stat().st_size, manifest.read_bytes())
        opened: list[str] = []
        monkeypatch.setattr(index_module.windex, "open_dir", lambda *a, **k: opened.append("open") or None)
        kb.add_document(new_doc(kb, 1))
        assert found(kb, "zyzzyva1") == ["new-1"]
        assert (manifest.stat().st_mtime_ns, manifest.stat().st_size, manifest.read_bytes()) == before
        assert opened == []  # the open index was kept, not opened again
        [line] = journal_lines(kb)  # the one change
        assert list(line["set"]) == ["new-1"] and line["del"] == []
    finally:
        kb.close()


def test_another_process_reads_the_journal(tmp_path):
    kb = open_kb(tmp_path, LIBRARY)
    try:
        kb.sync_index()
        for n in range(3):
            kb.add_document(new_doc(kb, n))
        kb.remove_document("beta")
        other = SearchIndex(kb.home.index)
        try:
            assert not other.needs_rebuild()
            assert set(other._manifest["docs"]) == {"alpha", "gamma", "new-0", "new-1", "new-2"}
            assert [h.id for h in other.search("zyzzyva2").hits] == ["new-2"]
            kb.add_document(new_doc(kb, 3))  # seen by the other reader on its next search
            assert [h.id for h in other.search("zyzzyva3").hits] == ["new-3"]
        finally:
            other.close()
    finally:
        kb.close()


def test_the_journal_is_folded_into_the_manifest(tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "COMPACT_LINES", 2)
    kb = open_kb(tmp_path, LIBRARY)
    try:
        kb.sync_index()
        base = json.loads((kb.home.index / "manifest.json").read_text(encoding="utf-8"))["base"]
        kb.add_document(new_doc(kb, 0))
        kb.add_document(new_doc(kb, 1))
        assert len(journal_lines(kb)) == 2
        kb.add_document(new_doc(kb, 2))
        kb.add_document(new_doc(kb, 3))  # the third change: folded, then one line
        manifest = json.loads((kb.home.index / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["base"] != base and [list(line["set"]) for line in journal_lines(kb)] == [["new-3"]]
        assert {"new-0", "new-1", "new-2"} <= set(manifest["docs"])
        assert set(SearchIndex(kb.home.index)._read_manifest()["docs"]) == set(kb.library.hashes())
    finally:
        kb.close()


def test_a_change_too_long_for_the_journal_is_folded_at_once(tmp_path, monkeypatch):
    """Re-indexing most of a library writes the manifest, not a journal line as long as it
    that every later process would read on top."""
    kb = open_kb(tmp_path, LIBRARY)
    try:
        kb.sync_index()
        kb.add_document(new_doc(kb, 0))
        assert len(journal_lines(kb)) == 1
        monkeypatch.setattr(index_module, "COMPACT_BYTES", (kb.home.index / JOURNAL_NAME).stat().st_size + 50)
        kb.add_document(new_doc(kb, 1))  # a line of the same length would pass the limit
        assert journal_lines(kb) == []
        manifest = json.loads((kb.home.index / "manifest.json").read_text(encoding="utf-8"))
        assert {"new-0", "new-1"} <= set(manifest["docs"])
        other = SearchIndex(kb.home.index)
        try:
            assert [h.id for h in other.search("zyzzyva1").hits] == ["new-1"]
        finally:
            other.close()
    finally:
        kb.close()


def test_journal_lines_of_an_older_manifest_are_ignored(tmp_path):
    kb = open_kb(tmp_path, LIBRARY)
    try:
        kb.sync_index()
        kb.add_document(new_doc(kb, 0))
        kb.add_document(new_doc(kb, 1))
        journal = kb.home.index / JOURNAL_NAME
        stale = journal.read_text(encoding="utf-8")
        kb.sync_index(force=True)  # a rebuild: a new manifest, a new base
        journal.write_text(stale + '{"base": "cut sh', encoding="utf-8")  # and a line a crash cut short
        other = SearchIndex(kb.home.index)
        try:
            assert not other.needs_rebuild()
            assert len(other._manifest["docs"]) == kb.document_count()
        finally:
            other.close()
    finally:
        kb.close()


def test_empty_query_lists_by_kind_and_title_reading_only_the_shown_documents(tmp_path, monkeypatch):
    library = {f"doc-{n}.md": playbook_text(f"doc-{n}", f"标题{9 - n}", f"T{n}", kind="document") for n in range(6)}
    library["pb.md"] = playbook_text("pb", "一个预案", "A playbook")
    kb = open_kb(tmp_path, library)
    try:
        kb.sync_index()
        kb.add_document(new_doc(kb, 0))  # a second segment: the order spans both
        kb.remove_document("doc-2")
        from whoosh.reading import SegmentReader

        read: list[int] = []
        original = SegmentReader.stored_fields
        monkeypatch.setattr(SegmentReader, "stored_fields",
                            lambda self, docnum: read.append(docnum) or original(self, docnum))
        results = kb.search("", limit=4)
        assert [(h.kind, h.title) for h in results.hits] == [
            ("document", "标题4"), ("document", "标题5"), ("document", "标题6"), ("document", "标题8")]
        assert results.total == 7 and len(read) == 4
        assert [h.title for h in kb.search("", kind="playbook").hits] == ["一个预案", "新文档0"]
    finally:
        kb.close()


def test_an_added_document_keeps_the_readers_of_unchanged_segments(tmp_path):
    kb = open_kb(tmp_path, LIBRARY)
    try:
        kb.sync_index()
        assert found(kb, "aardvark") == ["alpha"]
        first = [r for r, _ in kb.index.searcher().reader().leaf_readers()]
        kb.add_document(new_doc(kb, 0))
        now = [r for r, _ in kb.index.searcher().reader().leaf_readers()]
        assert first[0] in now and len(now) == len(first) + 1  # the built segment's reader, kept
        assert found(kb, "zyzzyva0") == ["new-0"] and found(kb, "aardvark") == ["alpha"]
        kb.remove_document("alpha")  # a deletion in that segment: its reader is opened again
        assert found(kb, "aardvark") == [] and first[0] not in [r for r, _ in kb.index.searcher().reader().leaf_readers()]
    finally:
        kb.close()
