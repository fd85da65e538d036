"""The run view: the current step whole, the step list and timeline models (tested without
widgets, as Vorta tests its models), a long title that never widens the window, and a
layout that comes back after a restart."""

from __future__ import annotations

import datetime as dt

from kbapp.gui.incident_models import TimelineModel
from kbapp.gui.run_models import (
    ALL,
    BYPASSED,
    CURRENT,
    DEADLINES,
    ESCALATIONS,
    NOTES,
    STEPS,
    BodyRole,
    HeadRole,
    StateRole,
    StepListModel,
    TimelineFilter,
)
from kbapp.gui.step_view import WARNING_STYLE
from kbapp.incidents import types as itypes

T0 = dt.datetime(2026, 3, 2, 2, 40, tzinfo=dt.UTC)
M = dt.timedelta(minutes=1)


def _action(n: int, kind: str, details: str = "", step=None, **payload) -> itypes.Action:
    return itypes.Action(n, 1, T0 + n * M, "王工", kind, step, "data-loss" if step else None, details, payload)


# -- models, without widgets -------------------------------------------------------------------

def test_step_list_model_shows_states_the_branch_taken_and_bypassed_steps(qtbot, kb):
    kb.reload_library()
    doc = kb.get("data-loss")
    actions = [_action(1, itypes.STEP, step=1, result="done", step_title=doc.steps[0].title),
               _action(2, itypes.STEP, "保留现场", step=2, result="done"),
               _action(3, itypes.STEP, step=3, result="done", goto=5, decision="丢失的是数据库中的数据")]
    state = itypes.replay_playbook_run("data-loss", doc, actions, T0)
    model = StepListModel(lambda: T0 + 10 * M, chinese=False)
    model.set_state(state)
    assert model.rowCount() == len(doc.steps)
    states = [model.data(model.index(r), StateRole) for r in range(model.rowCount())]
    assert states[:5] == ["done", "done", "done", BYPASSED, CURRENT]
    head = model.data(model.index(4), HeadRole)
    assert head == f"▶ 5. {doc.steps[4].title}"  # the full title, never cut
    body = model.data(model.index(4), BodyRole)
    assert "branch from step 3: 丢失的是数据库中的数据" in body and "open for 00:07:00" in body
    assert "bypassed" in model.data(model.index(3), BodyRole)
    assert "“保留现场”" in model.data(model.index(1), BodyRole)
    with qtbot.waitSignal(model.dataChanged):
        model.tick()  # the current step's timer


def test_timeline_filter_by_kind_and_text(qtbot):
    source = TimelineModel(chinese=False)
    source.set_actions([
        _action(1, itypes.CREATED, title="数据丢失", level="I"),
        _action(2, itypes.NOTE, "客户确认昨晚 23:00 有人误删"),
        _action(3, itypes.STEP, step=1, result="done", step_title="立即停止写入"),
        _action(4, itypes.ESCALATION, step=1, to="李经理", phone="138 0000 0002", deadline="response"),
        _action(5, itypes.ACK),
    ])
    proxy = TimelineFilter(source, chinese=False)
    assert proxy.rowCount() == 5
    expected = {NOTES: [itypes.NOTE], STEPS: [itypes.STEP], ESCALATIONS: [itypes.ESCALATION],
                DEADLINES: [itypes.CREATED, itypes.ACK], ALL: [itypes.CREATED, itypes.NOTE, itypes.STEP, itypes.ESCALATION, itypes.ACK]}
    for group, kinds in expected.items():
        proxy.set_group(group)
        assert [proxy.data(proxy.index(r, 0), StateRole) for r in range(proxy.rowCount())] == kinds, group
    proxy.set_group(ALL)
    proxy.set_text("李经理 0002")  # every word, anywhere in the entry
    assert proxy.rowCount() == 1 and "李经理" in proxy.data(proxy.index(0, 0), BodyRole)
    proxy.set_text("王工 note")  # the head (time · kind · actor) is searched too
    assert proxy.rowCount() == 1 and proxy.action(0).kind == itypes.NOTE
    proxy.set_text("")
    with qtbot.waitSignal(proxy.rowsInserted):
        source.set_actions(source.actions + [_action(6, itypes.NOTE, "DBA 已到场")])
    assert proxy.rowCount() == 6


