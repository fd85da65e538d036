"""The library catalogue: a new process syncs the index without parsing unchanged files,
and still sees every edit, deletion and file the app wrote itself."""

from __future__ import annotations

import os
import sqlite3
import time

import pytest
from kbhelpers import open_kb, playbook_text, run_cli, write_library

import kbapp.catalogue as catalogue_module
import kbapp.parser as parser_module
from kbapp.catalogue import RACY_NS, Entry
from kbapp.parser import parse_file

LIBRARY = {
    "alpha.md": playbook_text("alpha", "阿尔法预案", "Alpha", symptoms="- 独有词 aardvark 出现。"),
    "beta.md": playbook_text("beta", "贝塔预案", "Beta", symptoms="- 独有词 bobolink 出现。"),
    "gamma.md": "# 伽马笔记\n\n独有词 capybara 出现。\n",
}
HOUR_NS = 3600 * 10**9


@pytest.fixture
def parses(monkeypatch):
    """The files the parser reads, in order (every parse goes through parse_bytes)."""
    parsed: list[str] = []
    original = parser_module.parse_bytes

    def counting(raw, path, **kwargs):
        parsed.append(path.name)
        return original(raw, path, **kwargs)

    monkeypatch.setattr(parser_module, "parse_bytes", counting)
    return parsed


def age(folder, hours: float = 1) -> None:
    """Every file under ``folder`` last modified ``hours`` ago: not racy when next checked."""
    when = time.time_ns() - int(hours * HOUR_NS)
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(when, when))


def new_process(tmp_path):
    """A KnowledgeBase as a new ``kbapp`` process opens it: nothing loaded yet."""
    return open_kb(tmp_path, tmp_path / "shipped")


def found(kb, word: str) -> list[str]:
    return [h.id for h in kb.search(word).hits]


def index_files(kb) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(kb.home.index)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(kb.home.index.rglob("*")) if p.is_file()}


def first_sync(tmp_path, files=LIBRARY) -> None:
    shipped = write_library(tmp_path / "shipped", files)
    age(shipped)
    kb = open_kb(tmp_path, shipped)
    try:
        assert kb.sync_index().rebuilt
    finally:
        kb.close()


def test_unchanged_library_syncs_without_parsing_hashing_or_writing(tmp_path, parses, indexed):
    first_sync(tmp_path)
    assert sorted(parses) == ["alpha.md", "beta.md", "gamma.md"]  # each parsed once, for the index too
    parses.clear()
    indexed.clear()
    kb = new_process(tmp_path)
    try:
        before = index_files(kb)
        scan = kb.scan_library()
        assert (scan.files, scan.hashed, scan.parsed_count, scan.written) == (3, 0, 0, False)
        report = kb.sync_index()
        assert (report.changed, report.rebuilt, report.notice) == (0, False, "")
        assert parses == [] and indexed == []
        assert index_files(kb) == before  # neither the index, its manifest nor the catalogue written
        assert found(kb, "aardvark") == ["alpha"]
    finally:
        kb.close()


def test_edit_of_the_same_size_with_a_new_mtime_is_reindexed(tmp_path, parses, indexed):
    first_sync(tmp_path)
    beta = tmp_path / "shipped" / "beta.md"
    old = beta.stat()
    beta.write_text(LIBRARY["beta.md"].replace("bobolink", "bushtit!"), encoding="utf-8")
    os.utime(beta, ns=(old.st_mtime_ns + 10**9, old.st_mtime_ns + 10**9))
    assert beta.stat().st_size == old.st_size
    parses.clear()
    indexed.clear()
    kb = new_process(tmp_path)
    try:
        report = kb.sync_index()
        assert (report.added, report.updated, report.removed) == (0, 1, 0)
        assert parses == ["beta.md"] and indexed == ["beta"]
        assert found(kb, "bushtit") == ["beta"] and found(kb, "bobolink") == []
    finally:
        kb.close()


