"""Who is acting, in the window: asked on the first start, shown, changed in Preferences, on
every action; preferences and window state in the data home."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog

from kbapp.gui.app import ask_engineer
from kbapp.gui.engineer_dialog import EngineerDialog
from kbapp.gui.i18n import (
    LEGACY_ENGINEER,
    SETTING_LANGUAGE,
    SETTINGS_FILE,
    home_settings,
)
from kbapp.incidents import types as itypes


def test_the_first_start_asks_who_is_working_here(qtbot, kb, tmp_path, monkeypatch):
    legacy = QSettings(str(tmp_path / "legacy.ini"), QSettings.Format.IniFormat)
    legacy.setValue(LEGACY_ENGINEER, "王工")
    shown = []

    def later(dialog):  # the engineer presses "Later": nothing is stored, asked again next time
        shown.append(dialog.name.text())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(EngineerDialog, "exec", later)
    assert ask_engineer(kb, legacy) is False and kb.engineer is None
    assert shown == ["王工"]  # the name an earlier version kept is offered

    def answer(dialog):
        dialog.name.setText("李工")
        dialog.role.setCurrentText("值班工程师 On-duty engineer")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(EngineerDialog, "exec", answer)
    assert ask_engineer(kb, legacy) is True
    assert (kb.engineer.name, kb.engineer.role) == ("李工", "值班工程师 On-duty engineer")
    monkeypatch.setattr(EngineerDialog, "exec", lambda dialog: shown.append("again") or 0)
    assert ask_engineer(kb, legacy) is True and "again" not in shown  # named once per data home


def test_the_dialog_wants_a_name(qtbot):
    dialog = EngineerDialog(None, first_start=True)
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.error.isVisibleTo(dialog)
    dialog.name.setText("王工")
    assert not dialog.error.isVisibleTo(dialog)


def test_actions_in_the_window_carry_the_engineers_name(qtbot, make_window, kb):
    kb.set_engineer("王工", "值班工程师 On-duty engineer")
    window = make_window()
    assert "王工 (值班工程师 On-duty engineer)" in window.engineer_label.text()
    page = window.incidents
    page.start_incident(title="配置丢失", level="II", playbook_ids=["config-loss"])
    qtbot.waitUntil(lambda: page.view.current_panel() is not None
                    and page.view.current_panel().model.state is not None, timeout=10_000)
    incident_id = page.view.incident_id
    page.view.current_panel().record(itypes.DONE)
    qtbot.waitUntil(lambda: any(a.kind == itypes.STEP for a in kb.incidents.timeline(incident_id)), timeout=10_000)
    page.view.note_edit.setText("已联系客户")
    page.view.log_note()
    qtbot.waitUntil(lambda: any(a.kind == itypes.NOTE for a in kb.incidents.timeline(incident_id)), timeout=10_000)
    assert {a.actor for a in kb.incidents.timeline(incident_id)} == {"王工"}


def test_preferences_change_who_is_acting(qtbot, make_window, kb):
    kb.set_engineer("王工")
    window = make_window(start=False)
    dialog = window.show_preferences()
    assert dialog.engineer.text() == "王工"
    dialog.engineer.setText("")
    dialog.accept()
    assert dialog.isVisible() and dialog.error.isVisibleTo(dialog)  # a name cannot be taken away
    dialog.engineer.setText("李工")
    dialog.role.setCurrentText("培训师 Trainer")
    dialog.accept()
    qtbot.waitUntil(lambda: kb.engineer.name == "李工", timeout=10_000)
    qtbot.waitUntil(lambda: "李工 (培训师 Trainer)" in window.engineer_label.text(), timeout=10_000)
    assert kb.actor_name() == "李工"


def test_a_drill_in_the_window_logs_the_trainees_steps_and_the_trainer(qtbot, make_window, kb):
    kb.set_engineer("张老师", "培训师 Trainer")
    window = make_window()
    dialog = window.training.start_drill_dialog()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    assert dialog.trainer.text() == "张老师"
    dialog.select_playbook("data-loss")
    dialog.trainee.setText("小王")
    dialog.accept()
    page = window.training.page
    qtbot.waitUntil(lambda: page.drill is not None and page.view.current_panel() is not None
                    and page.view.current_panel().model.state is not None, timeout=10_000)
    page.view.current_panel().record(itypes.DONE)
    drill_id = page.view.incident_id
    qtbot.waitUntil(lambda: any(a.kind == itypes.STEP for a in kb.incidents.timeline(drill_id)), timeout=10_000)
    assert [a.actor for a in kb.incidents.timeline(drill_id, kinds=(itypes.STEP,))] == ["小王"]
    assert kb.incidents.get(drill_id).created_by == "张老师"
    page.finish_drill()
    qtbot.waitUntil(lambda: page.score_dialog is not None, timeout=10_000)
    assert kb.incidents.get(drill_id).status == "resolved"
    assert kb.training.drills.get(drill_id).trainer == "张老师"
    page.score_dialog.close()


def test_preferences_and_window_state_live_in_the_data_home(qtbot, tmp_path):
    from kbapp.facade import KnowledgeBase
    from kbapp.gui.main_window import MainWindow

    legacy = QSettings(str(tmp_path / "legacy.ini"), QSettings.Format.IniFormat)
    legacy.setValue(SETTING_LANGUAGE, "en")
    desk = KnowledgeBase.open(home=tmp_path / "desk")
    training = KnowledgeBase.open(home=tmp_path / "training")
    try:
        settings = home_settings(desk.home.root, legacy)
        assert settings.fileName() == str(desk.home.root / SETTINGS_FILE)
        assert settings.value(SETTING_LANGUAGE) == "en"  # carried over once from the shared file
        settings.setValue(SETTING_LANGUAGE, "zh_CN")
        settings.sync()
        assert home_settings(desk.home.root, legacy).value(SETTING_LANGUAGE) == "zh_CN"  # not again
        window = MainWindow(desk)  # no settings given: the data home's
        qtbot.addWidget(window)
        window.show()
        window.resize(640, 480)
        window.close()
        reread = QSettings(str(desk.home.root / SETTINGS_FILE), QSettings.Format.IniFormat)
        assert reread.value("window/geometry") is not None
        other = MainWindow(training)
        qtbot.addWidget(other)
        assert other.settings.fileName() == str(training.home.root / SETTINGS_FILE)
        assert other.settings.value("window/geometry") is None  # the other home has its own
        other.close()
    finally:
        desk.close()
        training.close()
