"""The Training menu in the real window: a drill with its banner and score, an inspection
whose failed item opens an incident, a training pack written off the UI thread."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl


@pytest.fixture
def window(make_window):
    return make_window()


def _panel(page):
    panel = page.view.current_panel()
    assert panel is not None
    return panel


def _start_drill(qtbot, window, playbook="operation-error", trainee="小王"):
    controller = window.training
    dialog = controller.start_drill_dialog()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    dialog.select_playbook(playbook)
    assert dialog.scenario.currentData() == f"drill-{playbook}"
    dialog.trainee.setText(trainee)
    dialog.accept()
    page = controller.page
    qtbot.waitUntil(lambda: page.view.incident is not None and page.view.incident.mode == "drill"
                    and page.view.current_panel() is not None and page.view.current_panel().model.state is not None
                    and page.drill is not None, timeout=10_000)
    return page


def test_a_drill_is_marked_everywhere_recorded_and_scored(qtbot, window):
    page = _start_drill(qtbot, window)
    assert window.pages.currentWidget() is page
    assert page.view.mode_banner.isVisible() and "DRILL" in page.view.mode_banner.text()
    assert "DRILL" in window.windowTitle() and window.training.mode_label.isVisible()
    assert page.view.chip_labels == {}  # no deadlines on a drill
    assert page.drill_box.isVisible() and page.drill.trainee == "小王"
    assert page.revealed_steps() == [1] and "ops_li" in page.situation.toPlainText()

    panel = _panel(page)
    panel.done_button.click()
    qtbot.waitUntil(lambda: panel.model.state.current == 2, timeout=10_000)
    panel.done_button.click()
    qtbot.waitUntil(lambda: panel.model.state.current == 3, timeout=10_000)
    panel._on_anchor(QUrl("kbapp:goto/4"))  # the wrong decision: data was lost
    qtbot.waitUntil(lambda: panel.model.state.current == 4 and 3 in page.revealed_steps(), timeout=10_000)
    assert "ORA-00942" in page.situation.toPlainText()

    # Not an incident: the incidents tab never lists it.
    window.incidents.reload_list()
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=10_000)
    assert window.incidents.list_model.row_of(page.view.incident_id) == -1

    drill_id = page.view.incident_id
    page.finish_drill_button.click()
    qtbot.waitUntil(lambda: page.score_dialog is not None and page.score_dialog.isVisible(), timeout=10_000)
    score = page.score_dialog.score
    assert [(w.step, w.taken, w.expected) for w in score.wrong_turns] == [(3, 4, 5)]
    assert page.score_dialog.total_label.text() == f"{score.total} / 100"
    assert window.kb.incidents.get(drill_id).status == "resolved"
    page.score_dialog.close()


def test_leaving_the_drill_tab_restores_the_title(qtbot, window):
    page = _start_drill(qtbot, window, playbook="config-loss")
    assert "DRILL" in window.windowTitle()
    window.show_incidents()
    assert "DRILL" not in window.windowTitle() and not window.training.mode_label.isVisible()
    window.training.show_page()
    qtbot.waitUntil(lambda: "DRILL" in window.windowTitle(), timeout=10_000)
    assert page.view.mode_banner.isVisible()


def test_an_inspection_item_fails_and_opens_an_incident(qtbot, window):
    controller = window.training
    dialog = controller.start_inspection_dialog()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    assert dialog.checklist.currentData() == "routine-inspection"
    dialog.inspector.setText("李工")
    dialog.accept()
    page = controller.page
    qtbot.waitUntil(lambda: page.view.incident is not None and page.view.incident.mode == "inspection"
                    and page.view.current_panel() is not None and page.view.current_panel().model.state is not None,
                    timeout=10_000)
    assert "INSPECTION" in page.view.mode_banner.text() and page.inspection_bar.isVisible()
    panel = _panel(page)
    assert panel.pass_button.isVisible() and panel.value_edit.isVisible() and not panel.done_button.isVisible()

    panel.pass_button.click()
    qtbot.waitUntil(lambda: panel.model.state.current == 2, timeout=10_000)
    panel.value_edit.setText("bizapp inactive")
    panel.step_note.setText("服务未运行")
    panel.item_fail_button.click()
    qtbot.waitUntil(lambda: panel.model.state.current == 3, timeout=10_000)
    assert panel.model.state.step(2).result == "fail"
    inspection_id = page.view.incident_id
    action = page.view.timeline_model.actions[-1]
    assert action.payload["value"] == "bizapp inactive" and action.details == "服务未运行"

    panel.select_row(1)  # item 2, the failed one
    page.open_incident_button.click()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.incidents
                    and window.incidents.view.incident is not None
                    and window.incidents.view.incident.id != inspection_id, timeout=10_000)
    incident = window.incidents.view.incident
    assert incident.mode == "incident" and "运行状态检查：服务与进程" in incident.title
    assert "bizapp inactive" in incident.description and "服务未运行" in incident.description
    kinds = [a.kind for a in window.kb.incidents.timeline(inspection_id)]
    assert kinds[-1] == "follow_up"


def test_a_training_pack_is_written_off_the_ui_thread(qtbot, window, tmp_path):
    controller = window.training
    dialog = controller.pack_dialog()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    dialog.set_checked(["config-loss", "data-loss"])
    assert dialog.chosen() == ["config-loss", "data-loss"]
    dialog.reject()
    out = tmp_path / "pack.pdf"
    with qtbot.waitSignal(controller.pack_written, timeout=60_000) as written:
        controller.export_pack(out, ["config-loss", "data-loss"], lessons=True, title="培训 Training")
    assert written.args[0] == str(out) and written.args[1] >= 6 and out.stat().st_size > 0
