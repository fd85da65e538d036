"""The problem records tab: its models, creating a record and moving it through the page."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtWidgets import QLabel

from kbapp.gui.operations import OperationRunner
from kbapp.gui.records_page import HistoryModel, MoveDialog, NewRecordDialog, RecordRole, RecordsModel, RecordsPage
from kbapp.identity import Engineer
from kbapp.records import workflow as wf

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TIMEOUT = 20_000


def _record(record_id: int, kind: str = wf.DEFECT, state: str = wf.SUBMITTED, **kw) -> wf.ProblemRecord:
    values = dict(title=f"问题 {record_id}", description="", reporter="李四", place="", incident_id=None,
                  created_by="张工", created_at=T0, updated_at=T0 + dt.timedelta(minutes=record_id))
    values.update(kw)
    return wf.ProblemRecord(id=record_id, kind=kind, state=state, **values)


def test_records_model_passes_the_model_tester(qtmodeltester):
    model = RecordsModel(chinese=True)
    model.set_records([_record(3, state=wf.ANALYSED, classification="technical", assigned_role="technical",
                               assignee="孙工"),
                       _record(1, wf.CONSULTATION, wf.CLOSED, answer="已解答")])
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.columnCount() == 7
    assert model.data(model.index(0, 6)) == "技术人员 孙工" and model.data(model.index(1, 6)) == ""
    assert model.data(model.index(0, 2)) == "已分析" and model.data(model.index(1, 1)) == "咨询类"
    assert model.data(model.index(1, 0), RecordRole).id == 1
    assert model.row_of(3) == 0 and model.row_of(9) == -1
    model.set_records([])
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_history_model_passes_the_model_tester(qtmodeltester):
    model = HistoryModel()
    model.set_transitions([
        wf.Transition(1, 5, T0, "张工", None, None, wf.DEFECT, wf.SUBMITTED),
        wf.Transition(2, 5, T0, "王工", wf.DEFECT, wf.SUBMITTED, wf.CONSULTATION, wf.ANALYSED,
                      {"classification": "operation"}, "已解释")])
    qtmodeltester.check(model)
    assert model.data(model.index(1, 1)) == "王工"
    assert "converted to a consultation record" in model.data(model.index(1, 2))


def test_the_move_dialog_names_each_missing_field(qtbot):
    dialog = MoveDialog(_record(4, state=wf.SIGNED_OFF, proposed_by="赵工"), wf.RESOLVED, chinese=False)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and dialog.result() == 0
    assert all(dialog.errors[name].isVisible() for name in ("cause", "prevention", "tips"))
    assert "tips given to the user" in dialog.errors["tips"].text()
    dialog.set_value("cause", "硒鼓老化")
    dialog.set_value("prevention", "每季度检查硒鼓")
    dialog.accept()
    assert not dialog.errors["cause"].isVisible() and dialog.errors["tips"].isVisible()
    dialog.set_value("tips", "卡纸时先关机再取纸")
    dialog.accept()
    assert dialog.result() == 1
    assert dialog.values() == {"cause": "硒鼓老化", "prevention": "每季度检查硒鼓", "tips": "卡纸时先关机再取纸"}


def test_the_sign_off_dialog_names_the_proposer_and_starts_from_the_engineer(qtbot):
    dialog = MoveDialog(_record(4, state=wf.PROPOSED, proposed_by="赵工", fix="更换硒鼓"), wf.SIGNED_OFF,
                        chinese=False, defaults={"supervisor": "王主管", "supervisor_role": "主管 Supervisor"})
    qtbot.addWidget(dialog)
    assert "Fix proposed by 赵工" in " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert dialog.values() == {"supervisor": "王主管", "supervisor_role": "主管 Supervisor"}
    analysed = MoveDialog(_record(5), wf.ANALYSED, chinese=False)
    qtbot.addWidget(analysed)
    analysed.set_value("classification", wf.BUSINESS)
    assert analysed.values() == {"classification": wf.BUSINESS}  # the assignee is optional
    analysed.set_value("assignee", "孙工")
    assert analysed.values() == {"classification": wf.BUSINESS, "assignee": "孙工"}


@pytest.fixture
def page(qtbot, kb):
    runner = OperationRunner()
    widget = RecordsPage(kb, runner, chinese=False)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    runner.shutdown()


def _dialogs(page, cls):
    found = [d for d in page.findChildren(cls) if d.isVisible()]
    assert found, f"no {cls.__name__} open"
    return found[-1]


def test_create_a_record_and_move_it_through_the_page(qtbot, page, kb, monkeypatch):
    from kbapp.records.service import RecordService

    threads: list[threading.Thread] = []
    for name in ("new", "move", "list_records", "get", "history"):
        original = getattr(RecordService, name)

        def spy(self, *args, _original=original, **kwargs):
            threads.append(threading.current_thread())
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(RecordService, name, spy)
    monkeypatch.setattr(RecordService, "list", RecordService.list_records)
    page.actor = lambda: "张工"
    page.reload()

    dialog = page.new_record(title="打印机无法打印")
    assert isinstance(dialog, NewRecordDialog) and _dialogs(page, NewRecordDialog) is dialog
    dialog.kind.setCurrentIndex(dialog.kind.findData(wf.DEFECT))
    dialog.description.setPlainText("财务处打印机卡纸后离线")
    dialog.customer_fields.customer.setCurrentText("水利局")  # a customer not yet in the list
    dialog.accept()
    qtbot.waitUntil(lambda: page.current is not None and page.current.title == "打印机无法打印", timeout=TIMEOUT)
    record = page.current
    assert (record.kind, record.state, record.created_by) == (wf.DEFECT, wf.SUBMITTED, "张工")
    assert (record.customer, record.system) == ("水利局", None)
    assert page.model.rowCount() == 1 and page.history_model.rowCount() == 1
    assert set(page.move_actions) == {wf.ANALYSED}  # only the legal next move is offered
    assert page.open_move(wf.REPLIED) is None

    move = page.open_move(wf.ANALYSED)
    assert _dialogs(page, MoveDialog) is move
    move.accept()
    assert move.isVisible() and move.errors["classification"].isVisible()
    move.set_value("classification", wf.TECHNICAL)
    move.note.setText("交技术人员")
    move.accept()
    qtbot.waitUntil(lambda: page.current.state == wf.ANALYSED and page.history_model.rowCount() == 2,
                    timeout=TIMEOUT)
    assert set(page.move_actions) == {wf.PROPOSED}
    assert "交技术人员" in page.history_model.data(page.history_model.index(1, 2))
    assert "Technical problem" in page.fields_view.toPlainText()
    assert "Technical staff" in page.fields_view.toPlainText()

    page.move_actions[wf.PROPOSED].trigger()
    move = _dialogs(page, MoveDialog)
    move.set_value("fix", "更换硒鼓")
    move.accept()
    qtbot.waitUntil(lambda: page.current.state == wf.PROPOSED, timeout=TIMEOUT)
    assert set(page.move_actions) == {wf.SIGNED_OFF}  # the sign-off is its own step

    # The proposer cannot sign off their own fix: refused, with the reason on the page.
    page.engineer = lambda: Engineer("张工", "主管 Supervisor")
    page.move_actions[wf.SIGNED_OFF].trigger()
    move = _dialogs(page, MoveDialog)
    assert move.values() == {"supervisor": "张工", "supervisor_role": "主管 Supervisor"}
    with qtbot.waitSignal(page.message, timeout=TIMEOUT) as refused:
        move.accept()
    assert "张工 proposed the fix and may not sign it off" in refused.args[0]
    assert page.error_label.isVisible() and page.current.state == wf.PROPOSED

    page.move_record(record.id, wf.SIGNED_OFF, {"supervisor": "王主管", "supervisor_role": "主管 Supervisor"})
    qtbot.waitUntil(lambda: page.current.state == wf.SIGNED_OFF, timeout=TIMEOUT)
    page.move_actions[wf.RESOLVED].trigger()
    move = _dialogs(page, MoveDialog)
    for name, value in (("cause", "硒鼓老化"), ("prevention", "每季度检查"), ("tips", "卡纸时先关机")):
        move.set_value(name, value)
    move.accept()
    qtbot.waitUntil(lambda: page.current.state == wf.RESOLVED, timeout=TIMEOUT)
    assert threads and threading.main_thread() not in threads  # nothing ran on the UI thread
    assert kb.records.get(record.id).supervisor == "王主管"
    assert [t.actor for t in kb.records.history(record.id)] == ["张工"] * 5
    shown = page.fields_view.toPlainText()
    assert "王主管 · 主管 Supervisor" in shown and "卡纸时先关机" in shown and "Fix proposed by" in shown


def test_a_refused_move_shows_the_message(qtbot, page, kb):
    record = kb.records.new("consultation", "如何重置密码")
    page.reload()
    qtbot.waitUntil(lambda: page.current is not None and page.current.id == record.id, timeout=TIMEOUT)
    kb.records.move(record.id, "closed", answer="已解答")  # someone else closed it meanwhile
    with qtbot.waitSignal(page.message, timeout=TIMEOUT) as blocker:
        page.move_record(record.id, wf.CLOSED, {"answer": "again"})
    assert "record is closed" in blocker.args[0]
    assert page.error_label.isVisible() and "Allowed from closed" in page.error_label.text()


def test_new_record_from_an_incident_keeps_its_id(qtbot, page, kb):
    incident = kb.incidents.start("邮件系统无法登录", "III", reporter="办公室王五")
    page.reload()
    dialog = page.new_record(incident_id=incident.id)
    assert dialog.kind.currentData() == wf.DEFECT
    dialog.accept()  # the title may come from the incident
    qtbot.waitUntil(lambda: page.current is not None, timeout=TIMEOUT)
    assert (page.current.incident_id, page.current.title) == (incident.id, "邮件系统无法登录")
    assert f"#{incident.id}" in page.fields_view.toPlainText()
