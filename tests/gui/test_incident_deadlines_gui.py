"""Issue 11 in the window: acknowledge, the real notification time, reasons for a level
change, both plans, chips that say "missed by", the watcher over every open incident
(banner, desktop alert, one notification even beside ``kbapp watch``), Escalate now."""

from __future__ import annotations

import datetime as dt

import pytest
from notifyhelpers import HookServer
from PySide6.QtCore import Qt

from kbapp.gui.incident_edit_dialogs import to_qdatetime
from kbapp.incidents import deadlines as dl
from kbapp.incidents.escalation import EscalationChain, Person

M = dt.timedelta(minutes=1)
CHAIN = EscalationChain((
    Person("王工", "值班工程师", "138 0000 0001", "李经理"),
    Person("李经理", "技术主管", "138 0000 0002", "赵总"),
    Person("赵总", "服务总监", "138 0000 0003"),
))


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock(kb):
    # Whole minutes, near the real time: the dialogs' time fields work to the minute.
    c = Clock(dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) - 2 * dl.HOUR)
    kb.incidents.clock = kb.notifications.clock = c
    return c


def open_window(qtbot, make_window, clock):
    """The window on the injected clock from the start (its watcher's first pass included)."""
    w = make_window(start=False)
    w.incidents.clock = clock
    with qtbot.waitSignal(w.index_ready, timeout=120_000):
        w.start()
    wait_watch_idle(qtbot, w)
    return w


@pytest.fixture
def window(qtbot, make_window, clock):
    return open_window(qtbot, make_window, clock)


def wait_watch_idle(qtbot, window) -> None:
    """The window's first pass (at start) is over."""
    qtbot.waitUntil(lambda: window.watch.last is not None and not window.watch._running, timeout=20_000)


def watch_pass(qtbot, window):
    with qtbot.waitSignal(window.watch.passed, timeout=20_000) as got:
        window.watch.run_now()
    return got.args[0]


def start(qtbot, window, clock, title="客户A 数据丢失", level="I", notified_ago=None, responsible=""):
    page = window.incidents
    dialog = page.new_incident("data-loss")
    if notified_ago is not None:
        dialog.notified.setDateTime(to_qdatetime(clock() - notified_ago))
    dialog.title.setText(title)
    dialog.level.setCurrentIndex(dialog.level.findData(level))
    dialog.responsible.setText(responsible)
    dialog.accept()
    view = page.view
    qtbot.waitUntil(lambda: view.incident is not None and view.incident.title == title
                    and view.current_panel() is not None and view.current_panel().model.state is not None,
                    timeout=10_000)
    return view


def last_action(view, kind):
    return next(a for a in reversed(view.timeline_model.actions) if a.kind == kind)


def test_acknowledge_by_key_meets_the_response_and_a_late_one_says_missed_by(qtbot, window, clock):
    view = start(qtbot, window, clock, notified_ago=40 * M)
    assert view.incident.notified_at == clock() - 40 * M  # the time entered in the dialog
    chip = view.chip_labels[dl.RESPONSE]
    assert view.deadline_state(dl.RESPONSE) == dl.PASSED and "missed by 10 min" in chip.text()
    assert view.header.ack_button.isVisible()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: any(a.kind == "ack" for a in view.timeline_model.actions), timeout=10_000)
    qtbot.waitUntil(lambda: view.deadline_state(dl.RESPONSE) == dl.MET, timeout=10_000)
    chip = view.chip_labels[dl.RESPONSE]
    # Met, but 10 minutes late: never shown as met on time.
    assert "missed by 10 min (met 10 min late)" in chip.text() and "✘" in chip.text()
    assert chip.property("late") is True and "#fde0dc" in chip.styleSheet()

    # Still missed after a level change (which needs its reason).
    clock.now += M
    dialog = window.incidents.change_level()
    dialog.level.setCurrentIndex(dialog.level.findData("II"))
    dialog.accept()
    assert dialog.isVisible() and "why" in dialog.error.text()
    dialog.reason.setText("业务仍可运行")
    dialog.accept()
    qtbot.waitUntil(lambda: view.incident.level == "II", timeout=10_000)
    assert last_action(view, "level").details == "业务仍可运行"
    assert "missed by 10 min" in view.chip_labels[dl.RESPONSE].text()


