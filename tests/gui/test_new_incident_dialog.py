"""The new-incident dialog: playbooks suggested by the search engine, and chosen by hand
(by keyboard) when the suggestion is wrong; the choice is what the incident starts with."""

from __future__ import annotations

import pytest
from kbhelpers import open_kb, playbook_text
from PySide6.QtCore import Qt

from kbapp.gui.incident_dialogs import NewIncidentDialog
from kbapp.gui.operations import OperationRunner

LIBRARY = {
    "db-down.md": playbook_text("db-down", "数据库宕机", "Database down", category="database",
                                symptoms="- 数据库无法连接，ORA-00600。"),
    "net-down.md": playbook_text("net-down", "网络中断", "Network outage", category="network",
                                 symptoms="- 交换机端口掉线。"),
    "cert-expiry.md": playbook_text("cert-expiry", "证书过期", "Certificate expired", category="certificate",
                                    symptoms="- 浏览器提示证书无效。"),
}


@pytest.fixture
def kb(tmp_path):
    base = open_kb(tmp_path, LIBRARY)
    base.sync_index()
    yield base
    base.close()


@pytest.fixture
def runner():
    runner = OperationRunner()
    yield runner
    runner.shutdown()


def open_dialog(qtbot, kb, runner, playbook_id=None) -> NewIncidentDialog:
    dialog = NewIncidentDialog(kb, runner, chinese=False, playbook_id=playbook_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.picker.loaded, timeout=10_000)
    return dialog


def suggested(dialog) -> list[tuple[str, bool]]:
    items = [dialog.suggestions.item(r) for r in range(dialog.suggestions.count())]
    return [(i.data(Qt.ItemDataRole.UserRole), i.checkState() == Qt.CheckState.Checked) for i in items]


def describe(qtbot, dialog, title: str) -> None:
    with qtbot.waitSignal(dialog.search.results_ready, timeout=10_000):
        dialog.title.setText(title)


def test_the_best_suggestion_is_checked_for_the_engineer(qtbot, kb, runner):
    dialog = open_dialog(qtbot, kb, runner)
    describe(qtbot, dialog, "数据库宕机")
    assert suggested(dialog)[0] == ("db-down", True)
    assert dialog.playbook_ids() == ["db-down"]


def test_the_picker_lists_every_playbook(qtbot, kb, runner):
    dialog = open_dialog(qtbot, kb, runner)
    combo = dialog.picker.combo
    ids = sorted(combo.itemData(r) for r in range(combo.count()))
    assert ids == ["cert-expiry", "db-down", "net-down"]
    assert combo.currentText() == ""  # nothing chosen until the engineer chooses


def test_a_playbook_typed_and_entered_by_keyboard_replaces_a_wrong_suggestion(qtbot, kb, runner):
    dialog = open_dialog(qtbot, kb, runner)
    describe(qtbot, dialog, "数据库宕机")
    assert dialog.playbook_ids() == ["db-down"]  # the suggestion, wrong for this call
    line = dialog.picker.combo.lineEdit()
    line.setFocus()
    qtbot.keyClicks(line, "certif")
    with qtbot.waitSignal(dialog.picker.picked, timeout=5_000):
        qtbot.keyClick(line, Qt.Key.Key_Return)
    assert dialog.isVisible()  # Enter chose the playbook; it did not close the dialog
    assert dialog.playbook_ids() == ["cert-expiry"]
    assert suggested(dialog)[0] == ("cert-expiry", True) and ("db-down", False) in suggested(dialog)
    qtbot.waitUntil(lambda: line.text() == "", timeout=5_000)  # ready for another


def test_a_playbook_chosen_from_the_completer_list_with_the_arrow_keys(qtbot, kb, runner):
    dialog = open_dialog(qtbot, kb, runner)
    line = dialog.picker.combo.lineEdit()
    line.setFocus()
    line.insert("中断")  # a part of the Chinese title (typed through an input method)
    popup = dialog.picker.combo.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.picker.picked, timeout=5_000):
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.playbook_ids() == ["net-down"]


