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
