from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtWidgets import QApplication

from kbapp.gui.models import HitRole


def _first_id(window):
    hit = window.results_model.hit(0)
    return hit.id if hit else None


def _type_query(qtbot, window, text):
    """ASCII as key presses; Chinese the way an input method delivers it (a commit)."""
    window.search_box.clear()
    window.search_box.setFocus()
    if text.isascii():
        qtbot.keyClicks(window.search_box, text)
    else:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(window.search_box, event)


def test_typing_a_chinese_query_shows_the_matching_playbook_first(qtbot, make_window):
    window = make_window()
    _type_query(qtbot, window, "配置丢失")
    qtbot.waitUntil(lambda: _first_id(window) == "config-loss", timeout=10_000)
    assert window.results_model.data(window.results_model.index(0, 0), HitRole).category == "config-loss"


def test_keyboard_only_flow_opens_the_playbook(qtbot, make_window):
    window = make_window()
    window.reader.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.search_box.hasFocus)
    qtbot.keyClicks(window.search_box, "config lost")
    qtbot.waitUntil(lambda: _first_id(window) == "config-loss", timeout=10_000)
    # The selection may already have previewed it; Enter opens it and moves focus to the reader.
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.reader.document_id == "config-loss", timeout=10_000)
    assert window.reader.hasFocus()
    text = window.reader.toPlainText()
    assert "配置丢失" in text and "1." in text
    # Arrow keys in the search box move through the results.
    window.search_box.setFocus()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert window.results_view.currentIndex().row() == 1
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert window.search_box.text() == ""


def test_filters_narrow_the_results(qtbot, make_window):
    window = make_window()
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 5, timeout=10_000)
    everything = window.results_model.rowCount()
    combo = window.filters.category
    combo.setCurrentIndex(combo.findData("data-loss"))
    qtbot.waitUntil(lambda: 0 < window.results_model.rowCount() < everything, timeout=10_000)
    hits = [window.results_model.hit(r) for r in range(window.results_model.rowCount())]
    assert {h.category for h in hits} == {"data-loss"}
    level = window.filters.level
    level.setCurrentIndex(level.findData("IV"))
    qtbot.waitUntil(lambda: window.results_model.rowCount() == 0 or all(
        "IV" in window.results_model.hit(r).levels for r in range(window.results_model.rowCount())), timeout=10_000)


def test_did_you_mean_appears_for_a_typo(qtbot, make_window):
    window = make_window()
    _type_query(qtbot, window, "configuraton")
    qtbot.waitUntil(lambda: window.suggestion.isVisible(), timeout=10_000)
    assert "configuration" in window.suggestion.text()


def test_reader_renders_sanitised_markdown(qtbot, make_window, kb):
    hostile = kb.home.imported / "hostile.md"
    hostile.write_text("# 危险文档 Hostile\n\n正文<script>alert('x')</script>\n\n<img src=\"http://example.com/x.png\">\n",
                       encoding="utf-8")
    window = make_window()
    window.show_document("imported/hostile")
    qtbot.waitUntil(lambda: window.reader.document_id == "imported/hostile", timeout=10_000)
    html = window.reader.toHtml()
    assert "alert" not in html and "example.com" not in html
    assert "正文" in window.reader.toPlainText()


def test_copy_link_puts_the_command_on_the_clipboard(qtbot, make_window, kb):
    window = make_window()
    window.show_document("config-loss")
    qtbot.waitUntil(lambda: window.reader.document_id == "config-loss", timeout=10_000)
    doc = kb.get("config-loss")
    step = next(s for s in doc.steps if s.commands)
    with qtbot.waitSignal(window.reader.command_copied, timeout=5_000):
        window.reader.copy_command(step.number, 0)
    assert QGuiApplication.clipboard().text() == step.commands[0]


def test_links_outside_the_app_open_only_after_the_engineer_saw_the_full_target(qtbot, make_window, monkeypatch):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QMessageBox

    window = make_window()
    window.show_document("config-loss")
    qtbot.waitUntil(lambda: window.reader.document_id == "config-loss", timeout=10_000)
    asked, opened = [], []
    answer = [QMessageBox.StandardButton.Cancel]
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text, *_a: asked.append(text) or answer[0])
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toEncoded().data().decode()) or True)
    target = "https://kb.example.com/article?id=42&x=%E4%B8%AD"
    window.reader.anchorClicked.emit(QUrl(target))
    assert len(asked) == 1 and "https://kb.example.com/article?id=42&x=%E4%B8%AD" in asked[0] and opened == []
    answer[0] = QMessageBox.StandardButton.Open
    window.reader.anchorClicked.emit(QUrl(target))
    assert opened == [target]
    # Other schemes, and a kbapp: link the renderer did not make for a step, open nothing and ask nothing.
    for url in ("file:///etc/passwd", "javascript:alert(1)", "smb://host/share", "kbapp:other/1"):
        with qtbot.waitSignal(window.reader.link_refused, timeout=2_000):
            window.reader.anchorClicked.emit(QUrl(url))
    assert len(asked) == 2 and opened == [target]