def test_the_choice_is_kept_when_new_suggestions_arrive_and_is_what_the_incident_starts_with(qtbot, kb, runner):
    dialog = open_dialog(qtbot, kb, runner)
    describe(qtbot, dialog, "数据库宕机")
    dialog.picker.combo.setEditText("cert-expiry")  # an id works too
    assert dialog.picker.pick_current()
    describe(qtbot, dialog, "数据库宕机 ORA-00600")  # more typing, new results
    assert dialog.playbook_ids() == ["cert-expiry"]
    dialog.title.setText("客户报 ORA-00600 但实际是证书过期")
    incident = kb.incidents.start(actor="王工", **dialog.values())
    assert incident.playbook_ids == ("cert-expiry",)


def test_an_unchecked_suggestion_is_not_checked_again_and_a_checked_one_stays(qtbot, kb, runner):
    dialog = open_dialog(qtbot, kb, runner)
    describe(qtbot, dialog, "数据库宕机")
    dialog.suggestions.item(0).setCheckState(Qt.CheckState.Unchecked)  # the engineer unchecks it
    assert dialog.playbook_ids() == []
    describe(qtbot, dialog, "数据库宕机了")
    assert ("db-down", False) in suggested(dialog)
    row = next(i for i, (doc_id, _c) in enumerate(suggested(dialog)) if doc_id == "db-down")
    dialog.suggestions.item(row).setCheckState(Qt.CheckState.Checked)  # and changes their mind
    describe(qtbot, dialog, "数据库宕机了 ORA")
    assert dialog.playbook_ids() == ["db-down"]


def test_text_naming_no_playbook_says_so_and_keeps_the_dialog_open(qtbot, kb, runner):
    dialog = open_dialog(qtbot, kb, runner)
    line = dialog.picker.combo.lineEdit()
    line.setFocus()
    qtbot.keyClicks(line, "zzz-nothing")
    with qtbot.waitSignal(dialog.picker.no_match, timeout=5_000):
        qtbot.keyClick(line, Qt.Key.Key_Return)
    assert dialog.isVisible() and "zzz-nothing" in dialog.error.text()
    assert dialog.playbook_ids() == []


def test_opened_from_a_playbook_it_starts_with_that_one(qtbot, kb, runner):
    dialog = open_dialog(qtbot, kb, runner, playbook_id="net-down")
    describe(qtbot, dialog, "数据库宕机")
    assert dialog.playbook_ids() == ["net-down"]


def test_the_customer_and_system_come_from_the_list_and_a_new_one_joins_it(qtbot, kb, runner):
    kb.customers.save("甲医院", systems=["HIS", "PACS"])
    dialog = open_dialog(qtbot, kb, runner)
    qtbot.waitUntil(lambda: dialog.customer.findText("甲医院") >= 0, timeout=5_000)
    dialog.customer.setCurrentText("甲医院")
    assert [dialog.system.itemText(i) for i in range(dialog.system.count())] == ["", "HIS", "PACS"]
    dialog.system.setCurrentText("LIS")  # a system not yet in the list
    dialog.title.setText("检验系统无法登录")
    incident = kb.incidents.start(actor="王工", **dialog.values())
    assert (incident.customer, incident.system) == ("甲医院", "LIS")
    assert kb.customers.get("甲医院").systems == ("HIS", "LIS", "PACS")


def test_an_inspection_names_its_customer_and_system_from_the_dialog(qtbot, runner, tmp_path):
    from kbapp.facade import KnowledgeBase
    from kbapp.gui.training_dialogs import StartInspectionDialog

    kb = KnowledgeBase.open(home=tmp_path / "shipped-home")  # the shipped library has the checklists
    try:
        kb.customers.save("乙银行", systems=["核心系统"])
        dialog = StartInspectionDialog(kb, runner)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.checklist.count() > 0 and dialog.customer_fields.customer.count() > 1,
                        timeout=30_000)
        dialog.customer_fields.customer.setCurrentText("乙银行")
        dialog.customer_fields.system.setCurrentText("核心系统")
        inspection = kb.training.inspections.start(**dialog.values())
        assert (inspection.customer, inspection.system) == ("乙银行", "核心系统")
    finally:
        runner.wait_for_writes()
        kb.close()
