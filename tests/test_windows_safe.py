"""Windows' behaviour, emulated on Linux: console code pages, no console at all, files
held open by another process, network shares."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from kbhelpers import REPO_ROOT, cli_env

from kbapp import fsutil, netfs

CODE_PAGES = ["gbk", "cp1252"]  # a Chinese and an English Windows


def _run_to_file(tmp_path: Path, encoding: str, *args: str) -> tuple[subprocess.CompletedProcess, bytes]:
    """``kbapp ARGS > out.txt`` with the console's code page as the output encoding."""
    out = tmp_path / f"out-{encoding}-{len(list(tmp_path.iterdir()))}.txt"
    with out.open("wb") as handle:
        result = subprocess.run([sys.executable, "-m", "kbapp", "--home", str(tmp_path / "home"), *args],
                                stdout=handle, stderr=subprocess.PIPE, env=cli_env(PYTHONIOENCODING=encoding),
                                cwd=REPO_ROOT, timeout=120)
    return result, out.read_bytes()


@pytest.mark.parametrize("encoding", CODE_PAGES)
def test_search_redirected_to_a_file_is_utf8_whatever_the_code_page(tmp_path, encoding):
    result, data = _run_to_file(tmp_path, encoding, "search", "数据丢失")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    text = data.decode("utf-8")  # not GBK, not cp1252: the same file on every Windows
    assert "data-loss" in text and "数据" in text


@pytest.mark.parametrize("encoding", CODE_PAGES)
def test_incident_show_with_its_marks_redirected_under_a_code_page(tmp_path, encoding):
    started, data = _run_to_file(tmp_path, encoding, "incident", "start", "--title", "配置丢失", "--level", "II",
                                 "--playbook", "config-loss")
    assert started.returncode == 0, started.stderr.decode("utf-8", "replace")
    incident_id = data.decode().strip()
    step, _ = _run_to_file(tmp_path, encoding, "incident", "step", incident_id, "1", "--done")
    assert step.returncode == 0, step.stderr.decode("utf-8", "replace")
    shown, data = _run_to_file(tmp_path, encoding, "incident", "show", incident_id)
    assert shown.returncode == 0, shown.stderr.decode("utf-8", "replace")
    text = data.decode("utf-8")
    assert "✓" in text and "▶" in text and "配置丢失" in text


@pytest.mark.parametrize("encoding", CODE_PAGES)
def test_errors_on_stderr_survive_a_code_page(tmp_path, encoding):
    result, _ = _run_to_file(tmp_path, encoding, "incident", "note", "42", "你好")
    assert result.returncode == 1
    assert "#42" in result.stderr.decode("utf-8") and b"Traceback" not in result.stderr


