"""The command line end to end, in a subprocess: ``python -m kbapp ...``."""

from __future__ import annotations

import json
import os
import re

import pytest
from kbhelpers import cli_env, playbook_text, run_cli, write_library

from kbapp.resources import playbooks_dir


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def first_hit_id(stdout: str) -> str:
    match = re.search(r"^\s*1\. .*\bid=(\S+)", stdout, re.M)
    assert match, stdout
    return match.group(1)


def require_shipped(*doc_ids: str) -> None:
    missing = [d for d in doc_ids if not (playbooks_dir() / f"{d}.md").is_file()]
    if missing:
        pytest.skip(f"shipped playbooks not written yet: {', '.join(missing)}")


def test_search_in_chinese_and_english_lists_data_loss_first(tmp_path):
    require_shipped("data-loss")
    home = tmp_path / "home"
    result = run_cli("search", "数据丢失", home=home, process=True)  # the entry point itself, as a process
    assert result.returncode == 0, result.stderr
    assert first_hit_id(result.stdout) == "data-loss"
    assert "index rebuilt" in result.stderr  # the first run builds the index
    assert "Traceback" not in result.stderr

    result = run_cli("search", "data loss", home=home)
    assert result.returncode == 0, result.stderr
    assert first_hit_id(result.stdout) == "data-loss"
    assert result.stderr == ""  # nothing to rebuild the second time


def test_kbapp_home_environment_variable(tmp_path):
    home = tmp_path / "env-home"
    result = run_cli("search", "data loss", env=cli_env(KBAPP_HOME=str(home)))
    assert result.returncode == 0, result.stderr
    assert (home / "index" / "manifest.json").is_file()
    # --home wins over the environment.
    other = tmp_path / "flag-home"
    result = run_cli("index", "status", home=other, env=cli_env(KBAPP_HOME=str(home)))
    assert result.returncode == 0 and f"path: {other}" in result.stdout