# -- the view ------------------------------------------------------------------------------------

def _start(qtbot, window, title="客户C 数据丢失", level="I"):
    dialog = window.incidents.new_incident("data-loss")
    dialog.title.setText(title)
    dialog.level.setCurrentIndex(dialog.level.findData(level))
    dialog.accept()
    view = window.incidents.view
    qtbot.waitUntil(lambda: view.incident is not None and view.incident.title == title
                    and view.current_panel() is not None and view.current_panel().model.state is not None,
                    timeout=10_000)
    return view


def test_the_current_step_is_shown_whole(qtbot, make_window):
    window = make_window()
    view = _start(qtbot, window)
    panel = view.current_panel()
    step_view = panel.detail
    text = step_view.instructions.text()
    # Every instruction line, the warning emphasised; both commands with a copy button; the expected result.
    assert "与用户确认后停止向受影响数据写入的应用" in text
    assert f'<span style="{WARNING_STYLE}">⚠ 不要在受影响的文件系统上安装恢复工具或存放恢复结果。</span>' in text
    assert [b.objectName() for b in step_view.copy_buttons] == ["copyButton-0"]
    block = step_view.findChild(type(step_view.title), "command-0").text()
    assert block == "systemctl stop bizapp\nmount -o remount,ro /data"  # every line of the block
    assert "mount | grep /data" in step_view.expected.text()
    step_view.copy_buttons[0].click()
    qtbot.waitUntil(lambda: view.timeline_model.actions[-1].kind == "command_copied", timeout=10_000)
    assert view.timeline_model.actions[-1].payload["command"] == block

    panel.done_button.click()
    qtbot.waitUntil(lambda: panel.model.state.current == 2, timeout=10_000)
    panel.done_button.click()
    qtbot.waitUntil(lambda: panel.model.state.current == 3, timeout=10_000)
    assert "2 小时内提交故障处理方案" in step_view.instructions.text() and WARNING_STYLE in step_view.instructions.text()
    # The decision says where it leads, as a button.
    button = step_view.decision_buttons[0]
    assert "Alt+1" in button.text() and "step 5 恢复数据库数据" in button.text()
    assert "丢失的是数据库中的数据" in button.description()
    button.click()
    qtbot.waitUntil(lambda: panel.model.state.current == 5, timeout=10_000)
    assert "reached from step 3" in step_view.branch.text()
    # The step list keeps the branch in sight; the timeline shows it whole.
    assert panel.model.data(panel.model.index(3), StateRole) == BYPASSED
    assert panel.steps_view.isVisible() and view.note_edit.isVisible()


