"""The run view's header: who, what, how bad, and every deadline with its clock.

The title is elided to the room there is (the full text is the tooltip), so a
168-character title never widens the window. The deadline chips give the due time on
the clock as well as the countdown, and once a deadline is missed they say by how
much ("missed by 11 min", "met 11 min late"): a late one never shows as met.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kbapp.gui.incident_models import LEVEL_COLOURS, format_duration, incident_number, pick
from kbapp.incidents import deadlines as dl
from kbapp.incidents import types as itypes
from kbapp.incidents.lifecycle import STATUS_LABELS, is_working

LEVEL_NAMES = {"I": ("紧急", "urgent"), "II": ("严重", "serious"), "III": ("较严重", "moderate"), "IV": ("普通", "ordinary")}
LATE = "late"  # a chip's style when a deadline was met, but after its due time
CHIP_STYLES = {
    dl.OK: "background:#e8f5e9;color:#1b5e20;",
    dl.CLOSE: "background:#ffe082;color:#6d4c00;",  # amber
    dl.PASSED: "background:#c62828;color:#ffffff;",  # red
    dl.MET: "background:#eeeeee;color:#424242;",
    LATE: "background:#fde0dc;color:#b71c1c;",  # met late: missed, for ever
}


def clock_time(value: dt.datetime) -> str:
    """Local HH:MM, with the date when it is not today."""
    local, today = value.astimezone(), dt.datetime.now().astimezone().date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%m-%d %H:%M")


def chip_text(deadline: dl.Deadline, chinese: bool) -> str:
    """One deadline as its chip says it: name, due time on the clock, and where it stands."""
    name = deadline.label_zh if chinese else deadline.label_en
    due = clock_time(deadline.due_at)
    zh, en = dl.describe(deadline)
    if deadline.state == dl.MET and deadline.late:
        met = clock_time(deadline.met_at) if deadline.met_at else ""
        return pick((f"✘ {name} {zh} · {met}", f"✘ {name}: {en} · {met}"), chinese)
    if deadline.state == dl.MET:
        met = clock_time(deadline.met_at) if deadline.met_at else ""
        return pick((f"✔ {name} 按时完成 {met}", f"✔ {name}: met at {met}"), chinese)
    if deadline.state == dl.PASSED:
        return pick((f"⚠ {name} 截止 {due} · {zh}", f"⚠ {name} due {due} · {en}"), chinese)
    left = format_duration(deadline.remaining)
    if chinese:
        left = left.replace("d ", " 天 ")
    return pick((f"{name} 截止 {due} · 剩余 {left}", f"{name} due {due} · {left} left"), chinese)


def chip_style(deadline: dl.Deadline) -> str:
    return CHIP_STYLES[LATE] if deadline.state == dl.MET and deadline.late else CHIP_STYLES.get(deadline.state, "")


class FlowLayout(QLayout):
    """Left to right, wrapping to another row when the width runs out (the deadline chips:
    five long chips in English at 1280 px take two rows instead of widening the window;
    the step buttons likewise)."""

    def __init__(self, parent=None, spacing: int = 6):
        super().__init__(parent)
        self._items = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item) -> None:  # noqa: N802 - Qt's names
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self):  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, move: bool) -> int:
        x, y, row = rect.x(), rect.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue  # a hidden widget takes no room
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and row > 0:
                x, y, row = rect.x(), y + row + self.spacing(), 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self.spacing()
            row = max(row, hint.height())
        return y + row - rect.y()


class ElidedLabel(QLabel):
    """A one-line label that shows as much of its text as fits, and all of it as a tooltip.
    Its size hint does not depend on the text, so a long text never widens its window."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.contentsRect().width(), 0)
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width))

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(240, self.fontMetrics().height() + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(40, self.fontMetrics().height() + 4)


class RunHeader(QWidget):
    acknowledge_requested = Signal()
    escalate_requested = Signal()

    def __init__(self, chinese: bool, parent=None):
        super().__init__(parent)
        self.chinese = chinese
        self.setObjectName("runHeader")
        self.title = ElidedLabel(self)
        self.title.setObjectName("incidentTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.level = QLabel(self)
        self.level.setObjectName("incidentLevel")
        self.status = QLabel(self)
        self.status.setObjectName("incidentStatus")
        self.responsible = ElidedLabel(self)
        self.responsible.setObjectName("incidentResponsible")
        self.responsible.setMaximumWidth(260)
        self.ack_button = QPushButton(self.tr("响应 Acknowledge"), self)
        self.ack_button.setObjectName("ackButton")
        self.ack_button.setToolTip(self.tr("I have the incident: meets the 30-minute response (Ctrl+Shift+A)"))
        self.ack_button.clicked.connect(self.acknowledge_requested)
        self.escalate_button = QPushButton(self.tr("Escalate Now"), self)
        self.escalate_button.setObjectName("escalateButton")
        self.escalate_button.setToolTip(self.tr("Tell the next person up the escalation chain (Ctrl+Shift+E)"))
        self.escalate_button.clicked.connect(self.escalate_requested)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.title, 1)
        top.addWidget(self.level)
        top.addWidget(self.status)
        top.addWidget(self.responsible)
        top.addWidget(self.ack_button)
        top.addWidget(self.escalate_button)
        self.chips = FlowLayout()
        self.chip_labels: dict[str, QLabel] = {}
        self.escalation = QLabel(self)
        self.escalation.setObjectName("escalationLabel")
        self.escalation.setWordWrap(True)
        self.escalation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.escalation.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(self.chips)
        layout.addWidget(self.escalation)

    def set_incident(self, incident: itypes.Incident) -> None:
        self.title.set_full_text(f"{incident_number(incident)} {incident.title}")
        colour = LEVEL_COLOURS.get(incident.level, "#000")
        name = pick(LEVEL_NAMES.get(incident.level, ("", "")), self.chinese)
        self.level.setText(f" {incident.level} {name} ")
        self.level.setStyleSheet(f"background:{colour};color:white;font-weight:bold;border-radius:3px;padding:1px 4px;")
        self.status.setText(pick(STATUS_LABELS.get(incident.status, (incident.status, incident.status)), self.chinese))
        self.responsible.set_full_text(self.tr("Responsible: %1").replace("%1", incident.responsible or "—"))
        real = incident.mode == itypes.MODE_INCIDENT
        working = is_working(incident.status)
        for button in (self.ack_button, self.escalate_button):
            button.setVisible(real)
            button.setEnabled(working)
        if incident.responded_at is not None:
            self.ack_button.setToolTip(self.tr("Responded at %1; acknowledging again is logged (Ctrl+Shift+A)")
                                       .replace("%1", clock_time(incident.responded_at)))

    def set_deadlines(self, deadlines: list[dl.Deadline]) -> None:
        keys = [d.key for d in deadlines]
        for key in list(self.chip_labels):
            if key not in keys:
                self.chip_labels.pop(key).deleteLater()
        for deadline in deadlines:
            label = self.chip_labels.get(deadline.key)
            if label is None:
                label = QLabel(self)
                label.setObjectName(f"deadline-{deadline.key}")
                self.chips.addWidget(label)
                self.chip_labels[deadline.key] = label
            label.setText(chip_text(deadline, self.chinese))
            zh, en = dl.describe(deadline)
            label.setToolTip(f"{deadline.label_zh} {deadline.label_en}\n"
                             + self.tr("Due %1").replace("%1", deadline.due_at.astimezone().strftime("%Y-%m-%d %H:%M"))
                             + f"\n{zh} · {en}")
            label.setProperty("state", deadline.state)
            label.setProperty("late", deadline.late)
            label.setStyleSheet(f"{chip_style(deadline)} padding:2px 6px; border-radius:3px;")

    def set_escalation(self, text: str) -> None:
        self.escalation.setText(text)
        self.escalation.setVisible(bool(text))
