"""The window notices what others write: the command line, another window, another desk."""

from __future__ import annotations

from kbapp.facade import KnowledgeBase


def test_a_write_from_another_process_reaches_the_list_and_the_timeline_and_spares_the_note(
        qtbot, kb, make_window, tmp_path):
    first = kb.incidents.start("客户A 配置丢失", "II", actor="张工")
    window = make_window()
    window.show_incidents()
    page, view = window.incidents, window.incidents.view
    qtbot.waitUntil(lambda: view.incident is not None and view.incident.id == first.id, timeout=10_000)
    assert page.list_model.rowCount() == 1
    view.note_edit.setFocus()
    view.note_edit.setText("已联系客户，等待")  # half-typed, not yet logged
    view.note_edit.setCursorPosition(3)

    elsewhere = KnowledgeBase.open(home=tmp_path / "home")  # as `kbapp incident note` would
    try:
        second = elsewhere.incidents.start("客户B 数据丢失", "III", actor="李工")
        elsewhere.incidents.note(first.id, "从命令行记录的备注", actor="李工")
    finally:
        elsewhere.close()

    # No restart, no click: the list and the timeline of the incident on screen follow.
    qtbot.waitUntil(lambda: page.list_model.row_of(second.id) >= 0, timeout=10_000)
    qtbot.waitUntil(lambda: any(a.details == "从命令行记录的备注" for a in view.timeline_model.actions),
                    timeout=10_000)
    assert page.list_model.rowCount() == 2
    assert view.incident.id == first.id  # the engineer stays where they were
    assert view.note_edit.text() == "已联系客户，等待" and view.note_edit.cursorPosition() == 3


def test_the_windows_own_note_says_what_it_changed_and_is_shown(qtbot, kb, make_window):
    first = kb.incidents.start("客户A 配置丢失", "II", actor="张工")
    window = make_window()
    window.show_incidents()
    view = window.incidents.view
    qtbot.waitUntil(lambda: view.incident is not None and view.incident.id == first.id, timeout=10_000)
    seen = []
    window.runner.changed.connect(seen.append)
    view.note_edit.setText("现场已恢复")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.log_note()
    assert any(a.details == "现场已恢复" for a in view.timeline_model.actions)
    assert seen and seen[0].incident(first.id)  # the write said what it changed
    assert view.note_edit.text() == ""


def test_the_deadline_banner_counts_an_incident_opened_elsewhere(qtbot, kb, make_window, tmp_path):
    first = kb.incidents.start("客户A 配置丢失", "II", actor="张工")
    window = make_window()
    banner = window.deadline_banner
    qtbot.waitUntil(lambda: banner.incident_ids == [first.id], timeout=10_000)
    elsewhere = KnowledgeBase.open(home=tmp_path / "home")
    try:
        second = elsewhere.incidents.start("客户B 数据丢失", "II", actor="李工")
    finally:
        elsewhere.close()
    # Without waiting for the watcher's next minute: the change notice runs a pass now.
    qtbot.waitUntil(lambda: set(banner.incident_ids) == {first.id, second.id}, timeout=10_000)