def test_a_long_title_never_widens_the_window_and_the_layout_survives_a_restart(qtbot, make_window, settings):
    window = make_window()
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=5_000)
    title = "客户 " + "数据库服务器存储阵列故障导致业务数据丢失并且备份任务连续三天失败" * 6
    assert len(title) >= 168
    view = _start(qtbot, window, title=title[:200])
    window.show_incidents()
    qtbot.waitUntil(lambda: view.header.title.full_text().endswith(title[:200]), timeout=5_000)
    assert window.width() == 1280 and window.minimumSizeHint().width() <= 1280
    assert view.header.title.toolTip().endswith(title[:200]) and view.header.title.text().endswith("…")
    # Readable at 1280×720: the step, the timeline and the note field are all on screen.
    panel = view.current_panel()
    assert panel.detail.width() >= 380 and view.timeline_panel.width() >= 240
    assert view.note_edit.isVisible() and view.note_edit.mapTo(window, view.note_edit.rect().bottomLeft()).y() <= 720
    # Restarted, it comes back as it was left (within the screen: Qt keeps a window on it).
    room = window.screen().availableGeometry()
    window.setGeometry(room.x() + 10, room.y() + 30, room.width() - 40, room.height() - 60)
    qtbot.waitUntil(lambda: window.width() == room.width() - 40, timeout=5_000)
    view.body.setSizes([500, 250])
    panel.splitter.setSizes([150, 300])
    panel.splitter.splitterMoved.emit(150, 1)
    view.body.splitterMoved.emit(500, 1)
    run_sizes, step_sizes, size = view.body.sizes(), panel.splitter.sizes(), window.size()
    window.close()

    again = make_window()
    assert again.size() == size
    view = again.incidents.view
    qtbot.waitUntil(lambda: view.current_panel() is not None and view.current_panel().model.state is not None,
                    timeout=10_000)
    again.show_incidents()
    try:
        qtbot.waitUntil(lambda: view.body.sizes() == run_sizes, timeout=5_000)
    except Exception:
        from PySide6.QtWidgets import QWidget
        wide = sorted(((w.minimumSizeHint().width(), w.minimumWidth(), type(w).__name__, w.objectName())
                       for w in again.findChildren(QWidget)
                       if w.isVisible() and max(w.minimumSizeHint().width(), w.minimumWidth()) > 500),
                      reverse=True)[:15]
        raise AssertionError((view.body.sizes(), run_sizes, again.size(), size, wide)) from None
    assert view.current_panel().splitter.sizes() == step_sizes


def test_a_fresh_window_has_a_sane_size(qtbot, make_window):
    from PySide6.QtCore import QSize

    from kbapp.gui.main_window import default_size

    assert default_size(QSize(1920, 1080)) == QSize(1280, 800)
    assert default_size(QSize(1280, 720)) == QSize(1216, 662)  # a laptop: the whole of it, nearly
    assert default_size(None) == QSize(1280, 800)
    window = make_window()
    room = window.screen().availableGeometry().size()
    assert window.size() == default_size(room) and window.width() <= room.width()


def test_the_chinese_run_view(qtbot, make_window):
    window = make_window(language="zh_CN")
    view = _start(qtbot, window, title="中文界面")
    panel = view.current_panel()
    assert "第 1 步" in panel.detail.title.text() and "预期结果" in panel.detail.expected.text()
    assert panel.model.data(panel.model.index(0), BodyRole).startswith("当前步骤")
    assert view.timeline_panel.kind.itemText(0) == "全部"


def test_long_deadline_chips_wrap_instead_of_widening_the_window(qtbot, make_window, kb):
    now = dt.datetime.now(dt.UTC)
    incident = kb.incidents.start("数据丢失", "I", playbook_ids=["data-loss"], notified_at=now - 40 * M)
    kb.incidents.acknowledge(incident.id)  # met 10 min late: the longest chip text
    window = make_window()
    window.resize(1000, 700)
    window.show_incidents()
    view = window.incidents.view
    qtbot.waitUntil(lambda: view.incident_id == incident.id and len(view.chip_labels) == 4, timeout=10_000)
    qtbot.waitUntil(lambda: window.width() == 1000, timeout=5_000)
    assert window.minimumSizeHint().width() <= 1000
    header = view.header
    chips = list(header.chip_labels.values())

    def laid_out() -> bool:
        return all(c.isVisible() and c.geometry().width() >= c.sizeHint().width()
                   and c.geometry().right() <= header.width() for c in chips)

    qtbot.waitUntil(laid_out, timeout=5_000)
    qtbot.waitUntil(lambda: len({c.geometry().top() for c in chips}) >= 2, timeout=5_000)  # two rows of chips
    assert laid_out()
    assert "missed by 10 min (met 10 min late)" in header.chip_labels["response"].text()
