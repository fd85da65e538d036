"""What the window says after an import or an edit, and validation messages that go once fixed."""

from __future__ import annotations

import re

from kbhelpers import playbook_text, write_library
from PySide6.QtWidgets import QMessageBox


def _count(window) -> int:
    match = re.search(r"(\d+)", window.index_label.text())
    return int(match.group(1)) if match else -1


def test_import_names_the_files_with_problems_and_the_count_follows(qtbot, make_window, tmp_path):
    window = make_window()
    before = _count(window)
    assert before > 0
    source = write_library(tmp_path / "theirs", {
        "a.md": playbook_text("their-a", category="nonsense", levels="[V]"),  # two problems
        "b.md": playbook_text("their-b", category="nonsense"),  # one
        "c.md": "# 没问题 Fine\n\n正文。\n",
    })
    window.import_paths([str(source)])
    qtbot.waitUntil(lambda: getattr(window, "import_box", None) is not None, timeout=30_000)
    assert _count(window) == before + 3
    message = window.statusBar().currentMessage()
    assert message.startswith("Imported 3, failed 0.") and "2 imported with problems" in message
    box = window.import_box
    assert box.isVisible() and box.icon() == QMessageBox.Icon.Warning
    assert box.text().count("unknown category") == 2 and "unknown fault level" in box.text()
    assert window.problems_button.isVisible() and "3" in window.problems_button.text()
    box.accept()


def test_the_document_count_follows_edits_made_anywhere(qtbot, make_window):
    window = make_window()
    before = _count(window)
    # A lesson written on the write lane (as the lesson dialog does) is a new document.
    window.runner.write(lambda: window.kb.lessons.add("config-loss", "先检查 crontab 再恢复", step=3), lambda _l: None)
    qtbot.waitUntil(lambda: _count(window) == before + 1, timeout=10_000)
    # ... and one written straight through the knowledge base, off the UI thread or not.
    window.kb.lessons.add("data-loss", "先做快照", step=2)
    qtbot.waitUntil(lambda: _count(window) == before + 2, timeout=10_000)


def test_a_report_field_message_goes_once_the_field_is_right(qtbot, make_window):
    window = make_window()
    svc = window.kb.incidents
    incident = svc.start("客户A 配置丢失", "II", category="config-loss", reporter="王经理", playbook_ids=["config-loss"])
    svc.resolve(incident.id, "从备份恢复配置")
    window.show_incidents()
    window.incidents.reload_list(select_id=incident.id)
    qtbot.waitUntil(lambda: window.incidents.view.incident_id == incident.id, timeout=10_000)
    window.writeups.report_action.trigger()
    dialog = window.writeups.dialog
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    dialog.editors["level"].setText("V")
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: dialog.errors["cause"].isVisibleTo(dialog), timeout=10_000)
    assert "not a fault level" in dialog.errors["level"].text()
    dialog.editors["cause"].setPlainText("升级脚本覆盖了配置")
    assert not dialog.errors["cause"].isVisibleTo(dialog)  # fixed: the message is gone at once
    assert dialog.errors["loss"].isVisibleTo(dialog)  # the others stay until they are fixed
    dialog.editors["level"].setText("")
    assert dialog.errors["level"].isVisibleTo(dialog) and "required" in dialog.errors["level"].text()
    dialog.editors["level"].setText("II")
    assert not dialog.errors["level"].isVisibleTo(dialog)
    dialog.editors["fault_type"].setText("配")  # fixed, message gone; the untouched place keeps its own
    assert not dialog.errors["fault_type"].isVisibleTo(dialog) and dialog.errors["place"].isVisibleTo(dialog)
    dialog.reject()


def test_dialog_messages_go_once_fixed(qtbot, make_window):
    window = make_window()
    dialog = window.incidents.new_incident()
    dialog.accept()
    assert dialog.error.text() == "The title is required." and dialog.isVisible()
    dialog.title.setText("数据库宕机")
    assert dialog.error.text() == ""
    dialog.reject()

    drill = window.training.start_drill_dialog()
    qtbot.waitUntil(lambda: drill.loaded, timeout=10_000)
    drill.select_playbook("data-loss")
    drill.accept()
    assert drill.error.isVisibleTo(drill) and "trainee" in drill.error.text()
    drill.trainee.setText("小王")
    assert not drill.error.isVisibleTo(drill)
    drill.reject()

    record = window.records.new_record()
    record.accept()
    assert record.error.text() == "The title is required."
    record.title.setText("报表导出乱码")
    assert record.error.text() == ""
    record.reject()


def test_an_import_that_would_replace_a_shipped_playbook_asks_first(qtbot, make_window, tmp_path):
    window = make_window()
    source = write_library(tmp_path / "theirs", {"mine.md": playbook_text("config-loss", title="我的 minetitle")})
    window.import_paths([str(source)])
    qtbot.waitUntil(lambda: getattr(window, "replace_box", None) is not None, timeout=30_000)
    box = window.replace_box
    assert box.isVisible() and "config-loss" in box.text() and "mine.md" in box.text()
    assert window.kb.get("config-loss").shipped  # nothing replaced yet
    box.button(QMessageBox.StandardButton.No).click()
    assert window.kb.get("config-loss").shipped

    window.replace_box = None
    window.import_paths([str(source)])
    qtbot.waitUntil(lambda: getattr(window, "replace_box", None) is not None, timeout=30_000)
    window.replace_box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not window.kb.get("config-loss").shipped, timeout=30_000)
    assert window.kb.get("config-loss").title == "我的 minetitle"