def test_search_json(tmp_path):
    require_shipped("data-loss")
    result = run_cli("search", "数据丢失", "--json", "--limit", "3", home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert 1 <= len(hits) <= 3
    for hit in hits:
        assert {"id", "kind", "title", "category", "score", "path", "snippet"} <= set(hit)
        assert isinstance(hit["score"], float) and os.path.isfile(hit["path"])
    assert hits[0]["id"] == "data-loss" and hits[0]["kind"] == "playbook" and hits[0]["category"] == "data-loss"
    assert '<b class="match">' in "".join(h["snippet"] for h in hits)


def test_search_filters_and_no_results(tmp_path):
    home = tmp_path / "home"
    result = run_cli("search", "备份", "--kind", "checklist", "--json", home=home)
    assert result.returncode == 0, result.stderr
    assert {h["kind"] for h in json.loads(result.stdout)} <= {"checklist"}
    result = run_cli("search", "xyzzyplughfoo", home=home)
    assert result.returncode == 1 and result.stdout.strip() == "no results"
    result = run_cli("search", "confguration", "--json", home=home)
    assert result.returncode == 0 and "configuration" in result.stderr
    assert json.loads(result.stdout)


def make_runbooks(root):
    """Someone else's runbooks: every awkward kind of file there is."""
    files = {
        "empty.md": "",
        "RESTART_NOTES": "# 重启说明 no extension\n\n独有词 noextword。\n",
        "值班 交接 手册.md": "# 值班交接\n\n交接班要点，独有词 handoverword。\n",
        "mixed.md": "# Mixed HTML\n\n<div onclick=\"steal()\">点击</div>\n<script>alert('x')</script>\n\n"
                    "<table><tr><td>独有词 mixedhtmlword</td></tr></table>\n",
        "diagram.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "README.md": "# 手册说明\n\n独有词 readmeword。\n",
        "nested/deeper/deep.markdown": "# 深层文档\n\n独有词 deepword。\n",
        "nested/db.md": playbook_text("db-restart", "数据库重启", "Database restart", category="database",
                                      symptoms="- 独有词 nestedword。"),
        "nested/gbk.md": "# 旧编码\n".encode("gbk"),
        ".git/HEAD": "ref: refs/heads/main\n",
        ".hidden.md": "# 隐藏\n",
    }
    write_library(root, files)
    return files


def test_import_accounts_for_every_file(tmp_path):
    source = tmp_path / "their runbooks"
    files = make_runbooks(source)
    home = tmp_path / "home"
    result = run_cli("import", str(source), home=home)
    assert "Traceback" not in result.stderr
    out = lines(result.stdout)
    assert out[-1] == "imported 6, failed 5", result.stdout
    assert result.returncode != 0

    failed = {}
    for line in out:
        if line.startswith("failed: "):
            path, reason = line[len("failed: "):].split(": ", 1)
            failed[os.path.relpath(path, source)] = reason
    assert set(failed) == {"empty.md", "diagram.png", os.path.join("nested", "gbk.md"),
                           os.path.join(".git", "HEAD"), ".hidden.md"}
    assert failed["empty.md"] == "empty file"
    assert "not a Markdown file (.png)" in failed["diagram.png"]
    assert "not UTF-8" in failed[os.path.join("nested", "gbk.md")]
    assert "hidden" in failed[os.path.join(".git", "HEAD")]

    imported_root = home / "library" / "imported" / "their runbooks"
    imported = {str(p.relative_to(imported_root)) for p in imported_root.rglob("*") if p.is_file()}
    assert imported == {"RESTART_NOTES.md", "值班 交接 手册.md", "mixed.md", "README.md",
                        os.path.join("nested", "deeper", "deep.markdown"), os.path.join("nested", "db.md")}
    assert len(imported) + len(failed) == len(files)  # every file is imported or reported

    # Everything imported is searchable, from a new process (the library is read again).
    for word, doc_id in [("noextword", "imported/their runbooks/RESTART_NOTES"),
                         ("handoverword", "imported/their runbooks/值班 交接 手册"),
                         ("mixedhtmlword", "imported/their runbooks/mixed"),
                         ("readmeword", "imported/their runbooks/README"),
                         ("deepword", "imported/their runbooks/nested/deeper/deep"),
                         ("nestedword", "db-restart")]:
        result = run_cli("search", word, "--json", home=home)
        assert [h["id"] for h in json.loads(result.stdout or "[]")] == [doc_id], (word, result.stderr)

    # The HTML that came in with the Markdown is not rendered.
    result = run_cli("show", "imported/their runbooks/mixed", "--format", "html", home=home)
    assert result.returncode == 0
    assert "<script" not in result.stdout and "onclick" not in result.stdout and "mixedhtmlword" in result.stdout


def test_import_nothing_wrong_exits_zero_and_is_repeatable(tmp_path):
    source = write_library(tmp_path / "ok", {"a.md": "# A\n\n独有词 aword。\n", "b.txt": "# B\n"})
    home = tmp_path / "home"
    for _ in range(2):
        result = run_cli("import", str(source / "a.md"), str(source / "b.txt"), home=home)
        assert result.returncode == 0, result.stdout + result.stderr
        assert lines(result.stdout)[-1] == "imported 2, failed 0"
    assert sorted(p.name for p in (home / "library" / "imported").iterdir()) == ["a.md", "b.txt"]
    result = run_cli("import", str(tmp_path / "missing"), home=home)
    assert result.returncode != 0 and lines(result.stdout)[-2:] == [
        f"failed: {tmp_path / 'missing'}: no such file or folder", "imported 0, failed 1"]


def test_import_counts_the_files_imported_with_problems(tmp_path):
    """Two files imported, five problems between them: the summary says so, not just "failed 0"."""
    source = write_library(tmp_path / "theirs", {
        "a.md": playbook_text("their-a", category="nonsense", levels="[V]"),  # 2 problems
        "b.md": playbook_text("their-b", steps="1. 一\n3. 三\n   如果 坏了 → 第 9 步\n") + "\n",  # 2 problems
        "c.md": playbook_text("their-c", category="nonsense"),  # 1 problem
        "d.md": "# 没问题 Fine\n\n正文。\n",
    })
    home = tmp_path / "home"
    result = run_cli("import", str(source), home=home)
    out = lines(result.stdout)
    assert out[-1] == "imported 4, failed 0; 3 imported with problems (5 problems)", result.stdout
    warned = [line for line in out if line.startswith("warning: ")]
    assert len(warned) == 5 and all(str(source) in line for line in warned)
    # The same five as the library lists afterwards.
    lint = run_cli("lint", home=home)
    assert len([line for line in lines(lint.stdout) if "imported" in line]) == 5, lint.stdout


def test_index_status_check_rebuild(tmp_path):
    home = tmp_path / "home"
    result = run_cli("index", "status", "--json", home=home)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["state"] == "missing"

    result = run_cli("index", "rebuild", home=home)
    assert result.returncode == 0, result.stderr
    count = int(re.fullmatch(r"rebuilt: (\d+) documents", result.stdout.strip()).group(1))
    assert count == len([p for p in playbooks_dir().rglob("*.md") if p.name != "README.md"])

    status = json.loads(run_cli("index", "status", "--json", home=home).stdout)
    assert status["state"] == "ready" and status["documents"] == count and status["size_bytes"] > 0
    assert status["pending"] == {"added": 0, "updated": 0, "removed": 0}

    result = run_cli("index", "check", home=home)
    assert result.returncode == 0 and result.stdout.strip() == "index ok"

    (home / "index" / "manifest.json").write_text("{not json", encoding="utf-8")
    result = run_cli("index", "check", home=home)
    assert result.returncode == 1 and "damaged" in result.stdout and "kbapp index rebuild" in result.stdout
    assert run_cli("index", "rebuild", home=home).returncode == 0
    assert run_cli("index", "check", home=home).returncode == 0


def test_lint_prints_file_line_message(tmp_path):
    folder = write_library(tmp_path / "lint", {
        "ok.md": playbook_text("fine"),
        "broken.md": "---\nid: broken\ntitle: 坏: 的\n---\n# x\n",
        "gap.md": playbook_text("gap", steps="1. 一\n   如果 不行 → 第 7 步\n2. 二\n"),
    })
    result = run_cli("lint", str(folder), home=tmp_path / "home")
    assert result.returncode == 1
    out = lines(result.stdout)
    gap_line = (folder / "gap.md").read_text(encoding="utf-8").split("\n").index("   如果 不行 → 第 7 步") + 1
    assert out == [
        f"{folder / 'broken.md'}:3: front matter is not valid YAML: mapping values are not allowed here",
        f"{folder / 'gap.md'}:{gap_line}: decision in step 1 points to step 7, which does not exist",
    ]
    assert "2 problem(s)" in result.stderr and "Traceback" not in result.stderr

    result = run_cli("lint", str(folder / "ok.md"), home=tmp_path / "home")
    assert result.returncode == 0 and result.stdout == ""


def test_lint_of_the_library_without_a_path(tmp_path):
    home = tmp_path / "home"
    write_library(home / "library", {"mine.md": playbook_text("mine", steps="1. 一\n3. 三\n")})
    result = run_cli("lint", home=home)
    assert result.returncode == 1
    assert lines(result.stdout) == [f"{home / 'library' / 'mine.md'}:"
                                    f"{(home / 'library' / 'mine.md').read_text().split(chr(10)).index('3. 三') + 1}:"
                                    " step numbered 3, expected 2"]


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_show(tmp_path, fmt):
    require_shipped("data-loss")
    result = run_cli("show", "data-loss", "--format", fmt, home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    if fmt == "md":
        assert result.stdout == (playbooks_dir() / "data-loss.md").read_text(encoding="utf-8")
    elif fmt == "html":
        assert result.stdout.startswith("<!DOCTYPE html>")
        assert "<script" not in result.stdout.lower()
        assert 'href="kbapp:copy/1/0"' in result.stdout and 'name="step-1"' in result.stdout
    else:
        data = json.loads(result.stdout)
        assert data["id"] == "data-loss" and data["steps"][0]["number"] == 1
        assert any(step["decisions"] for step in data["steps"])


def test_show_unknown_id(tmp_path):
    result = run_cli("show", "no-such-id", home=tmp_path / "home")
    assert result.returncode == 1 and result.stderr.strip() == "kbapp: no document with id 'no-such-id'"


@pytest.mark.parametrize("how", ["file", "under-a-file", "env-file"])
def test_unusable_home_gives_one_clear_error(tmp_path, how):
    blocker = tmp_path / "blocker"
    blocker.write_text("I am a file", encoding="utf-8")
    if how == "file":
        result = run_cli("search", "x", home=blocker)
    elif how == "under-a-file":
        result = run_cli("index", "status", home=blocker / "home")
    else:
        result = run_cli("lint", env=cli_env(KBAPP_HOME=str(blocker)))
    assert result.returncode == 2
    assert result.stdout == ""
    err = lines(result.stderr)
    assert len(err) == 1 and err[0].startswith("kbapp: ") and str(blocker) in err[0], result.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="chmod makes no folder read-only for root, nor on Windows (the emulated test covers it)")
def test_read_only_home_opens_for_reading_with_one_line(tmp_path):
    home = tmp_path / "ro"
    home.mkdir()
    home.chmod(0o500)
    try:
        result = run_cli("search", "磁盘", home=home)
        refused = run_cli("incident", "start", "--title", "x", "--level", "III", home=home)
    finally:
        home.chmod(0o700)
    assert result.returncode == 0 and "disk-full" in result.stdout
    assert "is read-only" in lines(result.stderr)[0] and str(home) in result.stderr
    assert refused.returncode == 2 and "read-only" in refused.stderr
    assert list(home.iterdir()) == []


def test_read_only_home_emulated_opens_for_reading_with_one_line(tmp_path, monkeypatch, capsys):
    """The same without chmod (root, Windows): every write inside the home is refused, the
    search is answered from the shipped playbooks indexed outside it (tests/test_read_only_home.py)."""
    from pathlib import Path

    from kbapp.cli.main import main

    home = tmp_path / "ro"
    home.mkdir()
    real_mkdir, real_write = Path.mkdir, Path.write_bytes

    def inside(path) -> bool:
        return home in Path(path).absolute().parents

    def mkdir(self, *args, **kwargs):
        if inside(self):
            raise PermissionError(13, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    def write_bytes(self, data):
        if inside(self):
            raise PermissionError(13, "Permission denied", str(self))
        return real_write(self, data)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    assert main(["--home", str(home), "search", "磁盘"]) == 0
    captured = capsys.readouterr()
    err = lines(captured.err)
    assert "disk-full" in captured.out and err[0].startswith("kbapp: ") and str(home) in err[0]
    assert "is read-only" in err[0] and list(home.iterdir()) == []
    # The home had no index: one is built outside it, and said so as in any home.
    assert len(err) == 2 and err[1].startswith("kbapp: index rebuilt (no index has been built yet)")
