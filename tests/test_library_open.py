"""Opening the library: from the catalogue, parsing only what changed, never holding up
a search; the window's start-up (library + index sync) parses nothing when nothing
changed."""

from __future__ import annotations

import threading

import pytest
from kbhelpers import open_kb, playbook_text, write_library
from test_catalogue import LIBRARY, age, found, new_process

import kbapp.parser as parser_module
from kbapp import frontmatter


@pytest.fixture
def parses(monkeypatch):
    parsed: list[str] = []
    original = parser_module.parse_bytes

    def counting(raw, path, **kwargs):
        parsed.append(path.name)
        return original(raw, path, **kwargs)

    monkeypatch.setattr(parser_module, "parse_bytes", counting)
    return parsed


def built(tmp_path):
    shipped = write_library(tmp_path / "shipped", LIBRARY)
    write_library(tmp_path / "home" / "library", {
        "local.md": playbook_text("local", "本地预案", "Local", tags="[wombat-tag, 本地]"),
    })
    age(tmp_path)
    kb = open_kb(tmp_path, shipped)
    try:
        kb.reload_library()
        assert kb.sync_index().rebuilt
    finally:
        kb.close()


def test_unchanged_catalogue_open_parses_nothing(tmp_path, parses, indexed):
    """The window's start: the library loaded and the index synced, nothing parsed; its
    count, hashes and tags from the catalogue; one document parsed when it is read."""
    built(tmp_path)
    parses.clear()
    indexed.clear()
    kb = new_process(tmp_path)
    try:
        kb.reload_library()
        assert kb.sync_index().changed == 0
        assert parses == [] and indexed == []
        assert kb.document_count() == 4
        assert set(kb.library.hashes()) == {"alpha", "beta", "gamma", "local"}
        assert {"wombat-tag", "本地", "test"} <= kb.library.tags()
        assert parses == []
        doc = kb.get("beta")
        assert doc is not None and doc.title == "贝塔预案" and parses == ["beta.md"]
        assert kb.get("beta") is doc and parses == ["beta.md"]  # parsed once
    finally:
        kb.close()


def test_changed_file_is_the_only_one_parsed_on_open(tmp_path, parses):
    built(tmp_path)
    path = tmp_path / "home" / "library" / "local.md"
    path.write_text(playbook_text("local", "本地预案", "Local", symptoms="- 独有词 numbat。"), encoding="utf-8")
    parses.clear()
    kb = new_process(tmp_path)
    try:
        kb.reload_library()
        assert parses == ["local.md"]
        assert kb.sync_index().updated == 1
        assert found(kb, "numbat") == ["local"]
    finally:
        kb.close()


def test_removed_catalogued_document_leaves_the_library(tmp_path):
    built(tmp_path)
    kb = new_process(tmp_path)
    try:
        kb.reload_library()
        (tmp_path / "home" / "library" / "local.md").unlink()
        kb.remove_document("local")
        assert kb.get("local") is None and kb.document_count() == 3
        assert kb.library.ids_at(tmp_path / "shipped" / "beta.md") == ["beta"]
    finally:
        kb.close()


def test_search_answers_while_the_library_loads(tmp_path, monkeypatch):
    """The window's first search uses the index already on disk: it does not wait for
    the library, which is still being read on the write lane."""
    built(tmp_path)
    kb = new_process(tmp_path)
    entered, release = threading.Event(), threading.Event()
    from kbapp.library import Library

    original = Library._reload_from_catalogue

    def slow_reload(self):
        entered.set()
        release.wait(60)
        original(self)

    monkeypatch.setattr(Library, "_reload_from_catalogue", slow_reload)
    loader = threading.Thread(target=kb.reload_library)
    loader.start()
    try:
        assert entered.wait(30)
        answers: list[list[str]] = []
        searcher = threading.Thread(target=lambda: answers.append(found(kb, "aardvark")))
        searcher.start()
        searcher.join(30)
        assert answers == [["alpha"]]  # answered while the library is still loading
        assert not release.is_set() and loader.is_alive()
    finally:
        release.set()
        loader.join(30)
        kb.close()
    assert kb.document_count() == 4


def test_front_matter_is_read_by_libyaml_with_the_same_limits():
    assert frontmatter._CSafeLoader is not None  # PyYAML wheels carry libyaml
    text = "id: x\ntitle: 标题\nlevels: [I, II]\nreviewed: 2026-01-01\nbig: " + "9" * 30
    assert frontmatter.load(text) == frontmatter.load_python(text)
    assert frontmatter.load(text)["reviewed"] == "2026-01-01"
    for bad, reason in [("a: &x 1\nb: *x", "anchors"), ("a: *x", "aliases"),
                        ("a: " + "[" * 10 + "1" + "]" * 10, "nested"),
                        ("a: [" + ", ".join(["1"] * 6000) + "]", "more than")]:
        with pytest.raises(frontmatter.FrontMatterError) as fast:
            frontmatter.load(bad)
        with pytest.raises(frontmatter.FrontMatterError) as slow:
            frontmatter.load_python(bad)
        assert reason in fast.value.reason and (fast.value.line, fast.value.reason) == (slow.value.line, slow.value.reason)


def test_libyaml_refusal_reads_as_the_python_parsers(tmp_path):
    from kbapp.parser import parse_file

    path = tmp_path / "broken.md"
    path.write_text("---\nid: broken\ntitle: a: b\n---\n# 坏的\n", encoding="utf-8")
    _doc, problems = parse_file(path)
    assert [(p.line, p.message) for p in problems] == [(3, "front matter is not valid YAML: mapping values are not allowed here")]
