"""The on-disk index: incremental sync, add without rebuild, corruption recovery, and
one writer at a time across processes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from kbhelpers import cli_env, open_kb, playbook_text, run_cli, write_library

import kbapp.search.generations as generations_module
import kbapp.search.index as index_module
from kbapp.parser import parse_file
from kbapp.search.index import SearchIndex

LIBRARY = {
    "alpha.md": playbook_text("alpha", "阿尔法预案", "Alpha", symptoms="- 独有词 aardvark 出现。"),
    "beta.md": playbook_text("beta", "贝塔预案", "Beta", symptoms="- 独有词 bobolink 出现。"),
    "gamma.md": "# 伽马笔记\n\n独有词 capybara 出现。\n",
}
UNIQUE = {"alpha": "aardvark", "beta": "bobolink", "gamma": "capybara"}


def found(kb, word: str) -> list[str]:
    return [h.id for h in kb.search(word).hits]


def index_files(kb) -> dict[str, tuple[int, int]]:
    """Every file of the index folder with its size and mtime. Not the library catalogue:
    it records when a file written a moment ago stops being racy (tests/test_catalogue.py)."""
    return {str(p.relative_to(kb.home.index)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(kb.home.index.rglob("*")) if p.is_file() and not p.name.startswith("catalogue.")}


# -- incremental sync -------------------------------------------------------------------


def test_sync_is_incremental_by_content_hash(tmp_path, indexed):
    kb = open_kb(tmp_path, LIBRARY)
    try:
        first = kb.sync_index()
        assert first.rebuilt and first.added == 3
        assert sorted(indexed) == ["alpha", "beta", "gamma"]
        before = index_files(kb)

        indexed.clear()
        second = kb.sync_index()
        assert (second.added, second.updated, second.removed, second.rebuilt) == (0, 0, 0, False)
        assert indexed == []
        assert index_files(kb) == before  # nothing written, not even the manifest

        # Touching a file without changing it is not a change.
        shipped = tmp_path / "shipped"
        (shipped / "alpha.md").write_text(LIBRARY["alpha.md"], encoding="utf-8")
        kb.reload_library()
        assert kb.sync_index().changed == 0 and indexed == []

        # Change one file: only that one is indexed again.
        (shipped / "beta.md").write_text(LIBRARY["beta.md"].replace("bobolink", "bushtit"), encoding="utf-8")
        kb.reload_library()
        report = kb.sync_index()
        assert (report.added, report.updated, report.removed, report.rebuilt) == (0, 1, 0, False)
        assert indexed == ["beta"]
        assert found(kb, "bushtit") == ["beta"] and found(kb, "bobolink") == []

        # A new file and a deleted file.
        indexed.clear()
        write_library(shipped, {"delta.md": "# 德尔塔\n\n独有词 dugong。\n"})
        (shipped / "gamma.md").unlink()
        kb.reload_library()
        report = kb.sync_index()
        assert (report.added, report.updated, report.removed) == (1, 0, 1)
        assert indexed == ["delta"]
        assert found(kb, "dugong") == ["delta"] and found(kb, "capybara") == []
        assert found(kb, "aardvark") == ["alpha"]
        assert kb.index.check(kb.documents()) == []
    finally:
        kb.close()


def test_status_reports_pending_changes(tmp_path):
    kb = open_kb(tmp_path, LIBRARY)
    try:
        assert kb.index.status().state == "missing"
        kb.sync_index()
        status = kb.index.status(kb.documents())
        assert (status.state, status.documents, status.pending) == ("ready", 3, {"added": 0, "updated": 0, "removed": 0})
        assert status.size_bytes > 0
        write_library(tmp_path / "shipped", {"new.md": "# 新的\n"})
        kb.reload_library()
        assert kb.index.status(kb.documents()).pending["added"] == 1
        assert kb.index.check(kb.documents()) == ["out of date: 1 new, 0 changed, 0 removed in the library"]
    finally:
        kb.close()


# -- one document without a rebuild ---------------------------------------------------------


def test_added_document_is_searchable_at_once(tmp_path, monkeypatch, indexed):
    kb = open_kb(tmp_path, LIBRARY)
    try:
        kb.sync_index()
        assert found(kb, "narwhal") == []  # an open searcher, which must see the new document
        indexed.clear()

        def no_rebuild(*args, **kwargs):
            raise AssertionError("a rebuild was started")

        monkeypatch.setattr(SearchIndex, "_rebuild", no_rebuild)
        path = write_library(kb.home.reports, {"incident-1.md": "---\nid: report-1\nkind: report\ntitle: 故障报告 "
                                               "独角鲸\n---\n# 故障报告\n\n处理过程提到 narwhal。\n"}) / "incident-1.md"
        doc, problems = parse_file(path)
        assert problems == []
        kb.add_document(doc)
        assert indexed == ["report-1"]
        assert found(kb, "narwhal") == ["report-1"]
        assert found(kb, "独角鲸") == ["report-1"]
        assert [h.id for h in kb.search("", kind="report").hits] == ["report-1"]
        assert kb.get("report-1") is doc

        # update_documents on a changed document replaces it.
        doc.body = doc.body.replace("narwhal", "nautilus")
        doc.content_hash = "changed"
        kb.index.update_documents([doc])
        assert found(kb, "nautilus") == ["report-1"] and found(kb, "narwhal") == []
    finally:
        kb.close()

    # Another KnowledgeBase on the same home reads the file and finds nothing to redo.
    kb2 = open_kb(tmp_path, tmp_path / "shipped")
    try:
        assert kb2.index.needs_rebuild() is False
        report = kb2.sync_index()
        assert not report.rebuilt
        assert found(kb2, "narwhal") == ["report-1"]  # the file on disk says narwhal
    finally:
        kb2.close()


# -- damage detected on open and repaired ---------------------------------------------------


def _live(index_root: Path) -> Path:
    """The Whoosh folder in use: the generation the manifest names."""
    return index_root / json.loads((index_root / "manifest.json").read_text(encoding="utf-8"))["dir"]


def _delete_toc(index_root: Path) -> None:
    for toc in _live(index_root).glob("*.toc"):
        toc.unlink()


def _truncate_segment(index_root: Path) -> None:
    segment = max(_live(index_root).glob("*.seg"), key=lambda p: p.stat().st_size)
    data = segment.read_bytes()
    segment.write_bytes(data[: len(data) // 2])


def _garbage_manifest(index_root: Path) -> None:
    (index_root / "manifest.json").write_bytes(b"\x00garbage{{{")


def _manifest_disagrees(index_root: Path) -> None:
    manifest = json.loads((index_root / "manifest.json").read_text(encoding="utf-8"))
    manifest["docs"]["ghost"] = "0" * 64
    (index_root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _delete_folder(index_root: Path) -> None:
    import shutil

    shutil.rmtree(_live(index_root))


@pytest.mark.parametrize("damage, state", [
    (_delete_toc, "missing"),
    (_truncate_segment, "damaged"),
    (_garbage_manifest, "damaged"),
    (_manifest_disagrees, "damaged"),
    (_delete_folder, "missing"),
    ("fingerprint", "stale"),
])
def test_damaged_index_is_detected_on_open_and_rebuilt(tmp_path, monkeypatch, damage, state):
    kb = open_kb(tmp_path, LIBRARY)
    # A document that lives only in the home: it must survive the rebuild too.
    write_library(kb.home.imported, {"runbook.md": "# 外部手册\n\n独有词 echidna。\n"})
    kb.reload_library()
    kb.sync_index()
    assert found(kb, "echidna") == ["imported/runbook"]
    kb.close()

    if damage == "fingerprint":
        # The analyzer or the dictionary changed since the index was built.
        monkeypatch.setattr(index_module, "config_fingerprint", lambda: "another-analyzer")
    else:
        damage(kb.home.index)

    kb = open_kb(tmp_path, tmp_path / "shipped")
    try:
        assert kb.index.needs_rebuild()
        assert kb.index.status().state == state
        assert kb.search("aardvark").hits == []  # no error from a damaged index, just nothing
        report = kb.sync_index()
        assert report.rebuilt and report.added == 4 and report.reason
        for doc_id, word in {**UNIQUE, "imported/runbook": "echidna"}.items():
            assert found(kb, word) == [doc_id]
        assert kb.index.check(kb.documents()) == []
        assert not kb.index.needs_rebuild()
    finally:
        kb.close()


# -- one writer at a time across processes ----------------------------------------------------

HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from kbapp.search.index import SearchIndex

    index = SearchIndex(Path(sys.argv[1]))
    with index._locked():
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    print("released", flush=True)
""")