def test_an_on_time_acknowledgement_is_met_and_the_button_works(qtbot, window, clock):
    view = start(qtbot, window, clock, title="按时响应", notified_ago=None)
    clock.now += 30 * M  # exactly at the due time: on time
    view.header.ack_button.click()
    qtbot.waitUntil(lambda: view.deadline_state(dl.RESPONSE) == dl.MET, timeout=10_000)
    chip = view.chip_labels[dl.RESPONSE]
    assert "met at" in chip.text() and chip.property("late") is False


def test_the_notification_time_is_corrected_with_a_reason(qtbot, window, clock):
    view = start(qtbot, window, clock, title="晚登记")
    due_before = next(d for d in view.deadlines if d.key == dl.RESPONSE).due_at
    dialog = window.incidents.correct_notified_at()
    dialog.reason.setText("reason without a new time")
    dialog.accept()
    assert dialog.isVisible() and "Change the time" in dialog.error.text()
    dialog.notified.setDateTime(to_qdatetime(clock() - 15 * M))
    dialog.reason.setText("客户 02:40 来电，02:55 登记")
    dialog.accept()
    qtbot.waitUntil(lambda: any(a.kind == "notified_at" for a in view.timeline_model.actions), timeout=10_000)
    action = last_action(view, "notified_at")
    assert action.details == "客户 02:40 来电，02:55 登记" and action.actor
    qtbot.waitUntil(lambda: next(d for d in view.deadlines if d.key == dl.RESPONSE).due_at == due_before - 15 * M,
                    timeout=10_000)


def test_the_plan_dialog_records_the_handling_plan_and_the_level_one_emergency_plan(qtbot, window, clock):
    view = start(qtbot, window, clock, title="一级故障", level="I")
    dialog = window.incidents.record_plan()
    assert dialog.emergency.isEnabled()
    dialog.text.setPlainText("从全备加增量恢复到临时目录")
    dialog.accept()
    qtbot.waitUntil(lambda: view.deadline_state(dl.PLAN) == dl.MET, timeout=10_000)
    clock.now += 13 * dl.HOUR  # not solved in 12 h: the emergency plan is due at 16 h
    dialog = window.incidents.record_plan()
    dialog.emergency.setChecked(True)
    dialog.text.setPlainText("启用备用系统，手工补录")
    dialog.accept()
    qtbot.waitUntil(lambda: view.deadline_state(dl.EMERGENCY_PLAN) == dl.MET, timeout=10_000)
    assert last_action(view, "emergency_plan").details == "启用备用系统，手工补录"

    window.incidents.view.change_level("II", "降级")
    qtbot.waitUntil(lambda: view.incident.level == "II", timeout=10_000)
    assert not window.incidents.record_plan().emergency.isEnabled()  # only level I has one


def test_the_watcher_watches_every_open_incident_and_sends_once_beside_kbapp_watch(qtbot, make_window, kb, clock):
    kb.incidents.save_chain(CHAIN)
    with HookServer() as hook:
        (kb.home.root / "notify.toml").write_text(f'[[webhook]]\nurl = "{hook.url()}"\nformat = "json"\n',
                                                  encoding="utf-8")
        behind = kb.incidents.start("后台的故障 password=S3cr3t!", "II", responsible="王工")
        window = open_window(qtbot, make_window, clock)
        # The banner on start lists the open incident with its running deadline.
        banner = window.deadline_banner
        assert banner.isVisible() and behind.id in banner.incident_ids and "后台的故障" in banner.label.text()

        view = start(qtbot, window, clock, title="屏幕上的故障", level="III")
        assert view.incident_id != behind.id
        watch_pass(qtbot, window)
        alerts = []
        window.watch.alert.connect(lambda title, text: alerts.append((title, text)))
        clock.now += 21 * M  # both responses turn amber
        result = watch_pass(qtbot, window)
        assert any(f"#{behind.id}" in text for _title, text in alerts)  # not the one on screen only
        assert not any("S3cr3t!" in text for _title, text in alerts)  # desktop notifications are redacted
        assert any("Deadline close" in title for title, _ in alerts)
        assert {(e.incident_id, e.step) for e in result.escalated} >= {(behind.id, 0)}

        clock.now += 10 * M  # missed: the superior, once
        watcher = kb.watcher(clock)  # kbapp watch, running beside the window
        result = watch_pass(qtbot, window)
        other = watcher.run_once()
        again = watch_pass(qtbot, window)
        steps = [(e.incident_id, e.step) for e in result.escalated + other.escalated + again.escalated]
        assert steps.count((behind.id, 1)) == 1
        sent = [b for b in hook.bodies() if b.get("incident_id") == behind.id and b.get("step") == 1
                and b.get("event") == "escalation"]
        assert len(sent) == 1 and sent[0]["person"] == "李经理"
        # Level II: reported to the person in charge when it was logged, once, beside the escalation.
        assert [b["person"] for b in hook.bodies() if b.get("event") == "serious"] == ["李经理"]
        assert any("missed" in title for title, _ in alerts)
        timeline = kb.incidents.timeline(behind.id)
        assert any(a.kind == "escalation" and a.payload.get("to") == "李经理" for a in timeline)


