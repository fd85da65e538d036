"""A read-only data home in the window: it opens, searches and shows the incidents, says
once (a banner) that the home is read-only, disables what would write, refuses a write
still asked with the core's message, and writes nothing into the home.

As in tests/test_read_only_home.py the home is made read-only by the write probe failing
(CI runs as root, where chmod does not stop writes), and the whole home is compared file
by file before and after."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest
from kbhelpers import home_snapshot
from PySide6.QtWidgets import QLabel

import kbapp.home
from kbapp.facade import KnowledgeBase


@pytest.fixture
def read_only_kb(tmp_path, built_index, monkeypatch):
    home = tmp_path / "home"
    before = KnowledgeBase.open(home=home)
    shutil.copytree(built_index, before.home.index, dirs_exist_ok=True)
    before.incidents.start("磁盘满 disk full", "III")
    before.close()
    real_probe = kbapp.home.probe_write

    def probe(root: Path) -> None:
        if Path(root).absolute() == home.absolute():
            raise OSError(errno.EROFS, "Read-only file system", str(root))
        real_probe(root)

    monkeypatch.setattr(kbapp.home, "probe_write", probe)
    kb = KnowledgeBase.open(home=home)
    assert kb.home.read_only
    yield kb
    kb.close()


def test_the_window_reads_a_read_only_home_and_refuses_writes(qtbot, make_window, read_only_kb):
    home = read_only_kb.home.root
    before = home_snapshot(home)
    window = make_window(knowledge_base=read_only_kb)
    banners = [label for label in window.findChildren(QLabel) if label.objectName() == "readOnlyBanner"]
    assert len(banners) == 1 and banners[0].isVisible()
    assert str(home) in banners[0].text() and "read-only" in banners[0].text()
    for action in (window.new_incident_action, window.import_action, window.log_note_action, window.resolve_action):
        assert not action.isEnabled()
    assert window.focus_search_action.isEnabled() and window.export_timeline_action.isEnabled()

    window.search_box.setText("磁盘")
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0 and window.reader.document_id == "disk-full",
                    timeout=60_000)
    qtbot.waitUntil(lambda: window.incidents.list_model.rowCount() == 1, timeout=60_000)
    assert window.incidents.list_model.incident(0).title == "磁盘满 disk full"

    with qtbot.waitSignal(window.incidents.message, timeout=60_000) as refused:
        window.incidents.start_incident(title="新故障", level="III")  # as the dialog would, were it enabled
    assert f"the data home {home} is read-only" in refused.args[0] and "not saved" in refused.args[0]
    window.close()
    assert home_snapshot(home) == before
    assert [i.title for i in read_only_kb.incidents.list_incidents()] == ["磁盘满 disk full"]


def test_the_chinese_window_says_it_in_chinese(qtbot, make_window, read_only_kb):
    from PySide6.QtWidgets import QApplication

    from kbapp.gui.errors import localized
    from kbapp.gui.i18n import install_translators, remove_translators
    from kbapp.home import ReadOnlyHome

    app = QApplication.instance()
    translators = install_translators(app, "zh_CN")
    try:
        window = make_window(language="zh_CN", start=False, knowledge_base=read_only_kb)
        assert "只读" in window.read_only_banner.text() and str(read_only_kb.home.root) in window.read_only_banner.text()
        with pytest.raises(ReadOnlyHome) as caught:
            read_only_kb.home.refuse_write()
        shown = localized(caught.value)
        assert isinstance(shown, ReadOnlyHome) and "只读" in str(shown) and str(read_only_kb.home.root) in str(shown)
    finally:
        remove_translators(app, translators)
