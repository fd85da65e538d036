"""Import cannot be turned against the user (issue 20): nothing outside the folders given
is read, nothing is written before it is accepted, and no id is taken by surprise."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from kbhelpers import playbook_text, run_cli, write_library

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links and FIFOs need POSIX rights here")
SECRET = "secretword-outside-the-folder"


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def outputs(result, prefix: str) -> dict[str, str]:
    found = {}
    for line in lines(result.stdout):
        if line.startswith(prefix):
            path, reason = line[len(prefix):].split(": ", 1)
            found[Path(path).name] = reason
    return found


def imported_files(home: Path) -> set[str]:
    root = home / "library" / "imported"
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def search_ids(home: Path, word: str) -> list[str]:
    result = run_cli("search", word, "--json", home=home)
    return [hit["id"] for hit in json.loads(result.stdout or "[]")]


@posix_only
def test_links_leaving_the_folder_are_skipped_and_named_and_the_rest_is_imported(tmp_path):
    outside = write_library(tmp_path / "outside", {"shadow": f"root:{SECRET}:19000\n", "dir/x.md": f"# x {SECRET}\n"})
    folder = write_library(tmp_path / "d", {"ok.md": "# 正常 OK\n\nokword\n", "sub/real.md": "# real realword\n"})
    (folder / "shadow").symlink_to(outside / "shadow")
    (folder / "up.md").symlink_to("../outside/shadow")  # relative, out
    (folder / "outdir").symlink_to(outside / "dir", target_is_directory=True)
    (folder / "inside.md").symlink_to(folder / "sub" / "real.md")  # stays inside: read
    (folder / "broken.md").symlink_to(tmp_path / "nowhere.md")
    home = tmp_path / "home"

    result = run_cli("import", str(folder), home=home)

    assert result.returncode == 1, result.stdout + result.stderr
    skipped = outputs(result, "skipped: ")
    assert set(skipped) == {"shadow", "up.md", "outdir"}, result.stdout
    assert "symbolic link to" in skipped["shadow"] and "outside the folder imported" in skipped["shadow"]
    assert str(outside / "shadow") in skipped["shadow"]
    assert str(outside / "dir") in skipped["outdir"]
    assert outputs(result, "failed: ") == {"broken.md": "broken symbolic link"}
    assert lines(result.stdout)[-1].startswith("imported 3, failed 1, skipped 3 unread"), result.stdout
    assert imported_files(home) == {"d/ok.md", "d/sub/real.md", "d/inside.md"}
    assert search_ids(home, SECRET) == []
    assert search_ids(home, "okword") == ["imported/d/ok"]


@posix_only
def test_a_link_to_a_folder_inside_is_not_walked_twice_and_a_file_named_alone_is_read(tmp_path):
    folder = write_library(tmp_path / "d", {"sub/a.md": "# a\n"})
    (folder / "again").symlink_to(folder / "sub", target_is_directory=True)
    outside = write_library(tmp_path / "o", {"chosen.md": "# chosen chosenword\n"})
    link = tmp_path / "link.md"
    link.symlink_to(outside / "chosen.md")
    home = tmp_path / "home"
    result = run_cli("import", str(folder), home=home)
    assert set(outputs(result, "skipped: ")) == {"again"} and imported_files(home) == {"d/sub/a.md"}
    # A file the user names on the command line is theirs to choose, link or not.
    result = run_cli("import", str(link), home=home)
    assert result.returncode == 0, result.stdout
    assert "link.md" in imported_files(home)


@posix_only
def test_hard_links_to_files_outside_are_skipped_and_inside_ones_imported(tmp_path):
    outside = write_library(tmp_path / "outside", {"key.md": f"# key {SECRET}\n"})
    folder = write_library(tmp_path / "d", {"a.md": "# a twinword\n"})
    os.link(outside / "key.md", folder / "key.md")
    os.link(folder / "a.md", folder / "twin.md")  # both names inside: fine
    home = tmp_path / "home"
    result = run_cli("import", str(folder), home=home)
    skipped = outputs(result, "skipped: ")
    assert set(skipped) == {"key.md"}, result.stdout
    assert "hard links outside the folder imported (2 names, 1 inside)" in skipped["key.md"]
    assert imported_files(home) == {"d/a.md", "d/twin.md"}
    assert search_ids(home, SECRET) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_is_counted_and_reported_never_opened(tmp_path):
    folder = write_library(tmp_path / "d", {"a.md": "# a\n"})
    os.mkfifo(folder / "pipe.md")
    os.mkfifo(folder / "plain")
    home = tmp_path / "home"
    # In a real process with a time-out as a guard: opening a FIFO with no writer blocks forever.
    result = run_cli("import", str(folder), home=home, process=True, timeout=120)
    skipped = outputs(result, "skipped: ")
    assert skipped == {"pipe.md": "a named pipe (FIFO), not a file; not opened",
                       "plain": "a named pipe (FIFO), not a file; not opened"}, result.stdout
    assert "skipped 2 unread" in lines(result.stdout)[-1]
    assert imported_files(home) == {"d/a.md"}
    # Named on its own, too.
    result = run_cli("import", str(folder / "pipe.md"), home=home, process=True, timeout=120)
    assert outputs(result, "skipped: ") == {"pipe.md": "a named pipe (FIFO), not a file; not opened"}


def test_a_shipped_playbooks_id_is_refused_without_replace_and_replaced_with_it(tmp_path):
    home = tmp_path / "home"
    folder = write_library(tmp_path / "d", {"mine.md": playbook_text("config-loss", title="我的配置丢失 minetitleword")})
    result = run_cli("import", str(folder), home=home)
    assert result.returncode == 1
    reason = outputs(result, "failed: ")["mine.md"]
    assert "id 'config-loss' is the shipped playbook" in reason and "--replace" in reason, reason
    assert imported_files(home) == set()  # nothing written before it was accepted
    assert run_cli("show", "config-loss", "--format", "json", home=home).stdout.count("minetitleword") == 0

    result = run_cli("import", "--replace", str(folder), home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert any(line.startswith("replaced: config-loss: now ") for line in lines(result.stdout)), result.stdout
    assert "1 replaced an existing document" in lines(result.stdout)[-1]
    assert "minetitleword" in run_cli("show", "config-loss", "--format", "json", home=home).stdout


def test_an_imported_document_is_replaced_only_when_asked_and_in_place(tmp_path):
    home = tmp_path / "home"
    first = write_library(tmp_path / "v1", {"a.md": playbook_text("their-a", title="第一版 firstword")})
    second = write_library(tmp_path / "v2", {"b.md": playbook_text("their-a", title="第二版 secondword")})
    assert run_cli("import", str(first), home=home).returncode == 0
    result = run_cli("import", str(second), home=home)
    reason = outputs(result, "failed: ")["b.md"]
    assert reason.startswith("id 'their-a' is already used by ") and "v1/a.md" in reason and "--replace" in reason
    assert imported_files(home) == {"v1/a.md"}
    result = run_cli("import", "--replace", str(second), home=home)
    assert result.returncode == 0, result.stdout
    assert imported_files(home) == {"v1/a.md"}  # written over, not a second file with the same id
    assert search_ids(home, "secondword") == ["their-a"] and search_ids(home, "firstword") == []


def test_the_same_id_twice_in_one_import_keeps_the_first_even_with_replace(tmp_path):
    home = tmp_path / "home"
    folder = write_library(tmp_path / "d", {"a.md": playbook_text("twice"), "b.md": playbook_text("twice")})
    result = run_cli("import", "--replace", str(folder), home=home)
    assert "imported just before" in outputs(result, "failed: ")["b.md"]
    assert imported_files(home) == {"d/a.md"}


@pytest.mark.parametrize("doc_id", ["report-1", "lesson-12", "record-3", "incident-7"])
def test_ids_of_the_apps_own_kinds_cannot_be_imported_even_with_replace(tmp_path, doc_id):
    home = tmp_path / "home"
    folder = write_library(tmp_path / "d", {"fake.md": f"---\nid: {doc_id}\ntitle: 假的 fakeword\n---\n# fake\n"})
    for extra in ([], ["--replace"]):
        result = run_cli("import", *extra, str(folder), home=home)
        reason = outputs(result, "failed: ")["fake.md"]
        assert reason.startswith(f"id '{doc_id}' is reserved for the app's own "), reason
    assert imported_files(home) == set()


def test_a_hand_placed_file_with_a_reserved_id_is_ignored_by_the_library(tmp_path):
    from kbhelpers import open_kb

    kb = open_kb(tmp_path, {"ok.md": playbook_text("ok")})
    try:
        fake = kb.home.imported / "fake.md"
        fake.parent.mkdir(parents=True, exist_ok=True)
        fake.write_text("---\nid: report-1\ntitle: fake\n---\n# fake\n", encoding="utf-8")
        real = kb.home.reports / "report-1-real.md"
        real.parent.mkdir(parents=True, exist_ok=True)
        real.write_text("---\nid: report-1\nkind: document\ntitle: real\n---\n# real\n", encoding="utf-8")
        kb.library.reload()
        assert kb.get("report-1").path == real
        assert any("reserved for the app's own reports" in p.message and p.path == fake for p in kb.problems())
        assert not any("duplicate" in p.message for p in kb.problems())
    finally:
        kb.close()


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_files_with_a_bom_are_imported_as_text(tmp_path, codec):
    home = tmp_path / "home"
    text = "# 值班手册 Notepad\r\n\r\nunicodeword 中文\r\n"
    folder = write_library(tmp_path / "d", {"notepad.md": "\ufeff".encode(codec) + text.encode(codec)})
    result = run_cli("import", str(folder), home=home)
    assert result.returncode == 0, result.stdout
    stored = (home / "library" / "imported" / "d" / "notepad.md").read_bytes()
    assert stored.decode("utf-8") == text  # stored as UTF-8, as the rest of the library
    assert search_ids(home, "unicodeword") == ["imported/d/notepad"]


def test_a_refused_or_unreadable_file_leaves_nothing_in_the_library(tmp_path):
    home = tmp_path / "home"
    folder = write_library(tmp_path / "d", {"empty.md": "", "bin.md": b"\x00\x01" * 10,
                                            "res.md": "---\nid: lesson-1\ntitle: x\n---\n"})
    result = run_cli("import", str(folder), home=home)
    assert set(outputs(result, "failed: ")) == {"empty.md", "bin.md", "res.md"}
    assert imported_files(home) == set()
