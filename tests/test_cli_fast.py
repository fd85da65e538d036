"""A command imports only what it needs: ``kbapp search`` from a new process is quick."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest
from kbhelpers import REPO_ROOT, cli_env, playbook_text, run_cli, write_library

from kbapp.cli import main as cli_main

HEAVY = ("sqlalchemy", "alembic", "kbapp.store", "kbapp.incidents", "kbapp.notify", "kbapp.reports", "markdown",
         "nh3", "PySide6")


def registered(module_name: str) -> set[str]:
    parser = cli_main.build_parser((module_name,))
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


@pytest.mark.parametrize("module_name", cli_main._COMMAND_MODULES)
def test_command_table_says_what_each_module_registers(module_name):
    assert registered(module_name) == {c for c, m in cli_main._COMMANDS.items() if m == module_name}


def test_every_command_module_is_in_the_table():
    assert set(cli_main._COMMANDS.values()) == set(cli_main._COMMAND_MODULES)


def test_command_module_is_found_past_the_global_options():
    find = cli_main._command_module
    assert find(["search", "x"]) == find(["--home", "/h", "--db=sqlite://", "search", "x"]) == "kbapp.cli.library_cmds"
    assert find(["--home", "/h", "incident", "show", "1"]) == "kbapp.cli.incident_cmds"
    assert find(["--help"]) is None and find(["serch", "x"]) is None and find([]) is None


def test_a_mistyped_command_still_lists_every_command(tmp_path):
    result = run_cli("serch", "x", home=tmp_path / "home")
    assert result.returncode == 2
    assert "invalid choice: 'serch'" in result.stderr
    assert all(name in result.stderr for name in ("'search'", "'incident'", "'watch'", "'drill'"))


PROBE = """
import json, sys
from kbapp.cli.main import main
code = main(sys.argv[1:])
sys.stdout.flush()
print("\\n@@" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def imported_by(*args: str) -> tuple[int, set[str]]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, encoding="utf-8",
                            env=cli_env(), cwd=REPO_ROOT, timeout=120, check=False)
    assert "@@" in result.stdout, result.stderr
    data = json.loads(result.stdout.rsplit("@@", 1)[1])
    return data["code"], set(data["modules"])


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_search_imports_neither_the_store_nor_markdown(tmp_path):
    home = str(tmp_path / "home")
    code, modules = imported_by("--home", home, "search", "data loss")  # builds the index
    assert code == 0 and not {"sqlalchemy", "kbapp.store", "markdown", "nh3"} & modules  # (no database to backfill from)
    code, modules = imported_by("--home", home, "search", "data loss")
    assert code == 0 and heavy(modules) == []
    assert "yaml" not in modules and "kbapp.parser" in modules  # nothing changed: nothing parsed
    assert "filelock" not in modules  # nor written
    # A small library is scored with Whoosh, its log lines (none) not redacted ahead of
    # time, and --version not looked up: numpy, the redaction rules and importlib.metadata
    # were a third of a new process's time.
    assert not {"numpy", "kbapp.redact", "importlib.metadata"} & modules


def test_incident_commands_import_no_search_engine(tmp_path):
    home = str(tmp_path / "home")
    code, modules = imported_by("--home", home, "incident", "start", "--title", "磁盘告警", "--level", "III",
                                "--customer", "acme")
    assert code == 0 and not {m for m in modules if m.split(".")[0] in ("whoosh", "rjieba")}
    code, modules = imported_by("--home", home, "incident", "note", "1", "已联系客户")
    assert code == 0 and not {m for m in modules if m.split(".")[0] in ("whoosh", "rjieba") or m.startswith("kbapp.search")}


def test_index_status_and_lint_import_no_store(tmp_path):
    home = str(tmp_path / "home")
    for args in (["index", "status"], ["lint"], ["index", "status"]):
        code, modules = imported_by("--home", home, *args)
        assert code == 0 and not {"sqlalchemy", "kbapp.store"} & modules, args  # no database to backfill from
    assert heavy(modules) == []  # the past incidents' folder exists now: not even looked for


@pytest.mark.parametrize("mmap", [True, False])
def test_length_tables_are_read_in_one_piece_and_match_whoosh(tmp_path, monkeypatch, mmap):
    """BM25F's per-document field lengths, read as one block per segment and field (the
    first query of a new process used to read them document by document)."""
    from kbapp.facade import KnowledgeBase
    from kbapp.parser import parse_file
    from kbapp.search import scoring

    shipped = write_library(tmp_path / "shipped", {
        "a.md": playbook_text("alpha", symptoms="- 磁盘 disk " * 40),
        "b.md": "# 短\n\n一个词。\n",
        "c.md": "---\nid: gamma\ntitle: 无标签\n---\n" + "正文很长很长 long body text. " * 400,
    })
    kb = KnowledgeBase.open(home=tmp_path / "home", shipped_dir=shipped, index_mmap=mmap)
    try:
        kb.sync_index()
        extra = write_library(kb.home.library, {"d.md": "# 新的 New\n\n内容 content。\n"}) / "d.md"
        kb.add_document(parse_file(extra)[0])  # a second segment
        kb.add_document(parse_file(shipped / "b.md", doc_id_hint="b")[0])  # a deletion in the first
        readers = [sub.reader() for sub, _ in kb.index.searcher().leaf_searchers()]
        assert len(readers) >= 2 and any(r.has_deletions() for r in readers)
        fields = ("title", "tags", "body", "spell", "no-such-field")
        expected = [[[r.doc_field_length(d, f, 1) or 0 for d in range(r.doc_count_all())] for f in fields]
                    for r in readers]

        def refuse(*args, **kwargs):
            raise AssertionError("read document by document")

        for reader in readers:
            monkeypatch.setattr(type(reader), "doc_field_length", refuse)
        assert [[scoring._read_lengths(r, f) for f in fields] for r in readers] == expected
        assert any(sum(table) for per_reader in expected for table in per_reader)
    finally:
        kb.close()


def test_a_chinese_query_of_words_the_library_has_loads_no_segmenter(tmp_path):
    home = str(tmp_path / "home")
    assert imported_by("--home", home, "search", "数据库 备份")[0] == 0  # builds the index (with jieba)
    code, modules = imported_by("--home", home, "search", "数据库备份失败了")
    assert code == 0 and "rjieba" not in modules  # 数据库 备份失败 了: every word known
    code, modules = imported_by("--home", home, "search", "据丢")
    assert code == 0 and "rjieba" in modules  # a fragment is jieba's to cut


def test_every_command_module_is_imported_by_a_plain_import_statement():
    """A frozen app bundles what the code imports; importlib by name is only a fallback."""
    import inspect

    source = inspect.getsource(cli_main._import_command_module)
    for name in cli_main._COMMAND_MODULES:
        package, module = name.rsplit(".", 1)
        assert f"from {package} import {module}\n\n        return {module}\n" in source, name