class _Terminal(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_a_terminal_that_cannot_show_a_mark_gets_ascii(encoding):
    from kbapp.cli.console import _prepare

    raw = io.BytesIO()
    stream = _prepare(_Terminal(raw, encoding=encoding))
    stream.write("✓ done ✗ failed ▶ now 数据\n")
    stream.flush()
    assert raw.getvalue().decode(encoding) == "v done x failed > now ??\n"


def test_a_terminal_is_never_sent_the_control_characters_of_a_title():
    from kbapp.cli.console import _prepare

    raw = io.BytesIO()
    stream = _prepare(_Terminal(raw, encoding="utf-8"))
    stream.write("\x1b[2J\x1b[31m已清屏\x1b[0m \x1b]0;pwned\x07 正常\u202e txt.exe\x9b\tok\r\n")
    stream.flush()
    shown = raw.getvalue().decode("utf-8")
    assert shown == "\u241b[2J\u241b[31m已清屏\u241b[0m \u241b]0;pwned\ufffd 正常\ufffd txt.exe\ufffd\tok\r\n"
    # A file or a pipe gets the text as it is (a JSON or Markdown export is data, not a screen).
    raw = io.BytesIO()
    stream = _prepare(io.TextIOWrapper(raw, encoding="utf-8"))
    stream.write("\x1b[2J")
    stream.flush()
    assert raw.getvalue() == b"\x1b[2J"


def test_no_console_at_all_writes_nowhere_without_failing(tmp_path):
    """pythonw and a windowed executable start with sys.stdout and sys.stderr None."""
    code = (
        "import sys; sys.stdout = sys.stderr = None\n"
        "from kbapp.cli.main import main\n"
        "code = main(['--home', sys.argv[1], 'incident', 'note', '42', 'x'])\n"
        "sys.stdout.write('still fine'); sys.stderr.write('still fine')\n"
        "import logging; logging.basicConfig(); logging.getLogger('kbapp').error('logged')\n"
        "open(sys.argv[2], 'w').write(str(code))\n"
    )
    home, done = tmp_path / "home", tmp_path / "code"
    result = subprocess.run([sys.executable, "-c", code, str(home), str(done)], capture_output=True, env=cli_env(),
                            cwd=REPO_ROOT, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert done.read_text() == "1"  # the error was handled, just not shown
    assert result.stdout == b"" and result.stderr == b""


# -- os.replace while another process holds the file -----------------------------------------

def _flaky_replace(monkeypatch, failures: int, exc: OSError):
    real = os.replace
    calls = []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) <= failures:
            raise exc
        real(src, dst)

    monkeypatch.setattr(fsutil.os, "replace", replace)
    monkeypatch.setattr(fsutil.time, "sleep", lambda s: None)
    return calls


def _sharing_violation() -> OSError:
    exc = PermissionError(13, "The process cannot access the file because it is being used by another process")
    exc.winerror = 32  # what Windows sets; PermissionError has no such attribute on Linux
    return exc


def test_a_file_held_open_twice_is_replaced_on_the_third_try(tmp_path, monkeypatch):
    target = tmp_path / "manifest.json"
    target.write_text("old", encoding="utf-8")
    calls = _flaky_replace(monkeypatch, 2, _sharing_violation())
    fsutil.atomic_write_text(target, "new")
    assert len(calls) == 3 and target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]  # no temporary file left


def test_a_file_held_open_for_good_gives_up_and_leaves_no_debris(tmp_path, monkeypatch):
    target = tmp_path / "manifest.json"
    target.write_text("old", encoding="utf-8")
    calls = _flaky_replace(monkeypatch, 1000, _sharing_violation())
    with pytest.raises(PermissionError):
        fsutil.atomic_write_text(target, "new")
    assert len(calls) == fsutil.REPLACE_ATTEMPTS
    assert target.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_other_errors_are_not_retried(tmp_path, monkeypatch):
    calls = _flaky_replace(monkeypatch, 1000, FileNotFoundError(2, "gone"))
    with pytest.raises(FileNotFoundError):
        fsutil.replace(tmp_path / "a", tmp_path / "b")
    assert len(calls) == 1


def test_the_database_backup_is_replaced_through_the_same_helper(tmp_path, monkeypatch):
    import sqlite3

    from kbapp.store import db

    source = tmp_path / "kbapp.sqlite3"
    sqlite3.connect(source).close()
    calls = _flaky_replace(monkeypatch, 2, _sharing_violation())
    backup = db.backup_sqlite_file(source, tmp_path / "backups")
    assert backup.is_file() and len(calls) == 3


# -- a data home on a network share ------------------------------------------------------------

def _mounts(share: Path, fstype: str) -> str:
    return ("/dev/vda / ext4 rw,relatime 0 0\n"
            "proc /proc proc rw 0 0\n"
            f"server:/export {str(share).replace(' ', chr(92) + '040')} {fstype} rw,vers=4.2 0 0\n")


@pytest.mark.parametrize("fstype", ["nfs", "nfs4", "cifs", "smb3", "9p", "fuse.sshfs"])
def test_a_folder_under_a_network_mount_is_detected(tmp_path, fstype):
    share = tmp_path / "my share"
    mounts = _mounts(share, fstype)
    assert netfs.network_fs(share / "kbapp", platform="linux", mounts=mounts) == fstype
    assert netfs.network_fs(share, platform="linux", mounts=mounts) == fstype
    assert netfs.network_fs(tmp_path / "my share2", platform="linux", mounts=mounts) is None  # not a prefix
    assert netfs.network_fs(tmp_path, platform="linux", mounts=mounts) is None


def test_this_machines_temporary_folder_is_local(tmp_path):
    assert netfs.network_fs(tmp_path) is None