def test_problems_panel_lists_broken_files(qtbot, make_window, kb):
    (kb.home.imported / "broken.md").write_text("---\nid: broken\ntitle: [unclosed\n---\n# x\n", encoding="utf-8")
    window = make_window()
    assert window.problems_button.isVisible()
    window.show_problems()
    dialog = window._problems_dialog
    assert dialog.isVisible()
    files = {dialog.proxy.index(r, 0).data() for r in range(dialog.proxy.rowCount())}
    assert any(f.endswith("broken.md") for f in files)
    # The rest of the library still works.
    _type_query(qtbot, window, "数据丢失")
    qtbot.waitUntil(lambda: _first_id(window) == "data-loss", timeout=10_000)


def test_window_state_is_restored(qtbot, make_window, settings):
    window = make_window(start=False)
    window.resize(700, 500)  # the offscreen screen is 800x600
    window.splitter.setSizes([200, 700])
    window.close()
    again = make_window(start=False)
    assert again.size().width() == 700
    assert again.splitter.sizes()[0] < again.splitter.sizes()[1]


def test_actions_carry_standard_shortcuts_and_appear_in_menus(make_window):
    window = make_window(start=False)
    shortcuts = {s.toString() for s in window.focus_search_action.shortcuts()}
    assert "Ctrl+K" in shortcuts and "Ctrl+F" in shortcuts
    menu_actions = {a for menu in window.menuBar().actions() for a in menu.menu().actions()}
    for action in (window.focus_search_action, window.import_action, window.quit_action, window.problems_action,
                   window.preferences_action):
        assert action in menu_actions


def test_a_document_asked_for_while_an_earlier_one_renders_is_the_one_shown(qtbot, make_window, kb, monkeypatch):
    import threading

    window = make_window()
    release, finished = threading.Event(), threading.Event()
    render = kb.render_with_history

    def slow_for_data_loss(doc_id, **options):  # (on a reader thread)
        if doc_id == "data-loss":
            release.wait(10)
            try:
                return render(doc_id, **options)
            finally:
                finished.set()
        return render(doc_id, **options)

    monkeypatch.setattr(kb, "render_with_history", slow_for_data_loss)
    window.show_document("data-loss")
    window.show_document("config-loss")  # asked for next: rendered first
    qtbot.waitUntil(lambda: window.reader.document_id == "config-loss")
    release.set()
    qtbot.waitUntil(finished.is_set)
    qtbot.waitUntil(lambda: not window.runner.busy())  # the late render delivered, and ignored
    assert window.reader.document_id == "config-loss"


def test_a_refresh_of_the_results_leaves_the_document_being_read(qtbot, make_window):
    window = make_window()
    _type_query(qtbot, window, "数据丢失")
    qtbot.waitUntil(lambda: window.reader.document_id == "data-loss", timeout=10_000)  # its first hit, previewed
    window.show_document("certificate-expiry")  # opened by hand (a link, a write-up): not in the list
    qtbot.waitUntil(lambda: window.reader.document_id == "certificate-expiry")
    assert "certificate-expiry" not in [window.results_model.hit(r).id for r in range(window.results_model.rowCount())]
    with qtbot.waitSignal(window.search.results_ready):
        window.search.refresh()  # the library changed: the same query again
    qtbot.waitUntil(lambda: not window.runner.busy())
    assert window.reader.document_id == "certificate-expiry"


def test_the_start_up_heap_is_frozen_once_at_the_first_ready(qtbot, make_window):
    import gc

    from kbapp.gui.app import freeze_heap_when_ready

    window = make_window(start=False)
    freeze_heap_when_ready(window)  # as run_gui does
    gc.unfreeze()
    try:
        with qtbot.waitSignal(window.index_ready, timeout=120_000):
            window.start()
        assert gc.get_freeze_count() > 1000  # the modules, the window, the library's catalogue ...
        gc.unfreeze()
        window.index_ready.emit()  # the library reloaded later: collected as usual, not frozen
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def test_a_document_not_found_when_first_previewed_is_shown_by_the_next_refresh(qtbot, make_window, kb, monkeypatch):
    window = make_window()
    get, missed = kb.get, []

    def not_yet(doc_id):  # (on a reader thread) the library still loading when it was first asked for
        if doc_id == "data-loss" and not missed:
            missed.append(doc_id)
            return None
        return get(doc_id)

    monkeypatch.setattr(kb, "get", not_yet)
    _type_query(qtbot, window, "数据丢失")
    qtbot.waitUntil(lambda: bool(missed) and _first_id(window) == "data-loss" and not window.runner.busy(), timeout=10_000)
    assert window.reader.document_id != "data-loss"
    with qtbot.waitSignal(window.search.results_ready):
        window.search.refresh()  # the library loaded: the same query again
    qtbot.waitUntil(lambda: window.reader.document_id == "data-loss", timeout=10_000)
