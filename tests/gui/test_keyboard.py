"""Keyboard all the way: no key sequence means two things in one window or dialog, and
the keys of the run view work in incidents, drills and inspections."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMenu, QWidget

CTRL, SHIFT, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.AltModifier


def _windows_of(obj) -> set[int]:
    """The top-level windows in which ``obj``'s shortcut is live."""
    widgets = []
    if isinstance(obj, QShortcut):
        widgets = [obj.parent()]
    else:
        widgets = [w for w in obj.associatedObjects() if isinstance(w, QWidget) and not isinstance(w, QMenu)]
        if not widgets and isinstance(obj.parent(), QWidget):
            widgets = [obj.parent()]
    return {id(w.window()) for w in widgets if isinstance(w, QWidget)}


def ambiguous_shortcuts(top_levels) -> list[str]:
    """Every key sequence bound twice where both bindings are live at once."""
    seen: dict[tuple[int, str, int], list[str]] = defaultdict(list)
    objects = []
    for top in top_levels:
        objects += top.findChildren(QAction) + top.findChildren(QShortcut) + top.actions()
        for widget in top.findChildren(QWidget):
            objects += widget.actions()
    for obj in set(objects):
        keys = obj.shortcuts() if isinstance(obj, QAction) else [obj.key()]
        context = obj.context() if isinstance(obj, QShortcut) else obj.shortcutContext()
        for key in keys:
            if key.isEmpty():
                continue
            text = key.toString(QKeySequence.SequenceFormat.PortableText)
            if context == Qt.ShortcutContext.WidgetShortcut:
                owners = {id(w) for w in getattr(obj, "associatedObjects", lambda: [obj.parent()])()}  # noqa: B023
            else:
                owners = _windows_of(obj)
            for owner in owners:
                seen[(owner, text, int(context == Qt.ShortcutContext.WidgetShortcut))].append(obj.objectName() or text)
    return sorted(f"{text}: {', '.join(names)}" for (_o, text, _c), names in seen.items() if len(names) > 1)


def _open_every_dialog(qtbot, window):
    from kbapp.gui.incident_dialogs import EscalationChainDialog
    from kbapp.gui.problems import ProblemsDialog
    from kbapp.gui.settings_dialog import SettingsDialog
    from kbapp.incidents.escalation import EscalationChain

    page, writeups, training = window.incidents, window.writeups, window.training
    view = _start_data_loss(qtbot, window)
    dialogs = [page.new_incident(), training.start_drill_dialog(), training.start_inspection_dialog(),
               training.pack_dialog(), page.change_level(), page.record_plan(), page.correct_notified_at(),
               writeups.write_report(view.incident_id), writeups.add_lesson("data-loss", 1),
               writeups.propose_change("data-loss"), writeups.show_versions("data-loss"), writeups.review_changes(),
               window.records.new_record(incident_id=view.incident_id, title="记录"),
               EscalationChainDialog(EscalationChain(), window), SettingsDialog(window.settings, window),
               ProblemsDialog(window.problems_model, window), window.changes.new_change(),
               window.visits.new_plan(), window.visits.record_visit(), window.visits.new_inspection_plan()]
    return [d for d in dialogs if d is not None]


def test_no_key_sequence_is_ambiguous_in_any_window_or_dialog(qtbot, make_window):
    window = make_window()
    assert ambiguous_shortcuts([window]) == []
    dialogs = _open_every_dialog(qtbot, window)
    assert len(dialogs) >= 18
    for dialog in dialogs:
        assert ambiguous_shortcuts([dialog]) == [], type(dialog).__name__
    # And the walk finds a real ambiguity: a second Ctrl+N in the window.
    extra = QAction("duplicate")
    extra.setShortcut(QKeySequence("Ctrl+N"))
    window.addAction(extra)
    assert any(item.startswith("Ctrl+N") for item in ambiguous_shortcuts([window]))
    window.removeAction(extra)
    assert all(not top.isVisible() or ambiguous_shortcuts([top]) == []
               for top in QApplication.topLevelWidgets())


def _activate(qtbot, window):
    window.activateWindow()
    window.raise_()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)


def test_ctrl_n_opens_a_new_incident_and_ctrl_q_quits(qtbot, make_window):
    from kbapp.gui.incident_dialogs import NewIncidentDialog

    window = make_window()
    _activate(qtbot, window)
    qtbot.keyClick(window.search_box, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.incidents.findChildren(NewIncidentDialog)),
                    timeout=5_000)
    dialog = next(d for d in window.incidents.findChildren(NewIncidentDialog) if d.isVisible())
    dialog.reject()
    _activate(qtbot, window)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Q, CTRL)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)


