"""The window shows the first search result before it builds its other pages or opens the
database (kbapp.gui.window_pages): those come after, or on first use, and work then."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from kbapp.facade import KnowledgeBase
from kbapp.gui.window_pages import BUILT_ATTRIBUTES, PAGE_MODULES, PAGE_TABS

from .test_incident_runner import _start_config_loss_incident
from .test_keyboard import _activate

CTRL = Qt.KeyboardModifier.ControlModifier
REPO = Path(__file__).resolve().parents[2]

# A new `kbapp` process (the window); the query typed when its event loop starts. At the
# first result: what was imported, opened and built by then; later: the pages, unasked.
_CHILD = textwrap.dedent(r"""
    import json, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from kbapp.gui.main_window import MainWindow

    query, modules = sys.argv[2], sys.argv[3].split(",")
    out = {}
    real_start, real_exec = MainWindow.start, QApplication.exec

    def start(window):
        def results(request, found):  # connected first: before the window reacts to it
            if request.text == query and "hits" not in out:
                out.update(hits=[hit.id for hit in found.hits], sqlalchemy="sqlalchemy" in sys.modules,
                           store_open=window.kb._store is not None, built=window.deferred_pages.built,
                           one_query=window.kb.index.one_query, mmap=window.kb._index_mmap,
                           page_modules=[m for m in modules if m in sys.modules])
                poll.start()

        def later():
            if window.deferred_pages.built and window.kb._store is not None:
                out.update(later_built=True, incidents_tab=window.pages.indexOf(window.incidents))
                print(json.dumps(out), flush=True)
                window.close()
                QApplication.instance().quit()

        poll = QTimer(window)
        poll.setInterval(50)
        poll.timeout.connect(later)
        window.search.results_ready.connect(results)
        real_start(window)

    def hooked_exec(app):
        window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        window.search_box.setText(query)
        QTimer.singleShot(60_000, lambda: app.exit(3))
        return real_exec()

    MainWindow.start = start
    QApplication.exec = hooked_exec
    from kbapp.cli.main import main
    main(["--home", sys.argv[1]])
""")


def test_the_first_result_comes_before_the_database_and_the_other_pages(tmp_path, built_index):
    home = tmp_path / "home"
    kb = KnowledgeBase.open(home=home)
    shutil.copytree(built_index, kb.home.index, dirs_exist_ok=True)
    kb.set_engineer("测试")  # no first-start dialog
    kb.close()
    env = {k: v for k, v in os.environ.items() if k not in ("KBAPP_HOME", "KBAPP_DB")}
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"), PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(home), "配置丢失", ",".join(PAGE_MODULES)],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads([line for line in proc.stdout.splitlines() if line.startswith("{")][-1])
    assert "config-loss" in out["hits"]
    # Its index read as queries need it (not mapped and copied on opening), yet scored for many.
    assert out["mmap"] is False and out["one_query"] is False
    # Nothing of the store was needed to show it: not opened, SQLAlchemy not even imported.
    assert out["sqlalchemy"] is False and out["store_open"] is False
    assert out["built"] is False and out["page_modules"] == []
    # Then, unasked, the database opens and the pages are built, the incidents in their tab.
    assert out["later_built"] is True and out["incidents_tab"] == 1


def test_every_tab_is_there_from_the_start_and_its_page_is_built_when_opened(qtbot, make_window):
    window = make_window(start=False)
    pages = window.deferred_pages
    assert not pages.built
    titles = [window.pages.tabText(i) for i in range(window.pages.count())]
    assert len(titles) == 1 + len(PAGE_TABS)
    window.pages.setCurrentIndex(2)  # Problem records, clicked
    assert pages.built
    assert window.pages.currentWidget() is window.records
    assert [window.pages.tabText(i) for i in range(window.pages.count())] == titles
    assert window.pages.widget(1) is window.incidents and window.pages.widget(6) is window.metrics


def test_a_page_built_on_first_use_works(qtbot, make_window):
    window = make_window(start=False)
    assert window.incidents is not None  # read before the start: built
    with qtbot.waitSignal(window.index_ready, timeout=120_000):
        window.start()
    view = _start_config_loss_incident(qtbot, window)
    assert window.pages.currentWidget() is window.incidents
    assert view.incident.title == "客户A 配置丢失"
    qtbot.waitUntil(lambda: window.incidents.list_model.rowCount() == 1, timeout=10_000)


def test_the_keys_of_the_pages_work_before_they_are_built(qtbot, make_window):
    window = make_window(start=False)
    _activate(qtbot, window)
    # Ctrl+7 (Show Metrics) as one event, no Ctrl press before it: built, and its action run.
    QApplication.sendEvent(window.search_box, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_7, CTRL))
    assert window.deferred_pages.built
    assert window.pages.currentWidget() is window.metrics
    qtbot.keyClick(window.search_box, Qt.Key.Key_3, CTRL)  # and the next key as usual
    assert window.pages.currentWidget() is window.incidents


def test_a_key_pressed_alone_first_builds_them_for_the_next(qtbot, make_window):
    window = make_window(start=False)
    _activate(qtbot, window)
    qtbot.keyPress(window.search_box, Qt.Key.Key_Control)  # as a hand does: Ctrl down, then the key
    assert window.deferred_pages.built
    qtbot.keyClick(window.search_box, Qt.Key.Key_4, CTRL)
    assert window.pages.currentWidget() is window.records


def test_a_key_no_page_has_builds_them_and_goes_on_to_its_widget(qtbot, make_window):
    window = make_window(start=False)
    _activate(qtbot, window)
    window.search_box.setText("abc")
    qtbot.keyClick(window.search_box, Qt.Key.Key_A, CTRL)  # select all, the line edit's own
    assert window.deferred_pages.built
    assert window.search_box.selectedText() == "abc"


def test_the_incident_menu_is_complete_when_it_opens(qtbot, make_window):
    window = make_window(start=False)
    assert window.incident_menu.actions() == []
    window.incident_menu.aboutToShow.emit()
    assert window.new_incident_action in window.incident_menu.actions()


def test_the_pages_make_only_the_attributes_a_window_builds_them_for(qtbot, make_window):
    window = make_window(start=False)
    before = set(vars(window))
    window.deferred_pages.build()
    made = {name for name in set(vars(window)) - before if not name.startswith("_")}
    assert made == BUILT_ATTRIBUTES  # any other would be missing when read before the build
