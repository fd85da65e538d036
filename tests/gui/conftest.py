"""GUI fixtures: offscreen Qt, a fresh data home and settings file per test."""

from __future__ import annotations

import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from kbapp.facade import KnowledgeBase  # noqa: E402

INDEX_TIMEOUT_MS = 120_000


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory):
    """The shipped library's search index, built once per session as the window builds it;
    each window test starts from a copy, so its start-up sync finds nothing to do."""
    root = tmp_path_factory.mktemp("index-template") / "home"
    base = KnowledgeBase.open(home=root)
    try:
        base.reload_library()
        base.sync_index()
    finally:
        base.close()
    return root / "index"


@pytest.fixture
def kb(tmp_path, built_index):
    home = tmp_path / "home"
    base = KnowledgeBase.open(home=home)
    shutil.copytree(built_index, base.home.index, dirs_exist_ok=True)  # before anything opens it
    yield base
    base.close()


@pytest.fixture
def make_window(qtbot, kb, settings):
    """Builds a MainWindow on the shipped library and waits until its index is ready."""
    from kbapp.gui.main_window import MainWindow

    def make(language: str = "en", start: bool = True, knowledge_base=None):
        window = MainWindow(knowledge_base or kb, language=language, settings=settings)
        qtbot.addWidget(window)
        window.show()
        if start:
            with qtbot.waitSignal(window.index_ready, timeout=INDEX_TIMEOUT_MS):
                window.start()
            # The first results preview the top document; let that settle before the test acts.
            qtbot.waitUntil(lambda: window.reader.document_id is not None, timeout=INDEX_TIMEOUT_MS)
        return window

    return make