def test_ctrl_5_and_ctrl_6_show_the_change_requests_and_the_visits(qtbot, make_window):
    window = make_window()
    _activate(qtbot, window)
    qtbot.keyClick(window.search_box, Qt.Key.Key_5, CTRL)
    assert window.pages.currentWidget() is window.changes
    qtbot.keyClick(window.changes.filter, Qt.Key.Key_6, CTRL)
    assert window.pages.currentWidget() is window.visits


def _start_data_loss(qtbot, window, level="I"):
    dialog = window.incidents.new_incident("data-loss")
    dialog.title.setText("客户B 数据丢失")
    dialog.level.setCurrentIndex(dialog.level.findData(level))
    dialog.accept()
    view = window.incidents.view
    qtbot.waitUntil(lambda: view.incident is not None and view.current_panel() is not None
                    and view.current_panel().model.state is not None, timeout=10_000)
    return view


def test_the_run_view_keys_work_on_an_incident(qtbot, make_window):
    window = make_window()
    view = _start_data_loss(qtbot, window)
    panel = view.current_panel()
    _activate(qtbot, window)
    focus = panel.steps_view
    # Ctrl+Enter: step 1 done; Ctrl+Alt+S: step 2 skipped.
    qtbot.keyClick(focus, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: panel.model.state.current == 2, timeout=10_000)
    qtbot.keyClick(focus, Qt.Key.Key_S, CTRL | ALT)
    qtbot.waitUntil(lambda: panel.model.state.current == 3, timeout=10_000)
    # Ctrl+Shift+C copies step 3's first command and logs it.
    qtbot.keyClick(focus, Qt.Key.Key_C, CTRL | SHIFT)
    qtbot.waitUntil(lambda: view.timeline_model.actions[-1].kind == "command_copied", timeout=10_000)
    assert QGuiApplication.clipboard().text() == panel.selected_step().commands[0]
    # Alt+1 takes step 3's first decision: "丢失的是数据库中的数据 → 第 5 步".
    qtbot.keyClick(focus, Qt.Key.Key_1, ALT)
    qtbot.waitUntil(lambda: panel.model.state.current == 5, timeout=10_000)
    assert panel.model.state.step(5).reached_from == 3 and panel.model.state.step(4).bypassed
    # Ctrl+Alt+F: failed stays on the step.
    qtbot.keyClick(focus, Qt.Key.Key_F, CTRL | ALT)
    qtbot.waitUntil(lambda: panel.model.state.step(5).result == "failed", timeout=10_000)
    # Ctrl+Shift+A acknowledges; Ctrl+L jumps to the note field, always in sight.
    qtbot.keyClick(focus, Qt.Key.Key_A, CTRL | SHIFT)
    qtbot.waitUntil(lambda: any(a.kind == "ack" for a in view.timeline_model.actions), timeout=10_000)
    qtbot.keyClick(focus, Qt.Key.Key_L, CTRL)
    qtbot.waitUntil(lambda: view.note_edit.hasFocus(), timeout=5_000)
    assert view.note_edit.isVisible()
    view.note_edit.setText("DBA 已到场")  # (QTest cannot type Chinese)
    qtbot.keyClick(view.note_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.timeline_model.actions[-1].kind == "note", timeout=10_000)
    # Ctrl+Shift+T searches the timeline.
    qtbot.keyClick(view.note_edit, Qt.Key.Key_T, CTRL | SHIFT)
    qtbot.waitUntil(lambda: view.timeline_panel.search.hasFocus(), timeout=5_000)


def test_ctrl_enter_works_in_drills_and_inspections(qtbot, make_window):
    window = make_window()
    controller = window.training
    dialog = controller.start_drill_dialog()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    dialog.select_playbook("config-loss")
    dialog.trainee.setText("小王")
    dialog.accept()
    page = controller.page
    qtbot.waitUntil(lambda: page.view.incident is not None and page.view.current_panel() is not None
                    and page.view.current_panel().model.state is not None, timeout=10_000)
    panel = page.view.current_panel()
    _activate(qtbot, window)
    qtbot.keyClick(panel.steps_view, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: panel.model.state.current == 2, timeout=10_000)
    window.step_done_action.trigger()  # Incident ▸ Step Done, too
    qtbot.waitUntil(lambda: panel.model.state.current == 3, timeout=10_000)

    dialog = controller.start_inspection_dialog()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    refusals: list[str] = []
    page.message.connect(refusals.append)  # a start that fails says why, here

    def inspection_shown() -> bool:
        assert not refusals
        return (page.view.incident is not None and page.view.incident.mode == "inspection"
                and page.view.current_panel() is not None and page.view.current_panel().model.state is not None)

    dialog.accept()
    qtbot.waitUntil(inspection_shown, timeout=10_000)
    panel = page.view.current_panel()
    _activate(qtbot, window)
    qtbot.keyClick(panel.steps_view, Qt.Key.Key_Return, CTRL)  # a pass
    qtbot.waitUntil(lambda: panel.model.state.step(1).result == "pass", timeout=10_000)
