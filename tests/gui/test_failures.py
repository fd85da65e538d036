"""A failure that is a bug: the window says so, with the traceback behind "Show Details…",
and the data home's log file has it; secrets masked in both."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from kbapp.logs import configure_logging, log_path
from kbapp.store.db import StoreError


def test_a_bug_in_a_background_write_is_shown_with_details_and_logged(qtbot, make_window, kb):
    configure_logging(kb.home.root)  # as run_gui does
    window = make_window(start=False)

    def broken():
        raise RuntimeError("cannot merge token=ghp_abcdefghijklmnopqrstuvwxyz0123456789")

    with qtbot.waitSignal(window.runner.operation_failed, timeout=10_000):
        window.runner.write(broken)
    box = window.findChild(QMessageBox, "failureBox")
    assert box is not None and box.isVisible()
    assert "Something went wrong" in box.text() and str(log_path(kb.home.root)) in box.informativeText()
    details = box.detailedText()
    assert "Traceback (most recent call last)" in details and "in broken" in details
    assert "ghp_abcdefghijklmnopqrstuvwxyz0123456789" not in details + box.text()
    logged = log_path(kb.home.root).read_text(encoding="utf-8")
    assert "in broken" in logged and "ghp_abcdefghijklmnopqrstuvwxyz0123456789" not in logged
    box.close()


def test_an_error_the_engineer_can_fix_is_shown_as_is_and_not_logged(qtbot, make_window, kb, monkeypatch):
    configure_logging(kb.home.root)
    window = make_window(start=False)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))

    def locked():
        raise StoreError("the database is locked by another program")

    with qtbot.waitSignal(window.runner.operation_failed, timeout=10_000):
        window.runner.write(locked)
    assert shown == ["the database is locked by another program"]
    assert window.findChild(QMessageBox, "failureBox") is None
    log = log_path(kb.home.root)
    assert not log.exists() or "locked" not in log.read_text(encoding="utf-8")
