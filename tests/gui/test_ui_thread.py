"""The window never opens the database, parses the library or writes the index on its own
thread (kbapp.threads): a check installed for the test fails on the first that does."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QCoreApplication, QThread

from kbapp import threads


@pytest.fixture
def violations():
    seen: list[tuple[str, str]] = []

    def on_ui_thread() -> bool:
        app = QCoreApplication.instance()
        return app is not None and QThread.currentThread() is app.thread()

    threads.set_ui_thread_check(on_ui_thread, lambda what: seen.append((what, threading.current_thread().name)))
    yield seen
    threads.set_ui_thread_check(None)


def test_the_check_fails_on_the_ui_thread_and_not_off_it(qtbot, violations):
    threads.off_ui_thread("Store.open")
    worker = threading.Thread(target=threads.off_ui_thread, args=("Library.reload",))
    worker.start()
    worker.join()
    assert [what for what, _ in violations] == ["Store.open"]


def test_starting_the_window_and_searching_do_no_blocking_work_on_the_ui_thread(qtbot, make_window, violations):
    window = make_window()  # library parsed, index synced, database opened and migrated: all off the UI thread
    qtbot.waitUntil(lambda: window.kb._store is not None, timeout=60_000)
    window.search_box.setText("数据丢失")
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0, timeout=60_000)
    window.pages.setCurrentWidget(window.incidents)
    window.pages.setCurrentIndex(0)
    assert violations == []


def test_opening_every_tab_before_the_database_is_ready_does_not_open_it_on_the_ui_thread(qtbot, make_window,
                                                                                          violations):
    window = make_window(start=False)
    for index in range(window.pages.count()):  # the engineer clicks through while the app starts
        window.pages.setCurrentIndex(index)
    window.start()
    qtbot.waitUntil(lambda: window.kb._store is not None, timeout=60_000)
    for index in range(window.pages.count()):
        window.pages.setCurrentIndex(index)
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=60_000)
    assert violations == []


def test_the_engineers_everyday_writes_and_the_chain_editor_never_wait_on_the_ui_thread(
        qtbot, kb, make_window, violations, monkeypatch):
    """Every facade call of the window goes through an operation: a note, a status, the
    escalation chain (which froze the window 1.6–1.8 s while the library was parsed), an
    escalation, a new incident from a playbook. The facade's build lock and every database
    transaction report the UI thread (kbapp.threads), so one direct call fails the test."""
    from kbapp.gui.incident_dialogs import EscalationChainDialog

    incident = kb.incidents.start("客户A 配置丢失", "II", actor="张工", playbook_ids=["config-loss"])
    window = make_window()
    qtbot.waitUntil(lambda: window.kb._store is not None, timeout=60_000)
    violations.clear()  # the test itself wrote above, on this thread
    window.show_incidents()
    view = window.incidents.view
    qtbot.waitUntil(lambda: view.incident is not None and view.incident.id == incident.id, timeout=10_000)
    view.note_edit.setText("已联系客户")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.log_note()
    shown: list[EscalationChainDialog] = []
    monkeypatch.setattr(EscalationChainDialog, "exec", lambda self: shown.append(self) or 0)
    window.incidents.edit_chain()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    window.incidents.escalate_now()  # the chain is empty: the warning, off the UI thread
    qtbot.waitUntil(lambda: window.incidents.warning_box is not None, timeout=10_000)
    dialog = window.incidents.new_incident("config-loss")
    qtbot.waitUntil(lambda: "config-loss" in dialog.playbook_ids(), timeout=10_000)
    dialog.reject()
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=60_000)
    assert violations == []


def test_closing_the_window_before_the_database_is_ready_does_not_open_it(qtbot, make_window, violations):
    window = make_window(start=False)
    window.close()
    assert violations == []