HOLD_WHOOSH_WRITER = textwrap.dedent("""
    import sys, time
    from whoosh import index as windex

    import json
    from pathlib import Path

    manifest = json.loads((Path(sys.argv[1]) / "manifest.json").read_text(encoding="utf-8"))
    ix = windex.open_dir(str(Path(sys.argv[1]) / manifest["dir"]))
    writer = ix.writer()
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    writer.cancel()
    ix.close()
    print("released", flush=True)
""")


@pytest.mark.slow
@pytest.mark.parametrize("holder", [HOLD_LOCK, HOLD_WHOOSH_WRITER], ids=["kbapp-lock", "whoosh-lock"])
def test_second_writer_waits_for_the_first(tmp_path, holder):
    kb = open_kb(tmp_path, LIBRARY)
    try:
        kb.sync_index()
        hold_s = 1.5
        with subprocess.Popen([sys.executable, "-c", holder, str(kb.home.index), str(hold_s)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env()) as child:
            try:
                assert child.stdout.readline().strip() == "locked", child.stderr.read()
                start = time.monotonic()
                path = write_library(kb.home.library, {"late.md": "# 晚到的文档\n\n独有词 quokka。\n"}) / "late.md"
                doc, _ = parse_file(path)
                kb.add_document(doc)  # waits for the other process instead of failing
                waited = time.monotonic() - start
                assert child.wait(timeout=30) == 0, child.stderr.read()
            finally:
                if child.poll() is None:
                    child.kill()
        assert waited > hold_s / 2
        assert found(kb, "quokka") == ["late"]
    finally:
        kb.close()


ADD_ONE = textwrap.dedent("""
    import sys
    from pathlib import Path
    import kbapp.search.index as index_module
    from kbapp.facade import KnowledgeBase
    from kbapp.parser import parse_file

    index_module.WRITE_LOCK_TIMEOUT_S = 5  # fail fast instead of waiting two minutes
    kb = KnowledgeBase.open(home=sys.argv[1], shipped_dir=Path(sys.argv[2]))
    path = kb.home.library / "other.md"
    path.write_text("# 另一个进程\\n\\n独有词 wombat。\\n", encoding="utf-8")
    doc, _ = parse_file(path)
    kb.add_document(doc)
    print("done", flush=True)
""")


@pytest.mark.slow
def test_an_open_knowledge_base_does_not_keep_other_writers_out(tmp_path):
    """The GUI keeps its KnowledgeBase open for hours; a command line import meanwhile
    must not wait for it (the write lock used to stay taken after the first write)."""
    kb = open_kb(tmp_path, LIBRARY)
    try:
        kb.sync_index()
        kb.add_document(parse_file(write_library(kb.home.library, {"mine.md": "# 我的\n"}) / "mine.md")[0])
        start = time.monotonic()
        result = subprocess.run([sys.executable, "-c", ADD_ONE, str(kb.home.root), str(tmp_path / "shipped")],
                                capture_output=True, text=True, env=cli_env(), timeout=60)
        assert result.returncode == 0 and result.stdout.strip() == "done", result.stderr[-2000:]
        assert time.monotonic() - start < 5
        kb.reload_library()
        assert kb.sync_index().changed == 0
        assert found(kb, "wombat") == ["other"]
    finally:
        kb.close()


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from kbapp.facade import KnowledgeBase
    from kbapp.parser import parse_file

    home, shipped, name = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    kb = KnowledgeBase.open(home=home, shipped_dir=shipped)
    for i in range(5):
        path = kb.home.library / f"{name}-{i}.md"
        path.write_text(f"# {name} {i}\\n\\n独有词 {name}word{i}。\\n", encoding="utf-8")
        doc, _ = parse_file(path, doc_id_hint=f"{name}-{i}")
        kb.add_document(doc)
    kb.close()
    print("done", flush=True)
""")


@pytest.mark.slow
def test_two_processes_writing_at_once_both_succeed(tmp_path):
    kb = open_kb(tmp_path, LIBRARY)
    kb.sync_index()
    kb.close()
    shipped, home = tmp_path / "shipped", tmp_path / "home"
    children = [subprocess.Popen([sys.executable, "-c", WRITER, str(home), str(shipped), name],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env())
                for name in ("left", "right")]
    for child in children:
        with child:
            out, err = child.communicate(timeout=120)
        assert child.returncode == 0 and out.strip() == "done", err
    kb = open_kb(tmp_path, shipped)
    try:
        report = kb.sync_index()
        assert (report.changed, report.rebuilt) == (0, False)
        for name in ("left", "right"):
            for i in range(5):
                assert found(kb, f"{name}word{i}") == [f"{name}-{i}"]
    finally:
        kb.close()


# -- any unreadable index is rebuilt (issue 18) --------------------------------------------------

def _random_toc(index_root: Path) -> None:
    import os

    for toc in _live(index_root).glob("*.toc"):
        toc.write_bytes(os.urandom(max(toc.stat().st_size, 16)))


def _random_everything(index_root: Path) -> None:
    import os

    for path in _live(index_root).iterdir():
        path.write_bytes(os.urandom(max(path.stat().st_size, 16)))


def _truncate_everything(index_root: Path) -> None:
    for path in _live(index_root).iterdir():
        path.write_bytes(path.read_bytes()[:7])


HOSTILE_DAMAGE = [_random_toc, _random_everything, _truncate_everything]


@pytest.mark.parametrize("damage", HOSTILE_DAMAGE)
def test_random_bytes_over_the_index_are_followed_by_a_rebuild(tmp_path, damage):
    kb = open_kb(tmp_path, LIBRARY)
    kb.sync_index()
    kb.close()
    damage(kb.home.index)

    kb = open_kb(tmp_path, tmp_path / "shipped")
    try:
        assert kb.index.status().state == "damaged"
        assert kb.search("aardvark").hits == []  # nothing, not an exception
        report = kb.sync_index()
        assert report.rebuilt and "cannot be opened" in report.reason
        assert found(kb, "aardvark") == ["alpha"]
        assert kb.index.check(kb.documents()) == []
    finally:
        kb.close()


def test_a_segment_failing_on_the_first_search_is_rebuilt_and_searched_again(tmp_path, monkeypatch):
    kb = open_kb(tmp_path, LIBRARY)
    try:
        kb.sync_index()
        real = index_module.SearchIndex.searcher
        calls = []

        def failing_once(self):
            if not calls:
                calls.append(1)
                self._ensure_open()
                try:
                    import struct

                    struct.unpack("<i", b"\x00")
                except struct.error as exc:
                    self._mark_damaged(exc, "the index cannot be read", reading=True)
                return None
            return real(self)

        monkeypatch.setattr(index_module.SearchIndex, "searcher", failing_once)
        assert found(kb, "aardvark") == ["alpha"]  # rebuilt, then asked again
        notice = kb.take_index_notice()
        assert notice and "rebuilt" in notice and "unpack requires" in notice
        assert kb.take_index_notice() is None  # shown once
    finally:
        kb.close()


def test_a_search_that_fails_reading_marks_the_index_damaged(tmp_path, monkeypatch):
    import kbapp.search.searching as searching

    kb = open_kb(tmp_path, LIBRARY)
    try:
        kb.sync_index()

        def broken(*args, **kwargs):
            raise EOFError("damaged posting list")

        monkeypatch.setattr(searching, "run_search", broken)
        assert kb.index.search("aardvark").hits == []
        assert kb.index.status().state == "damaged"
        assert "EOFError" in kb.index.take_read_failure()
        monkeypatch.undo()
        assert kb.sync_index().rebuilt
        assert found(kb, "aardvark") == ["alpha"]
    finally:
        kb.close()


def test_debris_of_an_interrupted_rebuild_is_removed_on_open(tmp_path):
    kb = open_kb(tmp_path, LIBRARY)
    kb.sync_index()
    kb.close()
    for name in ("whoosh.new", "whoosh.old"):
        (kb.home.index / name).mkdir()
        (kb.home.index / name / "_MAIN_1.toc").write_bytes(b"half written")
    kb = open_kb(tmp_path, tmp_path / "shipped")
    try:
        assert not kb.index.needs_rebuild()
        assert not (kb.home.index / "whoosh.new").exists() and not (kb.home.index / "whoosh.old").exists()
        assert found(kb, "aardvark") == ["alpha"]
    finally:
        kb.close()


@pytest.mark.parametrize("damage", HOSTILE_DAMAGE)
def test_cli_search_on_a_damaged_index_rebuilds_with_one_notice(tmp_path, damage):
    home = tmp_path / "home"
    first = run_cli("search", "数据丢失", home=home)
    assert first.returncode == 0, first.stderr
    damage(home / "index")
    proc = run_cli("search", "数据丢失", home=home)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    notices = [line for line in proc.stderr.splitlines() if "rebuilt" in line]
    assert len(notices) == 1 and "cannot be opened" in notices[0], proc.stderr
    assert proc.stdout.splitlines()[0] == first.stdout.splitlines()[0]


# -- generations: a rebuild never renames a folder (Windows refuses one that is open) ------------

def _no_folder_renames(monkeypatch):
    """Emulate Windows: renaming a folder that another process holds a file in fails."""
    import os

    real_rename, real_replace = os.rename, os.replace

    def refuse(real):
        def rename(src, dst, *args, **kwargs):
            if os.path.isdir(src):
                raise PermissionError(13, "Access is denied (folder in use)", str(src))
            return real(src, dst, *args, **kwargs)
        return rename

    monkeypatch.setattr(os, "rename", refuse(real_rename))
    monkeypatch.setattr(os, "replace", refuse(real_replace))


def test_a_rebuild_writes_a_new_generation_named_in_the_manifest(tmp_path, monkeypatch):
    _no_folder_renames(monkeypatch)
    kb = open_kb(tmp_path, LIBRARY)
    try:
        kb.sync_index()
        first = _live(kb.home.index)
        assert first.name.startswith("whoosh-") and kb.index.dir == first
        report = kb.index.sync(kb.documents(), force=True)
        assert report.rebuilt
        second = _live(kb.home.index)
        assert second != first and int(second.name.split("-")[1]) > int(first.name.split("-")[1])
        assert not first.exists()  # the old generation is gone once nothing holds it
        assert found(kb, "aardvark") == ["alpha"] and kb.index.check(kb.documents()) == []
    finally:
        kb.close()


def test_an_old_generation_still_in_use_is_removed_later(tmp_path, monkeypatch):
    kb = open_kb(tmp_path, LIBRARY)
    kb.sync_index()
    first = _live(kb.home.index)
    real_rmtree = generations_module.shutil.rmtree

    def held_open(path, ignore_errors=False, **kwargs):  # Windows: a file inside is open elsewhere
        if Path(path) == first:
            return None
        return real_rmtree(path, ignore_errors=ignore_errors, **kwargs)

    monkeypatch.setattr(generations_module.shutil, "rmtree", held_open)
    try:
        assert kb.index.sync(kb.documents(), force=True).rebuilt
        assert first.exists() and _live(kb.home.index) != first
        assert found(kb, "bobolink") == ["beta"]  # searched in the new one
    finally:
        kb.close()
    monkeypatch.undo()
    kb = open_kb(tmp_path, tmp_path / "shipped")
    try:
        assert not kb.index.needs_rebuild()
        assert not first.exists()  # the next open removed it
        assert found(kb, "capybara") == ["gamma"]
    finally:
        kb.close()


def test_another_reader_follows_a_rebuild_to_the_new_generation(tmp_path):
    kb = open_kb(tmp_path, LIBRARY)
    kb.sync_index()
    reader = SearchIndex(kb.home.index)
    try:
        assert [h.id for h in reader.search("aardvark").hits] == ["alpha"]
        write_library(kb.home.imported, {"late.md": "# 新文档\n\n独有词 wombat。\n"})
        kb.reload_library()
        assert kb.index.sync(kb.documents(), force=True).rebuilt
        assert [h.id for h in reader.search("wombat").hits] == ["imported/late"]
        assert reader.dir == kb.index.dir
    finally:
        reader.close()
        kb.close()


def test_an_index_written_before_generations_is_used_then_replaced(tmp_path):
    kb = open_kb(tmp_path, LIBRARY)
    kb.sync_index()
    kb.close()
    root = kb.home.index
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    (root / manifest.pop("dir")).rename(root / "whoosh")  # the old layout: whoosh/, no "dir"
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    kb = open_kb(tmp_path, tmp_path / "shipped")
    try:
        assert not kb.index.needs_rebuild() and kb.index.dir == root / "whoosh"
        assert found(kb, "aardvark") == ["alpha"]
        assert kb.index.sync(kb.documents(), force=True).rebuilt
        assert _live(root).name.startswith("whoosh-") and not (root / "whoosh").exists()
    finally:
        kb.close()
