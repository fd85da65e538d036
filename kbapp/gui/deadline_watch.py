"""The window's deadline watcher: every open incident, not only the one on screen.

On a QTimer, :class:`DeadlineWatch` runs one pass of kbapp.incidents.watcher (the
same pass as ``kbapp watch``) on the runner's background lane: it escalates what is
due, queues the notifications and sends them through the outbox, which makes each go
out once even when ``kbapp watch`` runs too. On the UI thread it then

- fills the banner (:class:`DeadlineBanner`) that lists, on start, the open incidents
  whose deadlines are running or overdue, each a link to the incident;
- raises a desktop notification (QSystemTrayIcon, when the desktop has a tray) and
  the ``alert`` signal when a deadline turns amber or red.
"""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSystemTrayIcon, QToolButton, QWidget

from kbapp.incidents import deadlines as dl
from kbapp.redact import redact

DEFAULT_INTERVAL_S = 60.0
SHORTEST_INTERVAL_S = 5.0
ALERT_STATES = (dl.CLOSE, dl.PASSED)


def running_summary(watched, chinese: bool) -> str:
    """"响应 超时 10 分钟; 故障处理方案 剩余 1 小时 20 分钟" for one incident's open deadlines."""
    parts = []
    for deadline in sorted(watched.running, key=lambda d: ({dl.PASSED: 0, dl.CLOSE: 1}.get(d.state, 2), d.due_at)):
        zh, en = dl.describe(deadline)
        parts.append(f"{deadline.label_zh} {zh}" if chinese else f"{deadline.label_en} {en}")
    return "; ".join(parts)


class DeadlineWatch(QObject):
    passed = Signal(object)  # kbapp.incidents.watcher.PassResult, on the UI thread
    alert = Signal(str, str)  # title, text: a deadline turned amber or red
    failed = Signal(str)

    def __init__(self, kb, runner, clock, chinese: bool, parent=None):
        super().__init__(parent)
        self.kb, self.runner, self.chinese = kb, runner, chinese
        self.watcher = kb.watcher(clock=lambda: clock())
        self.timer = QTimer(self)
        self.timer.setInterval(int(DEFAULT_INTERVAL_S * 1000))
        self.timer.timeout.connect(self.run_now)
        self.tray: QSystemTrayIcon | None = None
        self.last = None  # the last PassResult
        self._states: dict[tuple[int, str], str] | None = None  # None until the first pass
        self._running = False
        self._again = False
        self._stopped = False
        self._started = False
        # A new incident, a note, a status, here or elsewhere: the banner's counts follow now,
        # not at the next tick (a pass that adds actions itself asks once more, then rests).
        runner.changed.connect(self._changed)

    def _changed(self, changes) -> None:
        if changes.action_ids and self.timer.isActive():
            self.run_now()

    def start(self) -> None:
        if self._started:
            return  # a team desk starts it offline, then again when the server answers
        self._started = True
        watcher = self.watcher
        # On the background lane, before the first pass (the lane keeps submission order).
        self.runner.background(watcher.resume)
        self.run_now()
        self.timer.start()

    def stop(self) -> None:
        """Before the window goes: a pass in flight stops after the message it is sending."""
        self._stopped = True
        self.timer.stop()
        self.watcher.stop()

    def run_now(self) -> None:
        if self._stopped:
            return
        if self._running:
            self._again = True  # one more pass right after this one (an "Escalate now", say)
            return
        self._running = True
        self.runner.background(self._pass, self._done, self._failed)

    def _pass(self):
        result = self.watcher.run_once()
        return result, self.watcher.watch_interval() or DEFAULT_INTERVAL_S

    def _done(self, outcome) -> None:
        result, interval = outcome
        self._running = False
        self.timer.setInterval(int(max(float(interval or DEFAULT_INTERVAL_S), SHORTEST_INTERVAL_S) * 1000))
        self.last = result
        for title, text, state in self._turned(result):
            self._notify(title, text, state)
        self.passed.emit(result)
        if self._again:
            self._again = False
            self.run_now()

    def _failed(self, exc) -> None:
        self._running = False
        self.failed.emit(str(exc) or type(exc).__name__)

    def _turned(self, result) -> list[tuple[str, str, str]]:
        """The deadlines that turned amber or red since the last pass (none on the first)."""
        states = {(w.incident.id, d.key): d.state for w in result.incidents for d in w.deadlines}
        before, self._states = self._states, states
        if before is None:
            return []
        out = []
        for watched in result.incidents:
            for deadline in watched.deadlines:
                key = (watched.incident.id, deadline.key)
                if deadline.state in ALERT_STATES and before.get(key) != deadline.state:
                    out.append(self._alert_text(watched.incident, deadline) + (deadline.state,))
        return out

    def _alert_text(self, incident, deadline) -> tuple[str, str]:
        zh, en = dl.describe(deadline)
        name = deadline.label_zh if self.chinese else deadline.label_en
        if deadline.state == dl.PASSED:
            title = self.tr("Deadline missed: %1").replace("%1", name)
        else:
            title = self.tr("Deadline close: %1").replace("%1", name)
        # A desktop notification is seen by anyone near the screen and kept in the desktop's history.
        return title, f"#{incident.id} [{incident.level}] {redact(incident.title)}\n{name}: {zh if self.chinese else en}"

    def _notify(self, title: str, text: str, state: str) -> None:
        self.alert.emit(title, text)
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self.tray is None:
            from PySide6.QtWidgets import QApplication

            self.tray = QSystemTrayIcon(QApplication.windowIcon(), self)
            self.tray.setToolTip("kbapp")
            self.tray.show()
        icon = QSystemTrayIcon.MessageIcon.Critical if state == dl.PASSED else QSystemTrayIcon.MessageIcon.Warning
        self.tray.showMessage(title, text, icon, 15_000)


