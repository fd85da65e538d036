"""Hostile and broken library files (issue 18): each is refused with file:line and the
reason, or imported with problem lines; never a traceback, a hang or unbounded memory."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from hostile_corpus import write_hostile
from kbhelpers import cli_env, run_cli

from kbapp.parser import markdown_nesting_problem, parse_bytes, parse_file


def test_every_hostile_file_is_refused_or_parsed_without_raising(tmp_path):
    corpus = write_hostile(tmp_path / "corpus")
    assert len(corpus) >= 40
    for name, (path, refused) in corpus.items():
        if "bad-name" in name:
            continue  # a name problem: the importer and the library report it, the parser never sees it
        doc, problems = parse_file(path)
        assert (doc is None) == refused, (name, problems)
        if refused:
            assert problems and problems[0].message, name
            assert problems[0].line >= 0


def test_wrong_types_give_problem_lines(tmp_path):
    corpus = write_hostile(tmp_path / "corpus")
    expect = {
        "bad-date.md": "reviewed:", "date-number.md": "reviewed:", "huge-version.md": "version:",
        "big-version.md": "version:", "float-version.md": "version:", "list-title.md": "title: expected text",
        "map-owner.md": "owner: expected text", "map-levels.md": "levels: expected a list",
        "nested-tags.md": "tags: expected a list of words", "list-id.md": "id: expected text",
    }
    for name, needle in expect.items():
        doc, problems = parse_file(corpus[name][0])
        assert doc is not None, name
        assert any(needle in p.message for p in problems), (name, [str(p) for p in problems])
    doc, problems = parse_file(corpus["timestamp-title.md"][0])
    assert doc.title == "2026-10-01 10:00:00" and doc.version == 1


def test_front_matter_limits_name_the_line(tmp_path):
    path = tmp_path / "a.md"
    doc, problems = parse_bytes(b"---\nid: x\ntitle: ok\ntags: &t [a]\nother: *t\n---\n# x\n", path)
    assert doc is None and problems[0].line == 4 and "anchors" in problems[0].message
    doc, problems = parse_bytes(b"---\nid: x\ndeep:\n" + b"".join(b" " * i + b"- \n" for i in range(1, 20)) + b"---\n", path)
    assert doc is None and "nested more than" in problems[0].message
    doc, problems = parse_bytes(b"---\nid: x\nsummary: " + b"a" * 70_000 + b"\n---\n", path)
    assert doc is None and "limit is 64 KiB" in problems[0].message


def test_nesting_limits_at_the_boundary(tmp_path):
    path = tmp_path / "a.md"
    assert markdown_nesting_problem("> " * 32 + "x", path) is None
    assert markdown_nesting_problem("> " * 33 + "x", path).line == 1
    assert markdown_nesting_problem("[" * 64 + "x" + "]" * 64, path) is None
    assert "brackets" in markdown_nesting_problem("para\n\n" + "[" * 65, path).message
    # A blank line ends a paragraph: unmatched brackets in many paragraphs add up to nothing.
    assert markdown_nesting_problem("\n\n".join(["(" * 60] * 10), path) is None
    assert markdown_nesting_problem("*_" * 1000, path) is None
    assert "'*' or '_'" in markdown_nesting_problem("a\n" + "*_" * 1000 + "*", path).message
    # Inside a code fence nothing nests.
    assert markdown_nesting_problem("```\n" + "[" * 500 + "\n```\n", path) is None


@pytest.mark.skipif(sys.platform == "win32", reason="the memory cap uses POSIX resource limits")
def test_import_of_the_hostile_folder_reports_each_bad_file_and_imports_the_rest(tmp_path):
    corpus = write_hostile(tmp_path / "corpus")
    # The whole folder in one import, with memory capped at 1.5 GB (an alias bomb took 3.9 GB).
    env = cli_env(PYTHONWARNINGS="ignore")
    code = ("import resource,runpy,sys; resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20)); "
            "sys.argv=['kbapp'] + sys.argv[1:]; runpy.run_module('kbapp', run_name='__main__')")

    proc = subprocess.run([sys.executable, "-c", code, "--home", str(tmp_path / "home"), "import", str(tmp_path / "corpus")],
                          capture_output=True, env=env, timeout=300, check=False)
    out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out, out[-3000:]
    failed = [line for line in out.splitlines() if line.startswith("failed: ")]
    refused = {name for name, (_, bad) in corpus.items() if bad}
    for name in refused:
        assert any(name in line for line in failed), (name, failed)
    assert len(failed) == len(refused), failed
    for line in failed:
        assert re.match(r"failed: .+: \S", line)
    assert f"imported {len(corpus) - len(refused)}, failed {len(refused)}" in out
    # The library opens on the imported files, the search index included.
    listing = run_cli("search", "测试", home=tmp_path / "home")
    assert "Traceback" not in listing.stderr and listing.returncode == 0, listing.stderr
    assert "hostile-ok" in listing.stdout or "测试预案" in listing.stdout


def test_library_reports_a_file_name_that_is_not_utf8(tmp_path):
    if sys.platform == "win32":
        pytest.skip("Windows names are UTF-16")
    from kbhelpers import open_kb, playbook_text

    kb = open_kb(tmp_path, {"ok.md": playbook_text("ok")})
    try:
        bad = os.path.join(os.fsencode(kb.home.imported), b"bad-\xff.md")
        os.makedirs(os.path.dirname(bad), exist_ok=True)
        with open(bad, "wb") as fh:
            fh.write(playbook_text("bad").encode())
        kb.library.reload()
        problems = [str(p) for p in kb.library.problems()]
        assert any("bad-\\xff.md" in p and "not valid UTF-8" in p for p in problems), problems
        assert kb.get("bad") is None and kb.get("ok") is not None
    finally:
        kb.close()


def test_rendered_hostile_corpus_keeps_only_the_apps_own_links(tmp_path):
    from kbapp.render import render_document

    corpus = write_hostile(tmp_path / "corpus")
    for name, (path, refused) in corpus.items():
        if refused:
            continue
        doc, _ = parse_file(path)
        html = render_document(doc, lesson_links=True, lessons={1: ["[steal](kbapp:copy/2/0) [x](//evil.example/l)"]})
        hrefs = re.findall(r'href="([^"]*)"', html)
        own = {f"kbapp:copy/{s.number}/{i}" for s in doc.steps for i in range(len(s.commands))}
        own |= {f"kbapp:lesson/{s.number}" for s in doc.steps}
        for href in hrefs:
            assert href.startswith("#") or href in own, (name, href)
        assert "evil.example/" not in "".join(hrefs) and "file:" not in "".join(hrefs), name
    doc, _ = parse_file(corpus["kbapp-links.md"][0])
    html = render_document(doc)
    # The document's own text has two copy links of its own; only the one the app drew for
    # step 1's command and the one for step 2's remain.
    assert re.findall(r'href="(kbapp:[^"]*)"', html) == ["kbapp:copy/1/0", "kbapp:copy/2/0"]
    assert 'href="#step-1"' in html
    assert "Copy command" in html  # the document's text stays, as inert text


def test_more_hostile_files_never_raise_and_ids_never_name_a_path(tmp_path):
    from hostile_more import more_hostile_files

    for name, (data, refused) in more_hostile_files().items():
        path = tmp_path / name.decode()
        path.write_bytes(data)
        doc, problems = parse_file(path)
        assert (doc is None) == refused, (name, [str(p) for p in problems])
        if doc is not None:
            assert "/" not in doc.id.removeprefix("imported/") and ".." not in doc.id and len(doc.id) <= 120, name
            assert "\u200b" not in doc.id and "\x1b" not in doc.title and "\u202e" not in doc.title, name


def test_an_invalid_id_is_replaced_by_the_files_own_and_said_so(tmp_path):
    path = tmp_path / "spoof.md"
    path.write_text("---\nid: config\u200b-loss\ntitle: 配置丢失\u202e txt.exe\n---\n# x\n", encoding="utf-8")
    doc, problems = parse_file(path)
    assert doc.id == "spoof" and doc.title == "配置丢失 txt.exe"
    messages = [p.message for p in problems]
    assert any("the file's own id 'spoof' is used instead" in m for m in messages), messages
    assert any(m.startswith("title: control or text-direction characters removed") for m in messages), messages


def test_a_one_line_field_written_over_several_lines_is_joined_without_a_problem(tmp_path):
    path = tmp_path / "multi.md"
    path.write_text("---\nid: multi\nkind: document\ntitle: 第一行\nsummary: |\n  原因：配置被覆盖\n  处理：恢复备份\n---\n# x\n",
                    encoding="utf-8")
    doc, problems = parse_file(path)
    assert doc.summary == "原因：配置被覆盖 处理：恢复备份" and problems == []
