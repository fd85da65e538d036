"""After the incident, in the real window: the report, a lesson under its step, a reviewed change."""

from __future__ import annotations

import shutil
import subprocess

FILLED = {"fault_type": "配置丢失", "cause": "升级脚本覆盖了 /etc/app/app.conf", "loss": "登录中断 40 分钟",
          "place": "远程"}


def _resolved_incident(qtbot, window) -> int:
    svc = window.kb.incidents
    incident = svc.start("客户A 配置丢失", "II", description="升级后应用配置丢失，用户无法登录",
                         category="config-loss", reporter="王经理", playbook_ids=["config-loss"], actor="李工")
    svc.step(incident.id, 1, "done", note="db password=Sup3r-Secret", actor="李工")
    svc.resolve(incident.id, "从备份恢复配置", actor="李工")
    window.show_incidents()
    window.incidents.reload_list(select_id=incident.id)
    qtbot.waitUntil(lambda: window.incidents.view.incident is not None
                    and window.incidents.view.incident.id == incident.id, timeout=10_000)
    return incident.id


def test_report_is_prefilled_checked_per_field_saved_and_searchable(qtbot, make_window, tmp_path):
    window = make_window()
    incident_id = _resolved_incident(qtbot, window)
    window.writeups.report_action.trigger()
    dialog = window.writeups.dialog
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    assert dialog.editors["level"].text() == "II"
    assert dialog.editors["reporter"].text() == "王经理"
    assert dialog.editors["method"].toPlainText() == "从备份恢复配置"
    assert "确认丢失范围" in dialog.steps.toPlainText()

    dialog.submit_button.click()
    qtbot.waitUntil(lambda: dialog.errors["cause"].isVisibleTo(dialog), timeout=10_000)
    missing = {key for key, label in dialog.errors.items() if label.isVisibleTo(dialog)}
    assert missing == {"fault_type", "cause", "loss", "place"}
    assert "required" in dialog.errors["loss"].text()

    for key, value in FILLED.items():
        editor = dialog.editors[key]
        editor.setPlainText(value) if hasattr(editor, "setPlainText") else editor.setText(value)
    with qtbot.waitSignal(dialog.submitted, timeout=10_000) as saved:
        dialog.submit_button.click()
    report = saved.args[0]
    assert not any(label.isVisibleTo(dialog) for label in dialog.errors.values())
    hits = window.kb.search("配置丢失", kind="report").hits
    assert [h.id for h in hits] == [report.doc_id]
    qtbot.waitUntil(lambda: window.incidents.view.incident.status == "report_submitted", timeout=10_000)

    dialog.lesson_button.click()  # lessons from the report: tied to it and to the incident
    lesson_dialog = window.writeups.dialog
    assert (lesson_dialog.incident_id, lesson_dialog.report_id) == (incident_id, report.id)
    assert lesson_dialog.playbook.currentData() == "config-loss"
    lesson_dialog.reject()

    if shutil.which("pdftotext"):
        pdf = tmp_path / "report.pdf"
        dialog.export_to(pdf)
        qtbot.waitUntil(pdf.exists, timeout=20_000)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "升级脚本覆盖了" in text and "Sup3r-Secret" not in text


def test_lesson_shows_under_its_step_in_the_reader(qtbot, make_window):
    window = make_window()
    window.show_document("config-loss")
    qtbot.waitUntil(lambda: window.reader.document_id == "config-loss", timeout=10_000)
    dialog = window.writeups.add_lesson("config-loss", 3)
    assert dialog.step.currentData() == 3
    dialog.text.setPlainText("第 3 步要先看 crontab 有没有覆盖配置 LESSONMARK")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: "LESSONMARK" in window.reader.toPlainText(), timeout=10_000)
    text = window.reader.toPlainText()
    assert text.index("3. 查找丢失原因") < text.index("LESSONMARK") < text.index("4. 从配置备份恢复")
    assert [h.id for h in window.kb.search("LESSONMARK").hits] == ["lesson-1"]


