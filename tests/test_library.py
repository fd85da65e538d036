"""The library: shipped + home, overrides, broken files, duplicate ids, lint."""

from __future__ import annotations

import pytest
from kbhelpers import open_kb, playbook_text, write_library

from kbapp.library import lint_paths
from kbapp.resources import playbooks_dir

MIN_SHIPPED_PLAYBOOKS = 13


def test_home_overrides_a_shipped_playbook(tmp_path):
    kb = open_kb(tmp_path, {"disk.md": playbook_text("disk", "磁盘满", "Disk full", category="disk-full")})
    try:
        assert kb.get("disk").shipped
        # A team edits its own copy in the home; the shipped file stays as it is.
        write_library(kb.home.library, {"team/disk.md": playbook_text("disk", "磁盘满（本地修订）", "Disk full, our way",
                                                                        category="disk-full")})
        kb.reload_library()
        doc = kb.get("disk")
        assert doc.title == "磁盘满（本地修订）" and not doc.shipped
        assert doc.path == kb.home.library / "team" / "disk.md"
        assert [d.id for d in kb.documents()] == ["disk"]
        kb.sync_index()
        hits = kb.search("本地修订").hits
        assert [h.id for h in hits] == ["disk"] and hits[0].path == str(doc.path)
        assert kb.search("disk", limit=10).total == 1  # one document, not two
    finally:
        kb.close()


def test_one_broken_file_does_not_hide_the_others(tmp_path):
    kb = open_kb(tmp_path, {
        "good.md": playbook_text("good", "正常预案"),
        "bad-yaml.md": "---\nid: bad\ntitle: a: b\n---\n# 坏的\n",
        "binary.md": b"\x00\x01\x02\xff" * 100,
        "latin1.md": "caf\xe9\n".encode("latin-1"),
        "empty.md": "",
        "sub/also-good.md": playbook_text("also-good", "另一个预案"),
        "notes.txt": "# 纯文本笔记\n可以搜索。\n",
        "image.png": b"\x89PNG\r\n",  # not a library file at all: ignored, not reported
        "README.md": "# 说明\n",  # folder READMEs are documentation, not library content
    })
    try:
        ids = sorted(d.id for d in kb.documents())
        # bad-yaml.md is kept as a plain document (its front matter is unreadable).
        assert ids == ["also-good", "bad-yaml", "good", "notes"]
        by_file = {p.path.name: p for p in kb.problems()}
        assert set(by_file) == {"bad-yaml.md", "binary.md", "latin1.md", "empty.md"}
        assert by_file["bad-yaml.md"].line == 3
        kb.sync_index()
        assert [h.id for h in kb.search("纯文本笔记").hits] == ["notes"]
    finally:
        kb.close()


def test_duplicate_ids(tmp_path):
    kb = open_kb(tmp_path, {
        "a.md": playbook_text("same", "第一个"),
        "b.md": playbook_text("same", "第二个"),
    })
    try:
        assert [d.title for d in kb.documents()] == ["第一个"]
        problems = kb.problems()
        assert len(problems) == 1
        assert problems[0].path.name == "b.md" and "duplicate id 'same'" in problems[0].message
    finally:
        kb.close()
    lint = lint_paths([tmp_path / "shipped"])
    assert [(p.path.name, "duplicate id 'same'" in p.message) for p in lint] == [("b.md", True)]


def test_lint_reports_file_line_and_missing_paths(tmp_path):
    folder = write_library(tmp_path / "lib", {"ok.md": playbook_text("ok"), "gap.md": playbook_text(
        "gap", steps="1. 一\n3. 三\n")})
    problems = lint_paths([folder, tmp_path / "nope"])
    assert [str(p) for p in problems] == [
        f"{folder / 'gap.md'}:{(folder / 'gap.md').read_text().split(chr(10)).index('3. 三') + 1}: "
        "step numbered 3, expected 2",
        f"{tmp_path / 'nope'}:0: no such file or folder",
    ]


def test_shipped_library_lints_clean(tmp_path):
    shipped = playbooks_dir()
    count = len([p for p in shipped.glob("*.md") if p.name.lower() != "readme.md"])
    if count < MIN_SHIPPED_PLAYBOOKS:
        pytest.skip(f"the shipped library has {count} playbooks so far; the lint check needs all "
                    f"{MIN_SHIPPED_PLAYBOOKS}+ of them in {shipped}")
    kb = open_kb(tmp_path)
    try:
        assert [str(p) for p in kb.lint([shipped])] == []
        assert kb.problems() == []
        kinds = {d.kind for d in kb.documents()}
        assert kinds <= {"playbook", "checklist", "scenario"}
        for needed in ("operation-error", "config-loss", "data-loss"):
            doc = kb.get(needed)
            assert doc is not None and doc.category == needed and doc.steps, needed
    finally:
        kb.close()