def test_a_touched_file_is_hashed_not_parsed(tmp_path, parses, indexed):
    first_sync(tmp_path)
    alpha = tmp_path / "shipped" / "alpha.md"
    os.utime(alpha, ns=(time.time_ns() - HOUR_NS // 2, time.time_ns() - HOUR_NS // 2))
    parses.clear()
    kb = new_process(tmp_path)
    try:
        scan = kb.scan_library()
        assert (scan.hashed, scan.parsed_count, scan.written) == (1, 0, True)  # the new mtime is recorded
        assert kb.sync_index().changed == 0 and parses == []
        assert kb.scan_library().hashed == 0
    finally:
        kb.close()


def test_deleted_file_disappears_from_results(tmp_path, parses):
    first_sync(tmp_path)
    (tmp_path / "shipped" / "gamma.md").unlink()
    parses.clear()
    kb = new_process(tmp_path)
    try:
        report = kb.sync_index()
        assert (report.added, report.updated, report.removed) == (0, 0, 1)
        assert parses == []
        assert found(kb, "capybara") == [] and found(kb, "aardvark") == ["alpha"]
    finally:
        kb.close()
    kb = new_process(tmp_path)
    try:
        scan = kb.scan_library()
        assert (scan.files, scan.removed, scan.written) == (2, 0, False)  # its entry went with it
    finally:
        kb.close()


def test_racy_edit_of_the_same_size_and_mtime_is_caught(tmp_path, parses):
    # Written and indexed within the same second: the catalogue cannot tell from stat
    # whether an edit came after it read the file, so it hashes the file next time.
    shipped = write_library(tmp_path / "shipped", LIBRARY)
    kb = open_kb(tmp_path, shipped)
    try:
        kb.sync_index()
    finally:
        kb.close()
    beta = shipped / "beta.md"
    old = beta.stat()
    beta.write_text(LIBRARY["beta.md"].replace("bobolink", "bushtit!"), encoding="utf-8")
    os.utime(beta, ns=(old.st_atime_ns, old.st_mtime_ns))  # same size, same mtime: stat sees nothing
    assert (beta.stat().st_size, beta.stat().st_mtime_ns) == (old.st_size, old.st_mtime_ns)
    parses.clear()
    kb = new_process(tmp_path)
    try:
        report = kb.sync_index()
        assert report.updated == 1 and parses == ["beta.md"]  # the unchanged racy files are hashed only
        assert found(kb, "bushtit") == ["beta"] and found(kb, "bobolink") == []
    finally:
        kb.close()


def test_racy_is_within_two_seconds_of_the_check():
    def entry(mtime_ns: int, checked_ns: int) -> Entry:
        return Entry("x.md", True, 1, mtime_ns, checked_ns, "x", "h", "{}", [])

    checked = 1_800_000_000 * 10**9
    assert entry(checked - RACY_NS, checked).racy() is False  # exactly 2 s older: trusted
    assert entry(checked - RACY_NS + 1, checked).racy() is True
    assert entry(checked, checked).racy() is True
    assert entry(checked + HOUR_NS, checked).racy() is True  # a file from the future is always hashed


def test_broken_catalogue_is_rebuilt_with_a_clear_message(tmp_path):
    home = tmp_path / "home"
    first = run_cli("search", "data loss", home=home)
    assert first.returncode == 0, first.stderr
    path = home / "index" / "catalogue.sqlite3"
    assert path.is_file()
    path.write_bytes(b"this is not a catalogue " * 200)
    result = run_cli("search", "data loss", home=home)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"kbapp: the library catalogue {path} was damaged (")
    assert "rebuilt it by reading every library file once" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert " id=" in result.stdout
    again = run_cli("search", "data loss", home=home)
    assert again.returncode == 0 and again.stderr == ""
    assert again.stdout == result.stdout


@pytest.mark.parametrize("damage", ["garbage row", "foreign table"])
def test_damaged_rows_rebuild_the_catalogue(tmp_path, parses, damage):
    first_sync(tmp_path)
    kb = new_process(tmp_path)
    path = kb.home.index / "catalogue.sqlite3"
    with sqlite3.connect(path) as db:
        if damage == "garbage row":
            db.execute("UPDATE files SET mtime_ns = 'yesterday' WHERE path LIKE '%alpha.md'")
        else:
            db.execute("CREATE TABLE other (x)")
    db.close()
    parses.clear()
    try:
        report = kb.sync_index()
        assert "was damaged" in report.notice and report.changed == 0
        assert sorted(parses) == ["alpha.md", "beta.md", "gamma.md"]
        assert kb.scan_library().notice == ""
    finally:
        kb.close()


def test_parser_version_change_reads_every_file_again(tmp_path, parses, monkeypatch):
    first_sync(tmp_path)
    monkeypatch.setattr(parser_module, "PARSER_VERSION", parser_module.PARSER_VERSION + 1)
    parses.clear()
    kb = new_process(tmp_path)
    try:
        report = kb.sync_index()
        assert report.updated == 3 and report.notice == ""  # new hashes: indexed again
        assert sorted(parses) == ["alpha.md", "beta.md", "gamma.md"]
    finally:
        kb.close()


def test_documents_the_app_writes_are_read_once(tmp_path, parses, indexed):
    """Reports, lessons, incidents: written into the home's library and indexed at once
    (library.add and index.update_documents); the next process parses the new file once
    and writes nothing to the index."""
    first_sync(tmp_path)
    kb = new_process(tmp_path)
    try:
        assert kb.library.count() == 3  # loaded before the file is written, as the window's is
        path = write_library(kb.home.library / "incidents", {"incident-7.md": playbook_text(
            "incident-7", "数据库宕机", "Database down", kind="document", symptoms="- 独有词 quokka。")}) / "incident-7.md"
        doc, _ = parse_file(path, doc_id_hint="incidents/incident-7")
        kb.add_document(doc)
        assert found(kb, "quokka") == ["incident-7"]
    finally:
        kb.close()
    age(tmp_path / "home" / "library")
    parses.clear()
    indexed.clear()
    kb = new_process(tmp_path)
    try:
        assert kb.sync_index().changed == 0
        assert parses == ["incident-7.md"] and indexed == []
        assert found(kb, "quokka") == ["incident-7"]
    finally:
        kb.close()
    parses.clear()
    kb = new_process(tmp_path)
    try:
        assert kb.sync_index().changed == 0 and parses == []
    finally:
        kb.close()


def test_catalogue_sees_the_library_the_window_sees(tmp_path, parses):
    """Overrides, duplicate ids, broken files and their problems: the same from the
    catalogue, parsed or not, as from parsing the whole library."""
    write_library(tmp_path / "shipped", {
        **LIBRARY,
        "sub/alpha-copy.md": playbook_text("alpha", "阿尔法副本", "Alpha copy"),
        "broken.md": "---\nid: [unclosed\n---\n# 坏的\n",
        "empty.md": "",
        "README.md": "# 不是文档\n",
        ".hidden/secret.md": "# 隐藏\n",
    })
    write_library(tmp_path / "home" / "library", {
        "beta.md": playbook_text("beta", "贝塔（本地）", "Beta local", symptoms="- 独有词 wombat。"),
        "README.md": "# 导入的说明\n\n独有词 numbat。\n",
    })
    age(tmp_path)

    def compare(parsed: int) -> None:
        kb = new_process(tmp_path)
        try:
            scan = kb.scan_library()
            assert scan.parsed_count == parsed
            library = kb.library  # parses everything
            assert {d: e.hash for d, e in scan.documents.items()} == {d.id: d.content_hash for d in kb.documents()}
            assert {d: e.path for d, e in scan.documents.items()} == {d.id: str(d.path) for d in kb.documents()}
            assert [str(p) for p in scan.problems] == [str(p) for p in library.problems()]
            assert scan.problems  # the broken, empty and duplicate files are all reported
        finally:
            kb.close()

    compare(parsed=8)
    compare(parsed=0)  # from the catalogue this time

    kb = new_process(tmp_path)
    try:
        kb.sync_index()
        assert found(kb, "wombat") == ["beta"] and found(kb, "bobolink") == []
        (tmp_path / "home" / "library" / "beta.md").unlink()
        kb.close()
        kb = new_process(tmp_path)
        assert kb.sync_index().updated == 1  # the shipped beta is back: read from its unchanged file
        assert found(kb, "bobolink") == ["beta"] and found(kb, "wombat") == []
    finally:
        kb.close()


def test_unreadable_catalogue_folder_still_searches(tmp_path, monkeypatch):
    first_sync(tmp_path)

    def refuse(self):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(catalogue_module.Catalogue, "_connect", refuse)
    write_library(tmp_path / "shipped", {"delta.md": "# 德尔塔笔记\n\n独有词 dugong 出现。\n"})  # a scan is needed
    kb = new_process(tmp_path)
    try:
        report = kb.sync_index()
        assert "cannot be used (unable to open database file)" in report.notice and report.added == 1
        assert found(kb, "aardvark") == ["alpha"] and found(kb, "dugong") == ["delta"]
    finally:
        kb.close()


def _old_iter_markdown_files(root, skip_readme=True):
    """The walk before the catalogue (sorted rglob), to compare with."""
    from kbapp.library import _SKIPPED_NAMES, MARKDOWN_SUFFIXES

    if root.is_file():
        return [root]
    found = []
    for path in sorted(root.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        if skip_readme and path.name.lower() in _SKIPPED_NAMES:
            continue
        if path.is_file() and path.suffix.lower() in MARKDOWN_SUFFIXES:
            found.append(path)
    return found


@pytest.mark.parametrize("skip_readme", [True, False])
def test_walk_finds_what_the_library_always_read(tmp_path, skip_readme):
    from kbapp.library import iter_markdown_files, walk_markdown

    root = write_library(tmp_path / "lib", {
        "b.md": "#", "a.MD": "#", "A-upper.md": "#", "z.txt": "#", "notes.markdown": "#", "x.mdown": "#",
        "image.png": b"\x89PNG", "no-suffix": "#", "README.md": "#", "sub/README.md": "#", "sub/readme.MD": "#",
        "sub/deeper/c.md": "#", "sub-2/d.md": "#", "sub.md/e.md": "#", ".hidden/f.md": "#", ".g.md": "#",
        "sub/.h.md": "#", "trailing.md.": "#", "a b/空格 名字.md": "#",
    })
    outside = write_library(tmp_path / "outside", {"linked.md": "#"})
    try:
        (root / "link-dir").symlink_to(outside, target_is_directory=True)
        (root / "link-file.md").symlink_to(outside / "linked.md")
        (root / "broken.md").symlink_to(tmp_path / "nowhere.md")
    except OSError:  # no symbolic links here (Windows without the privilege)
        pass
    expected = _old_iter_markdown_files(root, skip_readme)
    assert iter_markdown_files(root, skip_readme) == expected
    walked = walk_markdown(root, skip_readme)
    assert [p for p, _ in walked] == [str(p) for p in expected]
    assert all(st.st_size == os.stat(p).st_size for p, st in walked)
    assert walk_markdown(root / "b.md") and walk_markdown(tmp_path / "missing") == []


# -- the sync's fast path: nothing changed on either side, no scan ---------------------------
@pytest.fixture
def scans(monkeypatch):
    """How many times a catalogue scan ran."""
    count = [0]
    original = catalogue_module.Catalogue.scan

    def counting(self):
        count[0] += 1
        return original(self)

    monkeypatch.setattr(catalogue_module.Catalogue, "scan", counting)
    return count


def test_an_unchanged_library_and_index_are_searched_without_a_scan(tmp_path, scans):
    first_sync(tmp_path)
    assert scans[0] == 1
    kb = new_process(tmp_path)
    try:
        assert kb.sync_index().changed == 0 and scans[0] == 1
        assert found(kb, "aardvark") == ["alpha"]
    finally:
        kb.close()


def test_a_file_modified_within_two_seconds_is_scanned_until_it_is_older(tmp_path, scans, parses):
    first_sync(tmp_path)
    write_library(tmp_path / "shipped", {"delta.md": "# 德尔塔笔记\n\n独有词 dugong 出现。\n"})
    for expected_scans in (2, 3):  # just written: stat cannot vouch for it, so every sync scans
        kb = new_process(tmp_path)
        try:
            kb.sync_index()
            assert scans[0] == expected_scans and found(kb, "dugong") == ["delta"]
        finally:
            kb.close()
    age(tmp_path / "shipped")
    for expected_scans in (4, 4):  # older: scanned once more (new mtimes), then trusted
        kb = new_process(tmp_path)
        try:
            assert kb.sync_index().changed == 0 and scans[0] == expected_scans
        finally:
            kb.close()
    assert parses.count("delta.md") == 1


def test_an_index_another_process_wrote_is_compared_with_the_library_again(tmp_path, scans):
    first_sync(tmp_path)
    other = new_process(tmp_path)
    try:
        other.index.remove_documents(["alpha"])  # (as a crash between a file's write and its indexing leaves it)
    finally:
        other.close()
    kb = new_process(tmp_path)
    try:
        assert kb.sync_index().added == 1 and scans[0] == 2
        assert found(kb, "aardvark") == ["alpha"]
    finally:
        kb.close()


def test_an_index_built_with_another_dictionary_is_rebuilt_though_nothing_else_changed(tmp_path, scans, monkeypatch):
    import kbapp.search.index as index_module

    first_sync(tmp_path)
    monkeypatch.setattr(index_module, "config_fingerprint", lambda: "another-analyzer")
    kb = new_process(tmp_path)
    try:
        report = kb.sync_index()
        assert report.rebuilt and "another version or with another dictionary" in report.reason
        assert found(kb, "aardvark") == ["alpha"]
    finally:
        kb.close()


def test_a_moved_library_folder_has_only_its_own_files_read_again(tmp_path, scans, parses):
    first_sync(tmp_path)
    write_library(tmp_path / "home" / "library", {"delta.md": "# 德尔塔笔记\n\n独有词 dugong 出现。\n"})
    age(tmp_path / "home" / "library")
    kb = new_process(tmp_path)
    try:
        assert kb.sync_index().added == 1
    finally:
        kb.close()
    (tmp_path / "shipped").rename(tmp_path / "moved")  # a new install's playbooks, elsewhere
    parses.clear()
    kb = open_kb(tmp_path, tmp_path / "moved")
    try:
        assert kb.sync_index().changed == 0 and scans[0] == 3  # the same documents, from the new folder
        assert sorted(parses) == ["alpha.md", "beta.md", "gamma.md"]  # not the home's delta.md
        assert found(kb, "aardvark") == ["alpha"] and found(kb, "dugong") == ["delta"]
    finally:
        kb.close()
    parses.clear()
    kb = open_kb(tmp_path, tmp_path / "moved")
    try:
        scan = kb.scan_library()
        assert (scan.files, scan.hashed, scan.removed, parses) == (4, 0, 0, [])  # the old folder's entries gone
    finally:
        kb.close()
