"""The incident runner in the real window: start from a search, walk steps, resume, deadlines."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QUrl

from kbapp.incidents import deadlines as dl


def _start_config_loss_incident(qtbot, window, title="客户A 配置丢失"):
    window.show_document("config-loss")
    qtbot.waitUntil(lambda: window.reader.document_id == "config-loss", timeout=10_000)
    window.incident_from_playbook_action.trigger()
    dialog = _open_dialog(window)
    assert "config-loss" in dialog.playbook_ids()
    dialog.title.setText(title)
    dialog.level.setCurrentIndex(dialog.level.findData("II"))
    dialog.responsible.setText("张工")
    dialog.accept()
    view = window.incidents.view
    qtbot.waitUntil(lambda: view.incident is not None and view.incident.title == title
                    and view.current_panel() is not None and view.current_panel().model.state is not None,
                    timeout=10_000)
    return view


def _open_dialog(window):
    from kbapp.gui.incident_dialogs import NewIncidentDialog

    dialogs = [d for d in window.incidents.findChildren(NewIncidentDialog) if d.isVisible()]
    assert dialogs, "the new-incident dialog did not open"
    return dialogs[-1]


def _panel(view):
    panel = view.current_panel()
    assert panel is not None and panel.playbook_id == "config-loss"
    return panel


def test_start_from_search_walk_steps_and_follow_a_decision(qtbot, make_window):
    window = make_window()
    view = _start_config_loss_incident(qtbot, window)
    assert window.pages.currentWidget() is window.incidents
    panel = _panel(view)
    assert panel.model.state.current == 1
    before = view.timeline_model.rowCount()

    panel.step_note.setText("配置文件为空")
    panel.done_button.click()
    qtbot.waitUntil(lambda: panel.model.state.current == 2, timeout=10_000)
    assert panel.model.state.step(1).result == "done"
    assert panel.model.state.step(1).note == "配置文件为空"
    assert panel.model.state.current == 2
    assert view.timeline_model.rowCount() > before  # the timeline grew by the logged actions

    panel.skip_button.click()
    qtbot.waitUntil(lambda: panel.model.state.current == 3, timeout=10_000)
    # Step 3's decision "配置文件存在且内容完整 → 第 6 步".
    panel._on_anchor(QUrl("kbapp:goto/6"))
    qtbot.waitUntil(lambda: panel.model.state.current == 6, timeout=10_000)
    assert any("→" in view.timeline_model.data(view.timeline_model.index(r, 3))
               for r in range(view.timeline_model.rowCount()))


def test_notes_and_copied_commands_are_logged(qtbot, make_window):
    window = make_window()
    view = _start_config_loss_incident(qtbot, window)
    rows = view.timeline_model.rowCount()
    view.note_edit.setText("客户确认昨晚有人改过配置")
    view.note_edit.returnPressed.emit()
    # The first note on an open incident is its response: a status action comes with it.
    qtbot.waitUntil(lambda: view.timeline_model.rowCount() == rows + 2, timeout=10_000)
    assert [a.kind for a in view.timeline_model.actions[-2:]] == ["status", "note"]
    _panel(view)._on_anchor(QUrl("kbapp:copy/0"))
    qtbot.waitUntil(lambda: view.timeline_model.actions[-1].kind == "command_copied", timeout=10_000)


def test_a_closed_window_resumes_the_open_incident(qtbot, make_window, kb):
    window = make_window()
    view = _start_config_loss_incident(qtbot, window, title="恢复测试")
    incident_id = view.incident_id
    panel = _panel(view)
    panel.done_button.click()
    qtbot.waitUntil(lambda: panel.model.state.current == 2, timeout=10_000)
    window.close()

    again = make_window()
    qtbot.waitUntil(lambda: again.incidents.view.incident_id == incident_id, timeout=10_000)
    panel = _panel(again.incidents.view)
    qtbot.waitUntil(lambda: panel.model.state is not None and panel.model.state.current == 2, timeout=10_000)
    assert panel.model.state.step(1).result == "done"


def test_a_deadline_turns_amber_then_red(qtbot, make_window, kb):
    window = make_window()
    view = _start_config_loss_incident(qtbot, window, title="无人响应")
    notified = view.incident.notified_at
    page = window.incidents

    page.clock = lambda: notified + dt.timedelta(minutes=25)
    view.tick()
    assert view.deadline_state(dl.RESPONSE) == dl.CLOSE

    page.clock = lambda: notified + dt.timedelta(minutes=31)
    view.tick()
    assert view.deadline_state(dl.RESPONSE) == dl.PASSED


def test_bad_input_shows_a_message_and_changes_nothing(qtbot, make_window):
    window = make_window()
    view = _start_config_loss_incident(qtbot, window)
    rows = view.timeline_model.rowCount()
    with qtbot.waitSignal(view.failed, timeout=10_000):
        view.change_level("V", "reason")
    assert view.error_label.isVisible() and "level" in view.error_label.text()
    assert view.timeline_model.rowCount() == rows


def test_an_older_list_read_finishing_last_does_not_take_the_new_incident_away(qtbot, make_window):
    """The read pool may finish two list reads out of order: the latest asked for is shown,
    so a list read before the new incident existed cannot select the old one instead."""
    window = make_window()
    page = window.incidents
    first = window.kb.incidents.start("旧的故障", "III")
    with qtbot.waitSignal(page.view.loaded, timeout=10_000):
        page.reload_list(select_id=first.id)
    held: list = []
    real_query = page.runner.query
    page.runner.query = lambda fn, ok=None, failed=None: held.append((fn, ok))  # held, to finish out of order
    page.reload_list()  # an older read: before the new incident
    stale = held[-1][0]()
    second = window.kb.incidents.start("新的故障", "II")
    page.reload_list(select_id=second.id)
    fresh = held[-1][0]()
    page.runner.query = real_query
    with qtbot.waitSignal(page.view.loaded, timeout=10_000):
        held[1][1](fresh)
    held[0][1](stale)  # arrives last: not shown
    assert page.view.incident.id == second.id
    assert page.list_model.rowCount() == 2