def test_escalate_now_names_the_next_person_or_says_how_to_set_the_chain_up(qtbot, window, kb, clock):
    view = start(qtbot, window, clock, title="无人可升级", responsible="王工")
    view.header.escalate_button.click()
    qtbot.waitUntil(lambda: window.incidents.warning_box is not None and window.incidents.warning_box.isVisible(),
                    timeout=10_000)
    box = window.incidents.warning_box
    assert "escalation chain is empty" in box.text() and "Escalation Chain" in box.text()
    box.close()

    kb.incidents.save_chain(CHAIN)
    with qtbot.waitSignal(window.incidents.escalated, timeout=10_000) as got:
        window.escalate_action.trigger()
    assert got.args[0].person.name == "李经理"
    label = view.header.escalation
    assert label.isVisible() and "李经理" in label.text() and "138 0000 0002" in label.text()


@pytest.mark.parametrize(("met_after", "now_after", "zh", "en"), [
    (None, 20 * M, "剩余 00:10:00", "00:10:00 left"),
    (None, 41 * M, "超时 11 分钟", "missed by 11 min"),
    (30 * M, 41 * M, "按时完成", "met at"),  # exactly at the due time is on time
    (41 * M, 50 * M, "超时 11 分钟（迟 11 分钟完成）", "missed by 11 min (met 11 min late)"),
])
def test_chip_text_never_shows_a_late_deadline_as_met(met_after, now_after, zh, en):
    from kbapp.gui.run_header import chip_style, chip_text

    t0 = dt.datetime(2026, 3, 2, 2, 40, tzinfo=dt.UTC)
    met = t0 + met_after if met_after is not None else None
    deadline = dl.evaluate(dl.RESPONSE, t0, t0 + 30 * M, met, t0 + now_after)
    assert zh in chip_text(deadline, chinese=True) and deadline.label_zh in chip_text(deadline, chinese=True)
    assert en in chip_text(deadline, chinese=False)
    due = (t0 + 30 * M).astimezone().strftime("%H:%M")
    if met is None:
        assert due in chip_text(deadline, chinese=False)  # the clock time as well as the countdown
    late = met_after is not None and met_after > 30 * M
    assert ("✔" in chip_text(deadline, chinese=False)) == (met is not None and not late)
    assert ("#fde0dc" in chip_style(deadline)) == late


def test_the_banner_lists_the_most_pressing_few_and_counts_the_rest(qapp, monkeypatch):
    from types import SimpleNamespace

    from kbapp.gui import deadline_watch as dw

    monkeypatch.setattr(dw, "running_summary", lambda watched, chinese: "响应 超时")
    t0 = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)

    def watched(n: int, state: str, due_minutes: int):
        deadline = SimpleNamespace(state=state, due_at=t0 + dt.timedelta(minutes=due_minutes))
        return SimpleNamespace(running=[deadline], incident=SimpleNamespace(id=n, level="II", title=f"故障{n}"))

    incidents = [watched(n, dl.OK, 100 + n) for n in range(1, 9)] + [watched(9, dl.PASSED, 500)]
    banner = dw.DeadlineBanner(chinese=False)
    banner.show_pass(SimpleNamespace(incidents=incidents))
    text = banner.label.text()
    assert text.index("#9 ") < text.index("#1 ")  # the overdue one first
    assert "#4 " in text and "#5 " not in text  # five lines: #9, then #1-#4 by due time
    assert "and 4 more in the Incidents tab" in text
    assert len(banner.incident_ids) == 9  # every one still counted