def test_playbook_change_applies_after_review(qtbot, make_window):
    window = make_window()
    window.show_document("config-loss")
    qtbot.waitUntil(lambda: window.reader.document_id == "config-loss", timeout=10_000)
    before = window.kb.get("config-loss").version
    propose = window.writeups.propose_change("config-loss", reason="lesson 1")
    qtbot.waitUntil(lambda: propose.propose_button.isEnabled(), timeout=10_000)
    text = propose.editor.toPlainText()
    propose.editor.setPlainText(text.replace("3. 查找丢失原因", "3. 查找丢失原因并检查 crontab", 1))
    propose.tabs.setCurrentIndex(1)
    assert "查找丢失原因并检查 crontab" in propose.diff.toPlainText()
    with qtbot.waitSignal(propose.proposed, timeout=10_000):
        propose.propose_button.click()
    assert window.kb.get("config-loss").version == before  # not applied before review

    review = window.writeups.review_changes()
    qtbot.waitUntil(lambda: review.list.count() == 1, timeout=10_000)
    assert "crontab" in review.diff.toPlainText()
    with qtbot.waitSignal(review.decided, timeout=10_000):
        review.approve_button.click()
    assert window.kb.get("config-loss").version == before + 1
    qtbot.waitUntil(lambda: "查找丢失原因并检查 crontab" in window.reader.toPlainText(), timeout=10_000)
    qtbot.waitUntil(lambda: review.list.count() == 0, timeout=10_000)
    review.accept()

    versions = window.writeups.show_versions("config-loss")
    qtbot.waitUntil(lambda: versions.list.count() == 2, timeout=10_000)
    assert "查找丢失原因并检查 crontab" in versions.text.toPlainText()  # the current one is shown first
    versions.list.setCurrentRow(0)
    assert "查找丢失原因并检查 crontab" not in versions.text.toPlainText()
    assert f"version: {before}" in versions.text.toPlainText()


def test_new_incident_lists_similar_past_incidents_and_reports(qtbot, make_window):
    window = make_window()
    incident_id = _resolved_incident(qtbot, window)
    window.kb.reports.submit(incident_id, FILLED, actor="李工")
    dialog = window.incidents.new_incident()
    dialog.description.setPlainText("又一次升级后配置丢失，用户无法登录")

    def texts():
        return [dialog.similar.item(i).text() for i in range(dialog.similar.count())]

    qtbot.waitUntil(lambda: any(t.startswith(f"#{incident_id} ") for t in texts()), timeout=10_000)
    assert any("故障处理报告" in t for t in texts())
    dialog.reject()


def test_reader_link_opens_the_lesson_dialog_on_that_step(qtbot, make_window):
    from PySide6.QtCore import QUrl

    window = make_window()
    window.show_document("data-loss")
    qtbot.waitUntil(lambda: window.reader.document_id == "data-loss", timeout=10_000)
    assert "kbapp:lesson/2" in window.reader.toHtml()
    window.reader.anchorClicked.emit(QUrl("kbapp:lesson/2"))
    dialog = window.writeups.dialog
    assert dialog.playbook.currentData() == "data-loss" and dialog.step.currentData() == 2
    dialog.reject()


def test_problem_record_from_the_incident_on_screen(qtbot, make_window):
    window = make_window()
    incident_id = _resolved_incident(qtbot, window)
    from kbapp.gui.records_page import NewRecordDialog

    window.writeups.record_from_incident_action.trigger()
    dialogs = [d for d in window.records.findChildren(NewRecordDialog) if d.isVisible()]
    assert dialogs
    dialog = dialogs[-1]
    assert dialog.values()["incident_id"] == incident_id
    dialog.accept()
    qtbot.waitUntil(lambda: any(r.incident_id == incident_id for r in window.kb.records.list_records()), timeout=10_000)
    window.writeups.show_records_action.trigger()
    assert window.pages.currentWidget() is window.records