BANNER_LINES = 5


def _urgency(watched) -> tuple:
    """Overdue before close to due before the rest, then the earliest due."""
    return min((({dl.PASSED: 0, dl.CLOSE: 1}.get(d.state, 2), d.due_at) for d in watched.running),
               default=(3, dt.datetime.max.replace(tzinfo=dt.UTC)))


class DeadlineBanner(QWidget):
    """"⚠ 2 open incidents with deadlines running: …", each incident a link; ✕ hides it."""

    open_incident = Signal(int)

    def __init__(self, chinese: bool, parent=None):
        super().__init__(parent)
        self.chinese = chinese
        self.setObjectName("deadlineBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#deadlineBanner { background:#fff3e0; border:1px solid #ef6c00; border-radius:3px; }")
        self.label = QLabel(self)
        self.label.setObjectName("deadlineBannerText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.linkActivated.connect(self._link)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setToolTip(self.tr("Hide"))
        self.close_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.dismissed = False
        self.incident_ids: list[int] = []
        self.hide()

    def show_pass(self, result) -> None:
        running = [w for w in result.incidents if w.running]
        self.incident_ids = [w.incident.id for w in running]
        if self.dismissed or not running:
            self.hide()
            return
        head = self.tr("⚠ %n open incident(s) with deadlines running or overdue:", "", len(running))
        lines = [f"<b>{html.escape(head)}</b>"]
        # The most pressing first, and only a few: with many open the banner would fill the window.
        running.sort(key=_urgency)
        for watched in running[:BANNER_LINES]:
            incident = watched.incident
            lines.append(f'<a href="kbapp:incident/{incident.id}">#{incident.id} [{incident.level}] '
                         f'{html.escape(incident.title[:80])}</a> — {html.escape(running_summary(watched, self.chinese))}')
        if len(running) > BANNER_LINES:
            lines.append(html.escape(self.tr("… and %1 more in the Incidents tab (Ctrl+3)")
                                     .replace("%1", str(len(running) - BANNER_LINES))))
        if getattr(result, "offline", False):
            lines.append(html.escape(self.tr("Offline: this desk watches these deadlines itself, escalates "
                                             "and sends from here; the server gets each escalation at the "
                                             "next sync.")))
        self.label.setText("<br>".join(lines))
        self.show()

    def dismiss(self) -> None:
        self.dismissed = True
        self.hide()

    def _link(self, link: str) -> None:
        tail = link.rsplit("/", 1)[-1]
        if tail.isdigit():
            self.open_incident.emit(int(tail))
