"""The window meets a lost database with a dialog, never an empty list: restore the latest
backup, start empty (explicitly) or quit; the work runs on the write lane."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from kbapp.facade import KnowledgeBase
from kbapp.store import backups


@pytest.fixture
def lost_home(tmp_path):
    """A home with one incident and a backup, whose database was then deleted."""
    home = tmp_path / "home"
    before = KnowledgeBase.open(home=home)
    before.incidents.start("磁盘满 disk full", "III")
    before.backup()
    before.close()
    (home / "kbapp.sqlite3").unlink()
    for suffix in ("-wal", "-shm"):
        (home / f"kbapp.sqlite3{suffix}").unlink(missing_ok=True)
    kb = KnowledgeBase.open(home=home)
    yield kb
    kb.close()


def asked(qtbot, window):
    qtbot.waitUntil(lambda: window.lost_database is not None and window.lost_database.box is not None
                    and window.lost_database.box.isVisible(), timeout=60_000)
    box = window.lost_database.box
    assert str(window.kb.home.database) in box.text()
    return box


def test_restore_latest_backup_brings_the_incidents_back(qtbot, make_window, lost_home):
    window = make_window(start=False, knowledge_base=lost_home)
    window.start()
    box = asked(qtbot, window)
    assert "Latest backup" in box.text()
    # The restore's own signal: the index may report ready from the first start meanwhile.
    with qtbot.waitSignal(window.lost_database.restarted, timeout=120_000):
        box.findChild(QPushButton, "restoreLatest").click()
    assert backups.database_state(lost_home.home.database) == backups.OK
    assert [i.title for i in lost_home.incidents.list_incidents()] == ["磁盘满 disk full"]


def test_start_empty_is_explicit_and_keeps_the_lost_file(qtbot, make_window, lost_home):
    (lost_home.home.database).write_bytes(b"")  # a truncated file this time
    window = make_window(start=False, knowledge_base=lost_home)
    window.start()
    box = asked(qtbot, window)
    with qtbot.waitSignal(window.index_ready, timeout=120_000):
        box.findChild(QPushButton, "startEmpty").click()
    qtbot.waitUntil(lambda: backups.database_state(lost_home.home.database) == backups.OK)
    assert lost_home.incidents.list_incidents() == []
    assert list(lost_home.home.backups.glob("lost-*.sqlite3"))


def test_quit_leaves_the_home_as_it_was(qtbot, make_window, lost_home):
    window = make_window(start=False, knowledge_base=lost_home)
    window.start()
    box = asked(qtbot, window)
    box.findChild(QPushButton, "quit").click()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert backups.database_state(lost_home.home.database) == backups.MISSING


def test_a_restore_names_the_kept_files_the_backup_does_not_know(qtbot, make_window, tmp_path):
    home = tmp_path / "orphans"
    before = KnowledgeBase.open(home=home)
    first = before.incidents.start("磁盘满 disk full", "III")
    before.incidents.resolve(first.id, "清理日志")
    before.backup()
    second = before.incidents.start("配置丢失 config lost", "III")
    before.incidents.resolve(second.id, "恢复配置")  # its document, library/incidents/, is newer than the backup
    before.close()
    for suffix in ("", "-wal", "-shm"):
        (home / f"kbapp.sqlite3{suffix}").unlink(missing_ok=True)
    kb = KnowledgeBase.open(home=home)
    try:
        window = make_window(start=False, knowledge_base=kb)
        window.start()
        box = asked(qtbot, window)
        box.findChild(QPushButton, "restoreLatest").click()
        qtbot.waitUntil(lambda: getattr(window.lost_database, "orphans_box", None) is not None
                        and window.lost_database.orphans_box.isVisible(), timeout=120_000)
        shown = window.lost_database.orphans_box
        assert shown.text().startswith("1 library file(s)")
        assert f"incident-{second.id}: incident #{second.id} is not in the restored database" in shown.detailedText()
        assert f"incident-{first.id}" not in shown.detailedText()
    finally:
        kb.close()