@pytest.mark.parametrize("path, drive_type, expected", [
    (r"\\server\share\kbapp", 3, "UNC path"),
    ("//server/share/kbapp", 3, "UNC path"),
    (r"\\?\UNC\server\share\kbapp", 3, "UNC path"),
    (r"\\?\C:\Users\wang\AppData\Local\kbapp", 3, None),
    (r"Z:\kbapp", netfs.DRIVE_REMOTE, "network drive"),
    (r"C:\Users\wang\AppData\Local\kbapp", 3, None),  # DRIVE_FIXED
])
def test_windows_shares_and_mapped_drives_are_detected(path, drive_type, expected):
    asked = []

    def get_drive_type(root):
        asked.append(root)
        return drive_type

    assert netfs.network_fs(path, platform="win32", drive_type=get_drive_type) == expected
    if path[1] == ":":
        assert asked == [path[:2] + "\\"]


@pytest.fixture
def share(tmp_path, monkeypatch):
    """A folder that kbapp sees as an NFS mount."""
    share = tmp_path / "share"
    real = netfs.network_fs
    monkeypatch.setattr(netfs, "network_fs", lambda path, **kw: real(path, platform="linux",
                                                                      mounts=_mounts(share, "nfs4")))
    monkeypatch.delenv("KBAPP_ALLOW_NETWORK_HOME", raising=False)
    return share


def test_a_data_home_on_a_share_is_refused_with_one_clear_line(share, capsys):
    from kbapp.cli.main import main

    assert main(["--home", str(share / "kbapp"), "search", "数据丢失"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kbapp: data home ") and "network share (nfs4)" in err[0]
    assert "--home" in err[0] and "KBAPP_ALLOW_NETWORK_HOME" in err[0]
    assert not (share / "kbapp").exists()  # nothing written there


def test_a_share_allowed_anyway_keeps_a_rollback_journal(share, monkeypatch):
    from kbapp.facade import KnowledgeBase

    monkeypatch.setenv("KBAPP_ALLOW_NETWORK_HOME", "1")
    kb = KnowledgeBase.open(home=share / "kbapp")
    try:
        with kb.store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    finally:
        kb.close()


def test_a_database_url_on_a_share_is_refused(share, tmp_path):
    from kbapp.store.db import Store, StoreError

    with pytest.raises(StoreError, match="network share"):
        Store.open(f"sqlite:///{share / 'kbapp.sqlite3'}")
    local = Store.open(f"sqlite:///{tmp_path / 'local.sqlite3'}")
    try:
        with local.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        local.close()


# -- an import never makes a path longer than Windows allows -------------------------------------

def test_an_import_keeps_every_path_under_windows_limit(tmp_path):
    from kbhelpers import open_kb

    from kbapp.importer import MAX_DEST_PATH

    source = tmp_path / "运维手册"
    deep = source / ("第一部分-数据库运维与应急处理" * 3) / ("第二章-备份恢复与数据丢失的处理" * 3) / ("第三节" * 20)
    deep.mkdir(parents=True)
    long_name = "当归档日志空间满了以后数据库挂起无法写入时的处理步骤" * 2
    (deep / f"{long_name}.md").write_text("# 归档满\n\n独有词 okapi。\n", encoding="utf-8")
    (deep / f"{long_name}-另一份.md").write_text("# 归档满二\n\n独有词 tapir。\n", encoding="utf-8")
    (source / "short.md").write_text("# 短\n\n独有词 gerbil。\n", encoding="utf-8")

    kb = open_kb(tmp_path, {"x.md": "# x\n"})
    try:
        assert len(str(kb.home.imported / (deep / f"{long_name}.md").relative_to(tmp_path))) > 260
        result = kb.import_paths([source])
        assert not result.failed and len(result.imported) == 3
        for dest in result.imported:
            assert len(str(dest)) <= MAX_DEST_PATH, dest
        assert kb.home.imported / "运维手册" / "short.md" in result.imported  # short paths are kept as they were
        assert len(set(result.imported)) == 3
        kb.sync_index()
        for word in ("okapi", "tapir", "gerbil"):
            assert len(kb.search(word).hits) == 1, word
        again = kb.import_paths([source])  # the same files again: the same places, no copies
        assert sorted(again.imported) == sorted(result.imported)
    finally:
        kb.close()
